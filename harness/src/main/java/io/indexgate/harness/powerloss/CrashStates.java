package io.indexgate.harness.powerloss;

import io.indexgate.harness.process.TempFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The crash states of one cut under {@link PowerLossModel#REORDER}, enumerated systematically (ALICE's abstract
 * persistence model, bounded and deduplicated as CrashMonkey's ACE does), never sampled:
 * <ul>
 *   <li>the directory operations of the {@link PendingJournal} persist as a prefix of their program order: none, the
 *       first, the first two, ..., all;</li>
 *   <li>for each file that the prefix leaves reachable, its pending writes (and truncations) since its last force
 *       persist as one of: none; the first {@code j} of them, the last of which may be torn (its first half of pages,
 *       when it spans two pages of {@value #PAGE} bytes or more); all but one; independently of the directory
 *       operations and of the other files.</li>
 * </ul>
 * States are enumerated prefix by prefix, then over the product of the files' choices; two states whose reachable
 * tree (names, kinds, bytes) is the same are one state. The first state is always the pessimistic one (nothing
 * unforced persisted), so this model catches whatever {@link PowerLossModel#PESSIMISTIC} catches. At most
 * {@code limit} distinct states are kept, and the {@link Exploration} says whether the limit cut the enumeration.
 */
public final class CrashStates {

    /** The file name of the journal of pending operations in a durable directory. */
    public static final String JOURNAL = PendingJournal.FILE;

    /** How many distinct crash states a cut explores at most, unless told otherwise. */
    public static final int DEFAULT_LIMIT = 32;
    /** The unit of a torn write. */
    static final int PAGE = 4096;
    /** The enumeration stops after this many candidates per kept state, whatever the deduplication leaves. */
    private static final int CANDIDATES_PER_STATE = 64;
    private static final String NEXT = ".next";
    private static final String OLD = ".old";

    private CrashStates() {
    }

    /**
     * One crash state: the durable listings and the bytes of the files whose pending writes it persisted (others
     * have their durable bytes).
     *
     * @param number      from 1, in enumeration order
     * @param description which pending operations persisted
     */
    public record CrashState(int number, String description, TreeMap<String, TreeMap<String, Long>> listings,
                             Map<Long, byte[]> changed) {
    }

    /**
     * What one cut left to explore.
     *
     * @param pending    the pending operations the cut left (0: the durable state is the only state)
     * @param states     the distinct crash states kept, the pessimistic one first
     * @param enumerated the candidate states enumerated
     * @param duplicates candidates that were the same as a state already kept
     * @param capped     whether the limit stopped the enumeration before it was complete
     */
    public record Exploration(int pending, List<CrashState> states, int enumerated, int duplicates, boolean capped) {

        /** One line for logs and reports. */
        public String summary() {
            return pending + " pending operations; " + states.size() + " distinct crash states of " + enumerated
                    + " enumerated (" + duplicates + " duplicates)" + (capped ? ", capped" : "");
        }
    }

    /**
     * Enumerates the crash states that the journal of {@code durableDirectory} allows (after finishing or undoing an
     * interrupted {@link #install}).
     */
    public static Exploration enumerate(Path durableDirectory, int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("a cut explores at least one crash state, not " + limit);
        }
        repair(durableDirectory);
        List<PendingJournal.Entry> pending = PendingJournal.read(durableDirectory);
        DurableState durable = new DurableState(durableDirectory);
        List<PendingJournal.Entry> directoryOps = pending.stream().filter(entry -> !entry.isData()).toList();
        Map<Long, List<PendingJournal.Entry>> dataOps = new LinkedHashMap<>();
        pending.stream().filter(PendingJournal.Entry::isData)
                .forEach(entry -> dataOps.computeIfAbsent(entry.inode(), inode -> new ArrayList<>()).add(entry));

        List<CrashState> states = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int enumerated = 0;
        int duplicates = 0;
        boolean capped = false;
        TreeMap<String, TreeMap<String, Long>> listings = durable.copyOfListings();
        for (int prefix = 0; prefix <= directoryOps.size() && !capped; prefix++) {
            if (prefix > 0) {
                apply(listings, directoryOps.get(prefix - 1));
            }
            Map<Long, String> reachable = reachableFiles(listings);
            List<Long> varying = dataOps.keySet().stream().filter(reachable::containsKey).toList();
            List<List<Variant>> choices = new ArrayList<>();
            for (long inode : varying) {
                choices.add(variants(dataOps.get(inode)));
            }
            int[] digits = new int[varying.size()];
            do {
                enumerated++;
                Map<Long, byte[]> changed = new HashMap<>();
                List<String> data = new ArrayList<>();
                for (int i = 0; i < varying.size(); i++) {
                    long inode = varying.get(i);
                    Variant variant = choices.get(i).get(digits[i]);
                    data.add(PendingJournal.Entry.name(reachable.get(inode)) + ": " + variant.label());
                    changed.put(inode, variant.applyTo(durable.content(inode)));
                }
                if (seen.add(image(listings, changed, durable))) {
                    if (states.size() == limit) {
                        capped = true;
                        break;
                    }
                    states.add(new CrashState(states.size() + 1, describe(directoryOps, prefix, data),
                            copy(listings), changed));
                } else {
                    duplicates++;
                }
                if (enumerated >= limit * CANDIDATES_PER_STATE) {
                    capped = true;
                    break;
                }
            } while (next(digits, choices));
        }
        return new Exploration(pending.size(), List.copyOf(states), enumerated, duplicates, capped);
    }

    /** Writes {@code state} as a durable directory of its own at {@code target} (which must not exist). */
    public static void writeTo(CrashState state, Path durableDirectory, Path target) throws IOException {
        Files.createDirectories(target.resolve("inodes"));
        try (Stream<Path> inodes = Files.list(durableDirectory.resolve("inodes"))) {
            for (Path inode : inodes.filter(Files::isRegularFile).toList()) {
                Files.copy(inode, target.resolve("inodes").resolve(inode.getFileName()));
            }
        }
        DurableState copy = new DurableState(target);
        for (Map.Entry<Long, byte[]> entry : state.changed().entrySet()) {
            copy.forceContent(entry.getKey(), entry.getValue());
        }
        copy.replaceListings(copy(state.listings()));
    }

    /**
     * Makes {@code state} the durable state of {@code durableDirectory}, with no journal: the state a run goes on
     * from. Crash-safe: the state is written beside the directory and swapped in by two renames, and
     * {@link #repair} finishes or undoes a swap that a kill interrupted.
     */
    public static void install(CrashState state, Path durableDirectory) throws IOException {
        Path next = sibling(durableDirectory, NEXT);
        Path old = sibling(durableDirectory, OLD);
        TempFiles.deleteTree(next);
        writeTo(state, durableDirectory, next);
        TempFiles.deleteTree(old);
        Files.move(durableDirectory, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(next, durableDirectory, StandardCopyOption.ATOMIC_MOVE);
        TempFiles.deleteTree(old);
    }

    /**
     * Settles a cut without exploring it: installs one of its crash states, drawn from {@code seed}, and returns its
     * description (null if the cut left nothing pending). For the parent, before it damages a file at rest.
     */
    public static String settle(Path durableDirectory, long seed) throws IOException {
        Exploration exploration = enumerate(durableDirectory, DEFAULT_LIMIT);
        if (exploration.pending() == 0) {
            return null;
        }
        CrashState chosen = exploration.states().get(new SplittableRandom(seed).nextInt(exploration.states().size()));
        install(chosen, durableDirectory);
        return chosen.description();
    }

    /** Finishes an {@link #install} that was interrupted after the old state moved away, or undoes one before. */
    static void repair(Path durableDirectory) throws IOException {
        Path next = sibling(durableDirectory, NEXT);
        Path old = sibling(durableDirectory, OLD);
        if (!Files.exists(durableDirectory) && Files.exists(next)) {
            Files.move(next, durableDirectory, StandardCopyOption.ATOMIC_MOVE);
        }
        TempFiles.deleteTree(next);
        TempFiles.deleteTree(old);
    }

    private static Path sibling(Path directory, String suffix) {
        return directory.resolveSibling(directory.getFileName() + suffix);
    }

    /** One way a file's pending data operations may have persisted. */
    private record Variant(String label, List<PendingJournal.Entry> applied, boolean lastTorn) {

        byte[] applyTo(byte[] durable) {
            byte[] content = durable == null ? new byte[0] : durable;
            for (int i = 0; i < applied.size(); i++) {
                PendingJournal.Entry entry = applied.get(i);
                if (entry.op().equals(PendingJournal.Entry.TRUNCATE)) {
                    content = Arrays.copyOf(content, (int) Math.min(content.length, entry.size()));
                    continue;
                }
                byte[] data = entry.data();
                int length = lastTorn && i == applied.size() - 1 ? tornLength(data.length) : data.length;
                int end = Math.toIntExact(entry.offset() + length);
                if (end > content.length) {
                    content = Arrays.copyOf(content, end);
                }
                System.arraycopy(data, 0, content, Math.toIntExact(entry.offset()), length);
            }
            return content;
        }
    }

    private static int tornLength(int length) {
        int pages = (length + PAGE - 1) / PAGE;
        return pages / 2 * PAGE;
    }

    private static boolean tearable(PendingJournal.Entry entry) {
        return entry.op().equals(PendingJournal.Entry.WRITE) && entry.data().length >= 2 * PAGE;
    }

    /** None; each prefix (its last operation whole, or torn); all but one. */
    private static List<Variant> variants(List<PendingJournal.Entry> ops) {
        int k = ops.size();
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("none of " + k + " pending writes", List.of(), false));
        for (int j = 1; j <= k; j++) {
            List<PendingJournal.Entry> prefix = ops.subList(0, j);
            String which = j == k ? "all " + k + " pending writes" : "the first " + j + " of " + k + " pending writes";
            variants.add(new Variant(which, prefix, false));
            if (tearable(ops.get(j - 1))) {
                variants.add(new Variant("the first " + j + " of " + k + " pending writes, the last torn", prefix,
                        true));
            }
        }
        for (int skipped = 0; skipped < k - 1; skipped++) {
            List<PendingJournal.Entry> allButOne = new ArrayList<>(ops);
            allButOne.remove(skipped);
            variants.add(new Variant("all " + k + " pending writes but write " + (skipped + 1), allButOne, false));
        }
        return variants;
    }

    /** Advances a mixed-radix counter; false once every combination was produced. */
    private static boolean next(int[] digits, List<List<Variant>> choices) {
        for (int i = digits.length - 1; i >= 0; i--) {
            if (++digits[i] < choices.get(i).size()) {
                return true;
            }
            digits[i] = 0;
        }
        return false;
    }

    private static void apply(TreeMap<String, TreeMap<String, Long>> listings, PendingJournal.Entry entry) {
        String parent = PendingJournal.Entry.parent(entry.path());
        String name = PendingJournal.Entry.name(entry.path());
        switch (entry.op()) {
            case PendingJournal.Entry.CREATE -> listings.computeIfAbsent(parent, p -> new TreeMap<>())
                    .put(name, entry.inode());
            case PendingJournal.Entry.MKDIR -> {
                listings.computeIfAbsent(parent, p -> new TreeMap<>()).put(name, DurableState.DIRECTORY);
                listings.put(entry.path(), new TreeMap<>());
            }
            case PendingJournal.Entry.RENAME -> {
                Long moved = listings.getOrDefault(parent, new TreeMap<>()).remove(name);
                if (moved != null) {
                    listings.computeIfAbsent(PendingJournal.Entry.parent(entry.target()), p -> new TreeMap<>())
                            .put(PendingJournal.Entry.name(entry.target()), moved);
                    if (moved == DurableState.DIRECTORY) {
                        TreeMap<String, Long> children = listings.remove(entry.path());
                        listings.put(entry.target(), children == null ? new TreeMap<>() : children);
                    }
                }
            }
            case PendingJournal.Entry.DELETE -> {
                Long removed = listings.getOrDefault(parent, new TreeMap<>()).remove(name);
                if (removed != null && removed == DurableState.DIRECTORY) {
                    listings.remove(entry.path());
                }
            }
            default -> throw new IllegalStateException("not a directory operation: " + entry);
        }
    }

    /** Inode to path of every file reachable from the root. */
    private static Map<Long, String> reachableFiles(TreeMap<String, TreeMap<String, Long>> listings) {
        Map<Long, String> files = new LinkedHashMap<>();
        walk(listings, "/", (path, inode) -> files.putIfAbsent(inode, path));
        return files;
    }

    /** Visits every entry reachable from {@code directory}, each directory before its entries. */
    static void walk(TreeMap<String, TreeMap<String, Long>> listings, String directory, FileVisitor visitor) {
        TreeMap<String, Long> entries = listings.get(directory);
        if (entries == null) {
            return;
        }
        entries.forEach((name, inode) -> {
            String path = directory.equals("/") ? "/" + name : directory + "/" + name;
            visitor.visit(path, inode);
            if (inode == DurableState.DIRECTORY) {
                walk(listings, path, visitor);
            }
        });
    }

    interface FileVisitor {
        void visit(String path, long inode);
    }

    /** A digest of the reachable tree: every path, whether it is a directory, and every file's bytes. */
    private static String image(TreeMap<String, TreeMap<String, Long>> listings, Map<Long, byte[]> changed,
                                DurableState durable) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        walk(listings, "/", (path, inode) -> entries.add(Map.entry(path, inode)));
        for (Map.Entry<String, Long> entry : entries) {
            digest.update((entry.getKey() + "\0").getBytes(StandardCharsets.UTF_8));
            long inode = entry.getValue();
            if (inode == DurableState.DIRECTORY) {
                digest.update((byte) 'D');
            } else {
                byte[] content = changed.containsKey(inode) ? changed.get(inode) : durable.content(inode);
                digest.update((byte) 'F');
                digest.update(Long.toString(content == null ? 0 : content.length).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                if (content != null) {
                    digest.update(content);
                }
            }
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    private static String describe(List<PendingJournal.Entry> directoryOps, int prefix, List<String> data) {
        StringBuilder text = new StringBuilder();
        text.append(prefix).append(" of ").append(directoryOps.size()).append(" pending directory operations");
        if (prefix > 0) {
            text.append(" (").append(String.join(", ", directoryOps.subList(0, prefix).stream()
                    .map(PendingJournal.Entry::describe).toList())).append(')');
        }
        if (!data.isEmpty()) {
            text.append("; ").append(String.join("; ", data));
        }
        return text.toString();
    }

    private static TreeMap<String, TreeMap<String, Long>> copy(TreeMap<String, TreeMap<String, Long>> listings) {
        TreeMap<String, TreeMap<String, Long>> copy = new TreeMap<>();
        listings.forEach((directory, entries) -> copy.put(directory, new TreeMap<>(entries)));
        return copy;
    }
}
