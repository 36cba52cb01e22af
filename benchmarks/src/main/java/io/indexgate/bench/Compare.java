package io.indexgate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The benchmark regression gate: two JMH JSON result files in (a baseline and the current run), a table out, exit 1
 * if any score regressed beyond its threshold.
 *
 * <pre>
 * java -cp benchmarks.jar io.indexgate.bench.Compare BASELINE.json CURRENT.json
 *      [--threshold PERCENT] [--threshold REGEX=PERCENT]... [--fail-on-missing]
 * </pre>
 *
 * <p>Throughput ({@code thrpt}) regresses when it falls below {@code baseline * (1 - t)}, times ({@code avgt},
 * {@code ss}, {@code sample}) when they rise above {@code baseline * (1 + t)}. The default threshold is 10%;
 * {@code REGEX=PERCENT} sets it for the rows whose key ({@code Class.method [mode] {params}}) the regex finds, the last
 * matching option winning. Rows only in the current run are listed as new; rows only in the baseline as missing,
 * which fails only with {@code --fail-on-missing}. Exit codes: 0 no regression, 1 regression, 2 bad input.
 */
public final class Compare {

    static final double DEFAULT_THRESHOLD = 0.10;

    private record Rule(Pattern pattern, double threshold) {
    }

    private Compare() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the comparison; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> files = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        double threshold = DEFAULT_THRESHOLD;
        boolean failOnMissing = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--threshold") || arg.startsWith("--threshold=")) {
                    String value = arg.startsWith("--threshold=") ? arg.substring("--threshold=".length())
                            : ++i < args.length ? args[i] : null;
                    if (value == null) {
                        throw new IllegalArgumentException("--threshold needs a value: PERCENT or REGEX=PERCENT");
                    }
                    int eq = value.lastIndexOf('=');
                    if (eq < 0) {
                        threshold = percent(value);
                    } else {
                        rules.add(new Rule(Pattern.compile(value.substring(0, eq)), percent(value.substring(eq + 1))));
                    }
                } else if (arg.equals("--fail-on-missing")) {
                    failOnMissing = true;
                } else if (arg.startsWith("-")) {
                    throw new IllegalArgumentException("unknown option " + arg);
                } else {
                    files.add(arg);
                }
            }
            if (files.size() != 2) {
                throw new IllegalArgumentException("expected two result files (baseline, current), got " + files.size());
            }
        } catch (IllegalArgumentException e) {
            err.println("compare: " + e.getMessage());
            err.println("usage: compare BASELINE.json CURRENT.json [--threshold PERCENT] [--threshold REGEX=PERCENT]..."
                    + " [--fail-on-missing]");
            return 2;
        }
        Map<String, JmhResults.Row> baseline = new LinkedHashMap<>();
        Map<String, JmhResults.Row> current = new LinkedHashMap<>();
        try {
            JmhResults.read(Path.of(files.get(0))).forEach(row -> baseline.put(row.key(), row));
            JmhResults.read(Path.of(files.get(1))).forEach(row -> current.put(row.key(), row));
        } catch (IOException e) {
            err.println("compare: " + e.getMessage());
            return 2;
        }
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"benchmark", "params", "baseline", "current", "unit", "ratio", "threshold", "verdict"});
        int regressed = 0;
        int missing = 0;
        for (JmhResults.Row base : baseline.values()) {
            JmhResults.Row now = current.get(base.key());
            double t = thresholdFor(base.key(), threshold, rules);
            if (now == null) {
                missing++;
                table.add(new String[] {base.benchmark() + " (" + base.mode() + ")", base.paramText(),
                        number(base.score()), "-", base.unit(), "-", pct(t), "MISSING"});
                continue;
            }
            double ratio = now.score() / base.score();
            boolean worse = base.higherIsBetter() ? now.score() < base.score() * (1 - t)
                    : now.score() > base.score() * (1 + t);
            boolean better = base.higherIsBetter() ? now.score() > base.score() * (1 + t)
                    : now.score() < base.score() * (1 - t);
            if (worse) {
                regressed++;
            }
            table.add(new String[] {base.benchmark() + " (" + base.mode() + ")", base.paramText(),
                    number(base.score()), number(now.score()), now.unit(), String.format(Locale.ROOT, "%.3f", ratio),
                    pct(t), worse ? "REGRESSED" : better ? "improved" : "ok"});
        }
        for (JmhResults.Row now : current.values()) {
            if (!baseline.containsKey(now.key())) {
                table.add(new String[] {now.benchmark() + " (" + now.mode() + ")", now.paramText(), "-",
                        number(now.score()), now.unit(), "-", "-", "new"});
            }
        }
        print(table, out);
        out.printf(Locale.ROOT, "%d compared, %d regressed, %d missing, %d new (ratio = current / baseline; "
                        + "throughput is better higher, times lower)%n", baseline.size() - missing, regressed,
                missing, table.size() - 1 - baseline.size());
        return regressed > 0 || (failOnMissing && missing > 0) ? 1 : 0;
    }

    private static double thresholdFor(String key, double fallback, List<Rule> rules) {
        double chosen = fallback;
        for (Rule rule : rules) {
            if (rule.pattern().matcher(key).find()) {
                chosen = rule.threshold();
            }
        }
        return chosen;
    }

    private static double percent(String text) {
        String trimmed = text.trim().endsWith("%") ? text.trim().substring(0, text.trim().length() - 1) : text.trim();
        double value;
        try {
            value = Double.parseDouble(trimmed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("threshold " + text + " is not a percentage");
        }
        if (!(value >= 0 && value < 100)) {
            throw new IllegalArgumentException("threshold " + text + " must be at least 0% and below 100%");
        }
        return value / 100;
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String number(double value) {
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 1 ? "%.2f" : "%.4f", value);
    }

    private static void print(List<String[]> table, PrintStream out) {
        int[] widths = new int[table.get(0).length];
        for (String[] row : table) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : table) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                boolean numeric = i >= 2 && i != 4 && i != 7;
                line.append(numeric ? " ".repeat(widths[i] - cell.length()) + cell
                        : cell + " ".repeat(widths[i] - cell.length()));
                line.append(i + 1 < row.length ? "  " : "");
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
