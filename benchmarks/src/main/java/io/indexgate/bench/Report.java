package io.indexgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Turns a JMH JSON result file of the indexgate benchmarks into what people read: a Markdown report (tables with
 * MB/s, recall@10, vectors/s and the targets, met or missed) and an SVG chart (throughput per engine and
 * mode), written next to the JSON as {@code NAME.md} and {@code NAME.svg}.
 *
 * <pre>java -cp benchmarks.jar io.indexgate.bench.Report RESULTS.json [--facts DIR] [--gate VERDICT.json]</pre>
 *
 * <p>File sizes and recall come from the facts the benchmarks recorded ({@link Facts}; default: the facts of the
 * benchmark cache directory); the gate's cycles per minute from the {@code verdict.json} of a default campaign
 * (default: {@code RESULTS.gate.json} beside the results, as {@code run-full.sh} writes it). Exit codes: 0 written,
 * 2 bad input.
 */
public final class Report {

    /** A QPS whose recall@10 is below this does not count. */
    static final double MIN_RECALL = 0.95;

    private final List<JmhResults.Row> rows;
    private final Path factsDirectory;
    /** The verdict.json of the default campaign run beside the benchmarks, or null. */
    private final Path gateVerdict;
    /** The facts read so far, by key: each file is read once per report. */
    private final Map<String, Map<String, Object>> facts = new java.util.HashMap<>();

    Report(List<JmhResults.Row> rows, Path factsDirectory, Path gateVerdict) {
        this.rows = rows;
        this.factsDirectory = factsDirectory;
        this.gateVerdict = gateVerdict;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Writes the report; returns the exit code. */
    public static int run(String[] args) {
        Path results = null;
        Path facts = null;
        Path gate = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--facts") && i + 1 < args.length) {
                facts = Path.of(args[++i]);
            } else if (args[i].equals("--gate") && i + 1 < args.length) {
                gate = Path.of(args[++i]);
            } else if (!args[i].startsWith("-") && results == null) {
                results = Path.of(args[i]);
            } else {
                System.err.println("report: unexpected argument " + args[i]);
                results = null;
                break;
            }
        }
        if (results == null) {
            System.err.println("usage: report RESULTS.json [--facts DIR] [--gate VERDICT.json]");
            return 2;
        }
        try {
            String base = results.getFileName().toString().replaceFirst("\\.json$", "");
            Report report = new Report(JmhResults.read(results),
                    facts != null ? facts : BenchFiles.cacheDirectory().resolve("facts"),
                    gate != null ? gate : results.resolveSibling(base + ".gate.json"));
            Path markdown = results.resolveSibling(base + ".md");
            Path chart = results.resolveSibling(base + ".svg");
            Files.writeString(markdown, report.markdown(), StandardCharsets.UTF_8);
            Files.writeString(chart, report.svg(), StandardCharsets.UTF_8);
            System.out.println("wrote " + markdown + " and " + chart);
            return 0;
        } catch (IOException e) {
            System.err.println("report: " + e.getMessage());
            return 2;
        }
    }

    // ---------------------------------------------------------------- lookups

    private List<JmhResults.Row> of(String benchmark, Predicate<JmhResults.Row> where) {
        List<JmhResults.Row> found = new ArrayList<>();
        for (JmhResults.Row row : rows) {
            if (row.benchmark().equals(benchmark) && where.test(row)) {
                found.add(row);
            }
        }
        return found;
    }

    private JmhResults.Row one(String benchmark, Map<String, String> params) {
        for (JmhResults.Row row : of(benchmark, r -> true)) {
            boolean matches = true;
            for (Map.Entry<String, String> param : params.entrySet()) {
                matches &= Objects.equals(row.param(param.getKey()), param.getValue());
            }
            if (matches) {
                return row;
            }
        }
        return null;
    }

    private Map<String, Object> facts(String engine, String size, String dims) {
        return facts.computeIfAbsent(engine + "-n" + size + "-d" + dims, key -> Facts.read(factsDirectory, key));
    }

    private Double fileMegabytes(String engine, String size, String dims) {
        Object bytes = facts(engine, size, dims).get("fileBytes");
        return bytes instanceof Number number ? number.doubleValue() / 1e6 : null;
    }

    private Double recall(String engine, String size, String dims) {
        Object recall = facts(engine, size, dims).get("recall10");
        return recall instanceof Number number ? number.doubleValue() : null;
    }

    /** Milliseconds of a single-shot or average-time row. */
    private static double millis(JmhResults.Row row) {
        return switch (row.unit()) {
            case "s/op" -> row.score() * 1e3;
            case "ms/op" -> row.score();
            case "us/op" -> row.score() / 1e3;
            case "ns/op" -> row.score() / 1e6;
            default -> throw new IllegalArgumentException("not a time unit: " + row.unit());
        };
    }

    private static String dataset(JmhResults.Row row) {
        return row.param("size") + "×" + row.param("dims");
    }

    private static String f(String format, Object... values) {
        return String.format(Locale.ROOT, format, values);
    }

    private static String num(Double value, String format) {
        return value == null ? "–" : f(format, value);
    }

    // ---------------------------------------------------------------- markdown

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Save (time per save; MB/s = index file size / time)\n\n");
        md.append("| engine | data | file MB | DIRECT ms | ATOMIC_NO_DIR_SYNC ms | ATOMIC ms | ATOMIC / DIRECT "
                + "| ATOMIC MB/s | raw write MB/s | ATOMIC / raw |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (JmhResults.Row atomic : of("SaveBenchmark.save", r -> "ATOMIC".equals(r.param("mode")))) {
            String engine = atomic.param("engine");
            Map<String, String> at = Map.of("engine", engine, "size", atomic.param("size"), "dims",
                    atomic.param("dims"));
            JmhResults.Row direct = one("SaveBenchmark.save", with(at, "mode", "DIRECT"));
            JmhResults.Row noDirSync = one("SaveBenchmark.save", with(at, "mode", "ATOMIC_NO_DIR_SYNC"));
            JmhResults.Row raw = one("RawWriteBaseline.write", at);
            Double mb = fileMegabytes(engine, atomic.param("size"), atomic.param("dims"));
            Double atomicRate = mb == null ? null : mb / (millis(atomic) / 1e3);
            Double rawRate = mb == null || raw == null ? null : mb / (millis(raw) / 1e3);
            md.append(f("| %s | %s | %s | %s | %s | %.1f | %s | %s | %s | %s |\n", engine, dataset(atomic),
                    num(mb, "%.1f"), direct == null ? "–" : f("%.1f", millis(direct)),
                    noDirSync == null ? "–" : f("%.1f", millis(noDirSync)), millis(atomic),
                    direct == null ? "–" : f("%.3f", millis(atomic) / millis(direct)), num(atomicRate, "%.0f"),
                    num(rawRate, "%.0f"),
                    atomicRate == null || rawRate == null ? "–" : f("%.0f%%", 100 * atomicRate / rawRate)));
        }
        md.append("\n## Load (one load: read, verify the envelope, decode)\n\n");
        md.append("| engine | data | file MB | ms | MB/s |\n|---|---|---|---|---|\n");
        for (JmhResults.Row load : of("LoadBenchmark.load", r -> true)) {
            Double mb = fileMegabytes(load.param("engine"), load.param("size"), load.param("dims"));
            md.append(f("| %s | %s | %s | %.1f | %s |\n", load.param("engine"), dataset(load), num(mb, "%.1f"),
                    millis(load), mb == null ? "–" : f("%.0f", mb / (millis(load) / 1e3))));
        }
        md.append("\n## Recovery (open a crashed store: load the saved index and replay the pending log)\n\n");
        md.append("| engine | saved records | pending operations | ms |\n|---|---|---|---|\n");
        for (JmhResults.Row recover : of("RecoveryBenchmark.recover", r -> true)) {
            md.append(f("| %s | %s×%s | %s | %.1f |\n", recover.param("engine"), recover.param("size"),
                    recover.param("dims"), recover.param("pending"), millis(recover)));
        }
        md.append("\n## Search (raw engine, k=10, queries/s; a QPS at recall@10 below 0.95 does not count)\n\n");
        md.append("| engine | data | recall@10 | QPS, 1 thread | QPS, 2 threads |\n|---|---|---|---|---|\n");
        for (JmhResults.Row single : of("SearchBenchmark.oneThread", r -> true)) {
            Map<String, String> at = Map.of("engine", single.param("engine"), "size", single.param("size"), "dims",
                    single.param("dims"));
            JmhResults.Row two = one("SearchBenchmark.twoThreads", at);
            Double recall = recall(single.param("engine"), single.param("size"), single.param("dims"));
            String mark = recall != null && recall < MIN_RECALL ? " (not counting)" : "";
            md.append(f("| %s | %s | %s | %.0f%s | %s |\n", single.param("engine"), dataset(single),
                    num(recall, "%.4f"), single.score(), mark, two == null ? "–" : f("%.0f%s", two.score(), mark)));
        }
        md.append("\n## Store-level query (one thread, k=10, queries/s)\n\n");
        md.append("| engine | data | raw engine | store | store + filter (1 in 10) | store overhead |\n"
                + "|---|---|---|---|---|---|\n");
        for (JmhResults.Row raw : of("StoreQueryBenchmark.query", r -> "engine".equals(r.param("path")))) {
            Map<String, String> at = Map.of("engine", raw.param("engine"), "size", raw.param("size"), "dims",
                    raw.param("dims"));
            JmhResults.Row store = one("StoreQueryBenchmark.query", with(at, "path", "store"));
            JmhResults.Row filtered = one("StoreQueryBenchmark.query", with(at, "path", "storeFiltered"));
            md.append(f("| %s | %s | %.0f | %s | %s | %s |\n", raw.param("engine"), dataset(raw), raw.score(),
                    store == null ? "–" : f("%.0f", store.score()),
                    filtered == null ? "–" : f("%.0f", filtered.score()),
                    store == null ? "–" : f("%.2f×", raw.score() / store.score())));
        }
        md.append("\n## Add (vectors/s into an empty engine)\n\n");
        md.append("| engine | data | vectors per add call | ms | vectors/s |\n|---|---|---|---|---|\n");
        for (JmhResults.Row add : of("AddBenchmark.add", r -> true)) {
            md.append(f("| %s | %s | %s | %.0f | %.0f |\n", add.param("engine"), dataset(add), add.param("batch"),
                    millis(add), Double.parseDouble(add.param("size")) / (millis(add) / 1e3)));
        }
        md.append("\n## Targets\n\n");
        md.append("Issue 14's targets: each a ratio against a baseline measured in this run (the raw write, C++ "
                + "hnswlib on the same data); the 2026-11-24 column is that run's figure.\n\n");
        md.append("| what | 2026-11-24 | measured | target | met |\n|---|---|---|---|---|\n");
        for (String[] target : targets()) {
            md.append("| ").append(String.join(" | ", target)).append(" |\n");
        }
        return md.toString();
    }

    private static Map<String, String> with(Map<String, String> params, String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(params);
        more.put(name, value);
        return more;
    }

    /** One row of the targets table. */
    private static String[] target(String what, String before, String measured, String goal, Boolean met) {
        return new String[] {what, before, measured, goal, met == null ? "–" : met ? "yes" : "no"};
    }

    private static final String DASH = "–";

    /**
     * The targets of issue 14, each a ratio measured in this run against a baseline of the same run (the raw write,
     * C++ hnswlib on the same data), beside the figure of the 2026-11-24 run. A target whose inputs this run lacks is
     * listed with "–" as measured and "–" as met, never as met.
     */
    List<String[]> targets() {
        List<String[]> targets = new ArrayList<>();
        Map<String, String> before = Map.of(
                "raw-hnswlib-128", "17%", "raw-hnswlib-768", "55%", "raw-usearch-128", "23%",
                "raw-usearch-768", "20%", "direct-hnswlib", "0.97", "direct-usearch", "1.12",
                "load-hnswlib", "57 MB/s", "load-usearch", "139 MB/s");
        for (String engine : List.of("hnswlib", "usearch")) {
            for (String dims : List.of("128", "768")) {
                Map<String, String> at = Map.of("engine", engine, "size", "100000", "dims", dims);
                JmhResults.Row atomic = one("SaveBenchmark.save", with(at, "mode", "ATOMIC"));
                JmhResults.Row raw = one("RawWriteBaseline.write", at);
                Double share = atomic == null || raw == null ? null : millis(raw) / millis(atomic);
                targets.add(target("`ATOMIC` save throughput / raw write, " + engine + ", 100000×" + dims,
                        before.get("raw-" + engine + "-" + dims), share == null ? DASH : f("%.0f%%", 100 * share),
                        "≥ 70%", share == null ? null : share >= 0.70));
            }
        }
        for (String engine : List.of("hnswlib", "usearch")) {
            Map<String, String> at = Map.of("engine", engine, "size", "100000", "dims", "128");
            JmhResults.Row atomic = one("SaveBenchmark.save", with(at, "mode", "ATOMIC"));
            JmhResults.Row direct = one("SaveBenchmark.save", with(at, "mode", "DIRECT"));
            Double ratio = atomic == null || direct == null ? null : millis(atomic) / millis(direct);
            targets.add(target("`ATOMIC` / `DIRECT` save time, " + engine + ", 100000×128",
                    before.get("direct-" + engine), ratio == null ? DASH : f("%.3f", ratio), "≤ 1.05",
                    ratio == null ? null : ratio <= 1.05));
        }
        for (String engine : List.of("hnswlib", "usearch")) {
            JmhResults.Row load = one("LoadBenchmark.load", Map.of("engine", engine, "size", "100000", "dims",
                    "768"));
            Double mb = fileMegabytes(engine, "100000", "768");
            Double rate = load == null || mb == null ? null : mb / (millis(load) / 1e3);
            targets.add(target("load throughput (read, verify, decode), " + engine + ", 100000×768",
                    before.get("load-" + engine), rate == null ? DASH : f("%.0f MB/s", rate), "≥ 400 MB/s",
                    rate == null ? null : rate >= 400));
        }
        Map<String, Object> cpp = cppHnswlib();
        Double cppQps = cpp.get("qps") instanceof Number n ? n.doubleValue() : null;
        Double cppRecall = cpp.get("recall10") instanceof Number n ? n.doubleValue() : null;
        for (String engine : List.of("usearch", "hnswlib")) {
            JmhResults.Row qps = one("SearchBenchmark.oneThread", Map.of("engine", engine, "size", "100000", "dims",
                    "128"));
            Double recall = recall(engine, "100000", "128");
            Double ratio = qps == null || cppQps == null ? null : qps.score() / cppQps;
            boolean recallsHold = recall != null && recall >= 0.99 && cppRecall != null && cppRecall >= 0.99;
            double goal = engine.equals("usearch") ? 1.0 : 0.4;
            targets.add(target(engine + " single-thread QPS / C++ hnswlib QPS, 100000×128, recall@10 ≥ 0.99 for both",
                    engine.equals("usearch") ? "0.57" : "0.26",
                    ratio == null ? DASH : f("%.2f (%.0f / %.0f QPS; recall %s / %s)", ratio, qps.score(), cppQps,
                            num(recall, "%.4f"), num(cppRecall, "%.4f")),
                    engine.equals("usearch") ? "≥ 1.0, stretch 1.5" : "≥ 0.4",
                    ratio == null ? null : recallsHold && ratio >= goal));
        }
        Map<String, String> storeBefore = Map.of("hnswlib", "0.65", "usearch", "0.62");
        for (String engine : List.of("hnswlib", "usearch")) {
            JmhResults.Row raw = one("StoreQueryBenchmark.query", Map.of("engine", engine, "path", "engine"));
            JmhResults.Row store = one("StoreQueryBenchmark.query", Map.of("engine", engine, "path", "store"));
            Double ratio = raw == null || store == null ? null : store.score() / raw.score();
            targets.add(target("store query QPS / raw engine QPS, no filter, " + engine + ", 100000×128",
                    storeBefore.get(engine), ratio == null ? DASH : f("%.2f", ratio), "≥ 0.87",
                    ratio == null ? null : ratio >= 0.87));
        }
        for (String engine : List.of("hnswlib", "usearch")) {
            JmhResults.Row store = one("StoreQueryBenchmark.query", Map.of("engine", engine, "path", "store"));
            JmhResults.Row filtered = one("StoreQueryBenchmark.query", Map.of("engine", engine, "path",
                    "storeFiltered"));
            Double ratio = store == null || filtered == null ? null : filtered.score() / store.score();
            targets.add(target("store query with a 1-in-10 property filter / without, " + engine + ", 100000×128",
                    "about 0.1", ratio == null ? DASH : f("%.2f", ratio), "≥ 0.5",
                    ratio == null ? null : ratio >= 0.5));
        }
        Map<String, String> recoveryBefore = Map.of("hnswlib", "3.1 s", "usearch", "1.5 s");
        for (String engine : List.of("hnswlib", "usearch")) {
            JmhResults.Row recover = null;
            for (JmhResults.Row row : of("RecoveryBenchmark.recover", r -> engine.equals(r.param("engine"))
                    && "10000".equals(r.param("pending")))) {
                recover = row;
            }
            targets.add(target("recovery: open a crashed store with 10,000 pending operations, " + engine
                            + (recover == null ? "" : ", " + dataset(recover) + " saved"),
                    recoveryBefore.get(engine), recover == null ? DASH : f("%.2f s", millis(recover) / 1e3),
                    "≤ 1.0 s", recover == null ? null : millis(recover) <= 1000));
        }
        Double cycles = gateCyclesPerMinute();
        targets.add(target("gate: crash-restart-check cycles per minute on 2 cores, default campaign "
                        + "(`indexgate run`, one run per processor)", "about 60–65", cycles == null ? DASH : f("%.0f", cycles),
                "≥ 120", cycles == null ? null : cycles >= 120));
        return targets;
    }

    /** The cycles per minute of the default campaign run beside the benchmarks ({@code NAME.gate.json}), if any. */
    private Double gateCyclesPerMinute() {
        if (gateVerdict == null || !Files.isRegularFile(gateVerdict)) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode verdict = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(gateVerdict.toFile());
            if (!"valid".equalsIgnoreCase(verdict.path("verdict").asText())) {
                return null;
            }
            com.fasterxml.jackson.databind.JsonNode cycles = verdict.get("cyclesPerMinute");
            return cycles == null || !cycles.isNumber() ? null : cycles.asDouble();
        } catch (IOException e) {
            System.err.println("report: ignoring the gate verdict " + gateVerdict + ": " + e.getMessage());
            return null;
        }
    }

    /** The C++ hnswlib figures that {@code benchmarks/reference/cpp_hnswlib.py} measured on this machine, if any. */
    private Map<String, Object> cppHnswlib() {
        return facts.computeIfAbsent("cpp-hnswlib-n100000-d128", key -> Facts.read(factsDirectory, key));
    }

    // ---------------------------------------------------------------- chart

    private record Bar(String label, double value, String colour) {
    }

    private record Panel(String title, String unit, List<Bar> bars) {
    }

    private static final Map<String, String> COLOURS = Map.of(
            "DIRECT", "#d62728", "ATOMIC_NO_DIR_SYNC", "#ff7f0e", "ATOMIC", "#2ca02c", "raw", "#7f7f7f",
            "hnswlib", "#1f77b4", "usearch", "#9467bd", "exact", "#8c564b");

    String svg() {
        List<Panel> panels = new ArrayList<>();
        List<Bar> save = new ArrayList<>();
        for (JmhResults.Row row : of("SaveBenchmark.save", r -> true)) {
            Double mb = fileMegabytes(row.param("engine"), row.param("size"), row.param("dims"));
            if (mb != null) {
                save.add(new Bar(row.param("engine") + " " + dataset(row) + " " + row.param("mode"),
                        mb / (millis(row) / 1e3), COLOURS.getOrDefault(row.param("mode"), "#333333")));
            }
        }
        for (JmhResults.Row row : of("RawWriteBaseline.write", r -> true)) {
            Double mb = fileMegabytes(row.param("engine"), row.param("size"), row.param("dims"));
            if (mb != null) {
                save.add(new Bar(row.param("engine") + " " + dataset(row) + " raw write", mb / (millis(row) / 1e3),
                        COLOURS.get("raw")));
            }
        }
        save.sort(java.util.Comparator.comparing(Bar::label));
        panels.add(new Panel("Save throughput per engine and mode (grey: raw FileChannel write + force)", "MB/s",
                save));
        // Grouped by data and threads, so that C++ hnswlib (grey) stands beside the engines compared with it.
        Map<String, Bar> search = new java.util.TreeMap<>();
        for (JmhResults.Row row : rows) {
            if (row.benchmark().startsWith("SearchBenchmark.")) {
                Double recall = recall(row.param("engine"), row.param("size"), row.param("dims"));
                search.put(f("%09d %05d %d %s", Integer.parseInt(row.param("size")), Integer.parseInt(row.param("dims")),
                        row.threads(), row.param("engine")), new Bar(row.param("engine") + " " + dataset(row) + " "
                        + row.threads() + "t" + (recall != null && recall < MIN_RECALL ? " (recall < 0.95)" : ""),
                        row.score(), COLOURS.getOrDefault(row.param("engine"), "#333333")));
            }
        }
        if (cppHnswlib().get("qps") instanceof Number cpp) {
            search.put(f("%09d %05d %d %s", 100000, 128, 1, "~cpp"),
                    new Bar("C++ hnswlib 100000×128 1t", cpp.doubleValue(), COLOURS.get("raw")));
        }
        panels.add(new Panel("Search, raw engine, k=10 (grey: C++ hnswlib on the same data)", "queries/s",
                new ArrayList<>(search.values())));
        List<Bar> store = new ArrayList<>();
        for (JmhResults.Row row : of("StoreQueryBenchmark.query", r -> true)) {
            store.add(new Bar(row.param("engine") + " " + dataset(row) + " " + row.param("path"), row.score(),
                    COLOURS.getOrDefault(row.param("engine"), "#333333")));
        }
        panels.add(new Panel("Query through the store vs the raw engine, k=10", "queries/s", store));
        List<Bar> load = new ArrayList<>();
        for (JmhResults.Row row : of("LoadBenchmark.load", r -> true)) {
            load.add(new Bar(row.param("engine") + " " + dataset(row), 1e3 / millis(row),
                    COLOURS.getOrDefault(row.param("engine"), "#333333")));
        }
        panels.add(new Panel("Load (verify + decode)", "loads/s", load));
        List<Bar> recovery = new ArrayList<>();
        for (JmhResults.Row row : of("RecoveryBenchmark.recover", r -> true)) {
            recovery.add(new Bar(row.param("engine") + " " + dataset(row) + " + " + row.param("pending")
                    + " pending", 1e3 / millis(row), COLOURS.getOrDefault(row.param("engine"), "#333333")));
        }
        panels.add(new Panel("Recovery (open + load + replay)", "recoveries/s", recovery));
        List<Bar> add = new ArrayList<>();
        for (JmhResults.Row row : of("AddBenchmark.add", r -> true)) {
            add.add(new Bar(row.param("engine") + " " + dataset(row) + " batch " + row.param("batch"),
                    Double.parseDouble(row.param("size")) / (millis(row) / 1e3),
                    COLOURS.getOrDefault(row.param("engine"), "#333333")));
        }
        panels.add(new Panel("Add into an empty engine", "vectors/s", add));
        return render(panels);
    }

    private static String render(List<Panel> panels) {
        int width = 900;
        int labelWidth = 330;
        int barHeight = 14;
        int gap = 4;
        StringBuilder body = new StringBuilder();
        int y = 30;
        for (Panel panel : panels) {
            if (panel.bars().isEmpty()) {
                continue;
            }
            body.append(f("<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s (%s)</text>\n", y, xml(panel.title()),
                    xml(panel.unit())));
            y += 10;
            double max = panel.bars().stream().mapToDouble(Bar::value).max().orElse(1);
            for (Bar bar : panel.bars()) {
                double length = max > 0 ? (width - labelWidth - 90) * bar.value() / max : 0;
                body.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", labelWidth - 6,
                        y + barHeight - 3, xml(bar.label())));
                body.append(f("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", labelWidth, y,
                        Math.max(0.5, length), barHeight, bar.colour()));
                body.append(f("<text x=\"%.1f\" y=\"%d\">%s</text>\n", labelWidth + length + 4, y + barHeight - 3,
                        Compare.number(bar.value())));
                y += barHeight + gap;
            }
            y += 24;
        }
        return f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                + "font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                + "<text x=\"10\" y=\"16\" font-size=\"13\" font-weight=\"bold\">indexgate benchmarks "
                + "(higher is better everywhere)</text>\n%s</svg>\n", width, y, body);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
