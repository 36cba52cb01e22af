package io.indexgate.harness.campaign;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.indexgate.harness.history.Histories;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The campaign's reports: a table for people, {@code verdict.json} for tools, {@code junit.xml} for CI systems. */
public final class Reports {

    private Reports() {
    }

    public static void printTable(CampaignResult result, PrintStream out) {
        int scenarioWidth = Math.max("scenario".length(),
                result.runs().stream().mapToInt(run -> run.scenario().length()).max().orElse(0));
        int modeWidth = Math.max("mode".length(),
                result.runs().stream().mapToInt(run -> run.mode().length()).max().orElse(0));
        String format = "%-" + scenarioWidth + "s %-8s %-" + modeWidth + "s %6s %8s %5s %-13s %-9s%n";
        out.printf(format, "scenario", "engine", "mode", "faults", "restarts", "ops", "verdict", "expected");
        for (RunResult run : result.runs()) {
            out.printf(format, run.scenario(), run.engine(), run.mode(), run.faults(), run.restarts(),
                    run.operations(), run.verdict(), run.expected().name().toLowerCase(Locale.ROOT)
                            + (run.asExpected() ? "" : " (!)"));
        }
        for (RunResult run : result.runs()) {
            if (run.harnessError() != null) {
                out.println();
                out.println("HARNESS ERROR in " + run.scenario() + " on " + run.engine() + ": " + run.harnessError());
            }
            if (!run.violations().isEmpty()) {
                out.println();
                out.println("VIOLATIONS in " + run.scenario() + " on " + run.engine() + " (" + run.mode()
                        + ", seed " + run.seed() + "):");
                run.violations().forEach(v -> out.println("  " + v.describe()));
                out.println("  replay: " + run.replayCommand());
                out.println("  history: " + run.runDirectory() + "/history.jsonl");
            }
        }
        out.println();
        result.coverage().forEach((engine, counts) -> out.printf(Locale.ROOT,
                "crash-point coverage on %s: %d of %d enumerated points exercised (%.0f%%; %d of them below the "
                        + "JVM)%n", engine, counts.exercised(), counts.enumerated(),
                100.0 * counts.exercised() / counts.enumerated(), result.runs().stream()
                        .filter(run -> run.engine().equals(engine) && run.scenario().startsWith(SyscallPoints.PREFIX))
                        .count()));
        int crashStates = result.runs().stream().mapToInt(RunResult::crashStates).sum();
        if (crashStates > 0) {
            out.printf(Locale.ROOT, "reordering power-loss model: %d crash states recovered and checked beside the "
                    + "ones the runs went on from%n", crashStates);
        }
        out.printf(Locale.ROOT, "%d runs, %d cycles in %.1f s: %.0f crash-restart-check cycles per minute "
                        + "(%.0f ms per cycle per run); seed %d%n", result.runs().size(), result.cycles(),
                result.millis() / 1000.0, result.cyclesPerMinute(), result.millisPerCycle(), result.seed());
    }

    /**
     * The campaign's verdict in one line that a person and a log grep both read, starting with the verdict word:
     * {@code VALID: 34 of 34 runs as expected (crash-point coverage 46 of 46)}, or {@code INVALID: 2 runs with
     * violations: a on hnswlib, b on usearch}, or {@code HARNESS ERROR: ...}; a campaign whose runs are not all as
     * their scenarios expect says so.
     */
    public static String verdictLine(CampaignResult result) {
        int runs = result.runs().size();
        long asExpected = result.runs().stream().filter(RunResult::asExpected).count();
        int exercised = 0;
        int enumerated = 0;
        for (CampaignResult.Coverage coverage : result.coverage().values()) {
            exercised += coverage.exercised();
            enumerated += coverage.enumerated();
        }
        String expected = asExpected + " of " + runs + " runs as expected"
                + (enumerated > 0 ? " (crash-point coverage " + exercised + " of " + enumerated + ")" : "");
        return switch (result.verdict()) {
            case VALID -> "VALID: " + expected;
            case VIOLATION -> "INVALID: " + names(result, run -> !run.violations().isEmpty()) + " with violations; "
                    + expected;
            default -> "HARNESS ERROR: " + names(result, run -> run.harnessError() != null)
                    + " could not be decided; " + expected;
        };
    }

    private static String names(CampaignResult result, java.util.function.Predicate<RunResult> which) {
        java.util.List<String> named = result.runs().stream().filter(which)
                .map(run -> run.scenario() + " on " + run.engine()).toList();
        String list = String.join(", ", named.subList(0, Math.min(5, named.size())))
                + (named.size() > 5 ? " and " + (named.size() - 5) + " more" : "");
        return named.size() + (named.size() == 1 ? " run (" : " runs (") + list + ")";
    }

    /**
     * A new directory for one campaign's results under {@code reportDir}, named by the time and seed
     * ({@code 20261125-112730-seed42}), like Jepsen's {@code store/}: the next campaign does not overwrite it.
     * {@link #linkLatest} points {@code reportDir/latest} at it once it is written.
     */
    public static Path campaignDirectory(Path reportDir, long seed) throws IOException {
        String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter
                .ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path directory = reportDir.resolve(stamp + "-seed" + seed);
        for (int n = 2; Files.exists(directory); n++) {
            directory = reportDir.resolve(stamp + "-seed" + seed + "-" + n);
        }
        return Files.createDirectories(directory);
    }

    /** Points {@code reportDir/latest} at {@code campaign} (a relative symbolic link, replaced atomically). */
    public static void linkLatest(Path reportDir, Path campaign) throws IOException {
        Path next = reportDir.resolve(".latest." + ProcessHandle.current().pid());
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, reportDir.relativize(campaign));
        Files.move(next, reportDir.resolve("latest"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Copies what a person needs to see why a run was not valid into {@code campaign/runs/<run>/}: its history and
     * child logs and protocol output (not its data directory), so that the results directory is complete without the
     * work directory.
     */
    public static void keepFailingRuns(CampaignResult result, Path campaign) throws IOException {
        for (RunResult run : result.runs()) {
            if (!"valid".equals(run.verdict()) || !run.asExpected()) {
                Path source = Path.of(run.runDirectory());
                if (!Files.isDirectory(source)) {
                    continue;
                }
                Path target = Files.createDirectories(campaign.resolve("runs").resolve(source.getFileName()));
                try (java.util.stream.Stream<Path> files = Files.list(source)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        Files.copy(file, target.resolve(file.getFileName()),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    public static void write(CampaignResult result, Path reportDir) throws IOException {
        Files.createDirectories(reportDir);
        ObjectNode verdict = Histories.json().createObjectNode();
        verdict.put("verdict", result.verdict().verdict());
        verdict.put("summary", verdictLine(result));
        verdict.put("seed", result.seed());
        verdict.put("mode", result.mode());
        verdict.put("millis", result.millis());
        verdict.put("cycles", result.cycles());
        verdict.put("cyclesPerMinute", Math.round(result.cyclesPerMinute()));
        ObjectNode coverage = verdict.putObject("crashPointCoverage");
        result.coverage().forEach((engine, counts) -> coverage.putObject(engine)
                .put("exercised", counts.exercised()).put("enumerated", counts.enumerated()));
        ArrayNode runs = verdict.putArray("runs");
        for (RunResult run : result.runs()) {
            ObjectNode node = Histories.json().valueToTree(run);
            node.put("verdict", run.verdict());
            node.put("asExpected", run.asExpected());
            node.put("replay", run.replayCommand());
            runs.add(node);
        }
        Histories.json().writerWithDefaultPrettyPrinter().writeValue(reportDir.resolve("verdict.json").toFile(),
                verdict);
        Files.writeString(reportDir.resolve("junit.xml"), junit(result));
    }

    static String junit(CampaignResult result) {
        long failures = result.runs().stream().filter(run -> !run.violations().isEmpty()).count();
        long errors = result.runs().stream().filter(run -> run.harnessError() != null).count();
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append(String.format(Locale.ROOT, "<testsuite name=\"indexgate.%s\" tests=\"%d\" failures=\"%d\" "
                        + "errors=\"%d\" time=\"%.3f\">%n", escape(result.mode()), result.runs().size(), failures,
                errors, result.millis() / 1000.0));
        for (RunResult run : result.runs()) {
            xml.append(String.format(Locale.ROOT, "  <testcase classname=\"indexgate.%s.%s\" name=\"%s\" "
                    + "time=\"%.3f\">%n", escape(run.mode()), escape(run.engine()), escape(run.scenario()),
                    run.millis() / 1000.0));
            if (run.harnessError() != null) {
                xml.append("    <error message=\"").append(escape(run.harnessError())).append("\"/>\n");
            } else if (!run.violations().isEmpty()) {
                StringBuilder body = new StringBuilder();
                run.violations().forEach(v -> body.append(v.describe()).append('\n'));
                body.append("replay: ").append(run.replayCommand()).append('\n');
                xml.append("    <failure message=\"").append(escape(run.violations().get(0).describe()))
                        .append("\">").append(escape(body.toString())).append("</failure>\n");
            }
            xml.append("  </testcase>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    /** {@code text} for XML or HTML text and attribute values (control characters but newline and tab blanked). */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                default -> escaped.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return escaped.toString();
    }

}
