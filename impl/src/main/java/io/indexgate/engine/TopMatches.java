package io.indexgate.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Collects the best {@code limit} matches under a metric, in any order of offering; ties are broken by the smaller
 * key, so results are deterministic. Not thread-safe: one per search.
 */
public final class TopMatches {

    private final int limit;
    private final Comparator<SearchMatch> bestFirst;
    private final PriorityQueue<SearchMatch> worstOnTop;

    public TopMatches(int limit, SimilarityMetric metric) {
        this.limit = limit;
        this.bestFirst = bestFirst(metric);
        this.worstOnTop = new PriorityQueue<>(Math.min(limit, 1024) + 1, bestFirst.reversed());
    }

    /** The best-first order of matches under {@code metric}, ties broken by the smaller key. */
    public static Comparator<SearchMatch> bestFirst(SimilarityMetric metric) {
        Comparator<SearchMatch> byScore = Comparator.comparingDouble(SearchMatch::score);
        return (metric.higherIsBetter() ? byScore.reversed() : byScore).thenComparingLong(SearchMatch::key);
    }

    /** Offers a match; kept only if it is among the best {@code limit} so far. */
    public void offer(long key, float score) {
        SearchMatch match = new SearchMatch(key, score);
        if (worstOnTop.size() < limit) {
            worstOnTop.add(match);
        } else if (bestFirst.compare(match, worstOnTop.peek()) < 0) {
            worstOnTop.poll();
            worstOnTop.add(match);
        }
    }

    /** The collected matches, best first. */
    public List<SearchMatch> bestFirst() {
        List<SearchMatch> matches = new ArrayList<>(worstOnTop);
        matches.sort(bestFirst);
        return Collections.unmodifiableList(matches);
    }
}
