package io.indexgate.harness.campaign;

import io.indexgate.harness.checker.Violation;
import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.Histories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code index.html}: the campaign for people who would rather look than read, self-contained (inline CSS and SVG,
 * nothing fetched at view time). The verdict line, coverage per engine, a table of runs (each linking to its
 * history), and for each run a timeline in the spirit of Jepsen's {@code timeline.html}: one lane per cycle, events
 * in their order along it, operations as bars from invoke to completion (coloured by function, hatched when they failed or never completed),
 * the recovery, faults, kills and crash states as marks, and the cycles where the checker found a violation outlined
 * in red, with the violations listed under it. Stateless.
 */
public final class HtmlReport {

    /** Cycles drawn per run; a longer run's timeline says how many it leaves out. */
    static final int MAX_LANES = 40;
    private static final int WIDTH = 960;
    private static final int LANE = 18;
    private static final int LEFT = 64;

    private HtmlReport() {
    }

    /** Writes {@code index.html} into {@code directory}; histories are read from the run directories where they are. */
    public static Path write(CampaignResult result, Path directory) throws IOException {
        StringBuilder html = new StringBuilder();
        String verdict = Reports.verdictLine(result);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>indexgate: ")
                .append(escape(verdict)).append("</title>\n<style>").append(STYLE).append("</style></head><body>\n");
        html.append("<h1 id=\"verdict\" class=\"").append(result.verdict().verdict()).append("\">")
                .append(escape(verdict)).append("</h1>\n");
        html.append(String.format(Locale.ROOT, "<p id=\"summary\">mode %s, seed %d: %d runs, %d cycles in %.1f s "
                        + "(%.0f crash-restart-check cycles per minute)</p>\n", escape(result.mode()), result.seed(),
                result.runs().size(), result.cycles(), result.millis() / 1000.0, result.cyclesPerMinute()));
        html.append("<table id=\"coverage\"><tr><th>engine</th><th>crash points exercised</th><th>enumerated</th></tr>");
        result.coverage().forEach((engine, coverage) -> html.append("<tr><td>").append(escape(engine))
                .append("</td><td>").append(coverage.exercised()).append("</td><td>").append(coverage.enumerated())
                .append("</td></tr>"));
        html.append("</table>\n<table id=\"runs\"><tr><th>scenario</th><th>engine</th><th>mode</th><th>faults</th>"
                + "<th>restarts</th><th>ops</th><th>verdict</th><th>expected</th><th>history</th></tr>\n");
        for (int i = 0; i < result.runs().size(); i++) {
            RunResult run = result.runs().get(i);
            html.append("<tr id=\"run-").append(i).append("\" class=\"").append(run.verdict())
                    .append(run.asExpected() ? "" : " unexpected").append("\"><td><a href=\"#timeline-").append(i)
                    .append("\">").append(escape(run.scenario())).append("</a></td><td>").append(escape(run.engine()))
                    .append("</td><td>").append(escape(run.mode())).append("</td><td>").append(run.faults())
                    .append("</td><td>").append(run.restarts()).append("</td><td>").append(run.operations())
                    .append("</td><td>").append(run.verdict()).append("</td><td>")
                    .append(run.expected().name().toLowerCase(Locale.ROOT)).append(run.asExpected() ? "" : " (!)")
                    .append("</td><td><a href=\"").append(escape(historyLink(run, directory)))
                    .append("\">history.jsonl</a></td></tr>\n");
        }
        html.append("</table>\n");
        for (int i = 0; i < result.runs().size(); i++) {
            timeline(html, i, result.runs().get(i));
        }
        html.append("</body></html>\n");
        Path file = directory.resolve("index.html");
        Files.writeString(file, html);
        return file;
    }

    /** The history kept with the results if the run failed, else the one in the work directory. */
    private static String historyLink(RunResult run, Path directory) {
        Path kept = directory.resolve("runs").resolve(Path.of(run.runDirectory()).getFileName())
                .resolve("history.jsonl");
        if (Files.exists(kept)) {
            return directory.relativize(kept).toString();
        }
        return Path.of(run.runDirectory()).resolve("history.jsonl").toUri().toString();
    }

    private static void timeline(StringBuilder html, int index, RunResult run) throws IOException {
        html.append("<section class=\"run\" id=\"timeline-").append(index).append("\"><h2>")
                .append(escape(run.scenario())).append(" on ").append(escape(run.engine())).append(": ")
                .append(run.verdict()).append("</h2>\n");
        Path historyFile = Path.of(run.runDirectory()).resolve("history.jsonl");
        List<Event> history = Files.exists(historyFile) ? Histories.read(historyFile) : List.of();
        int cycles = history.stream().mapToInt(Event::cycle).max().orElse(-1) + 1;
        int lanes = Math.min(cycles, MAX_LANES);
        // The x axis is each event's position in its cycle, not its time: a child's lines are recorded when it
        // exits, so their times say little; their order is exact.
        int[] count = new int[lanes];
        for (Event event : history) {
            if (event.cycle() < lanes) {
                count[event.cycle()]++;
            }
        }
        java.util.Set<Integer> violated = new java.util.HashSet<>();
        run.violations().forEach(violation -> violated.add(violation.cycle()));
        int height = lanes * LANE + 24;
        html.append("<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\">\n");
        for (int lane = 0; lane < lanes; lane++) {
            int y = lane * LANE + 2;
            html.append("<text x=\"2\" y=\"").append(y + 12).append("\">cycle ").append(lane).append("</text>");
            if (violated.contains(lane)) {
                html.append("<rect class=\"violation\" x=\"").append(LEFT - 2).append("\" y=\"").append(y - 1)
                        .append("\" width=\"").append(WIDTH - LEFT).append("\" height=\"").append(LANE)
                        .append("\"><title>a violation was found at this cycle's recovery</title></rect>");
            }
        }
        int[] position = new int[lanes];
        Map<Long, int[]> open = new HashMap<>();
        Map<Long, Event.Invoke> invokes = new HashMap<>();
        for (Event event : history) {
            int lane = event.cycle();
            if (lane >= lanes) {
                continue;
            }
            int at = position[lane]++;
            double x = x(at, count[lane]);
            int y = lane * LANE + 2;
            if (event instanceof Event.Invoke invoke) {
                open.put(invoke.op(), new int[] {lane, at});
                invokes.put(invoke.op(), invoke);
            } else if (event instanceof Event.Ok || event instanceof Event.Fail) {
                long op = event instanceof Event.Ok ok ? ok.op() : ((Event.Fail) event).op();
                int[] started = open.remove(op);
                if (started != null) {
                    bar(html, invokes.get(op), started[0], x(started[1], count[started[0]]), x, event instanceof Event.Fail);
                }
            } else {
                String kind = event.type();
                html.append("<circle class=\"mark ").append(kind).append("\" cx=\"").append(round(x))
                        .append("\" cy=\"").append(y + LANE / 2 - 1).append("\" r=\"4\"><title>")
                        .append(escape(kind + ": " + describe(event))).append("</title></circle>");
            }
        }
        for (Map.Entry<Long, int[]> never : open.entrySet()) {
            int lane = never.getValue()[0];
            bar(html, invokes.get(never.getKey()), lane, x(never.getValue()[1], count[lane]), x(count[lane], count[lane]),
                    true);
        }
        html.append("</svg>\n");
        if (cycles > lanes) {
            html.append("<p class=\"note\">the first ").append(lanes).append(" of ").append(cycles)
                    .append(" cycles are drawn</p>\n");
        }
        if (run.harnessError() != null) {
            html.append("<p class=\"error\">harness error: ").append(escape(run.harnessError())).append("</p>\n");
        }
        if (!run.violations().isEmpty()) {
            html.append("<ul class=\"violations\">\n");
            for (Violation violation : run.violations()) {
                html.append("<li data-rule=\"").append(violation.rule().number()).append("\">")
                        .append(escape(violation.describe())).append("</li>\n");
            }
            html.append("</ul>\n<p class=\"replay\"><code>").append(escape(run.replayCommand()))
                    .append("</code></p>\n");
        }
        html.append("</section>\n");
    }

    private static void bar(StringBuilder html, Event.Invoke invoke, int lane, double from, double to,
                            boolean failed) {
        int y = lane * LANE + 2;
        html.append("<rect class=\"op ").append(invoke.function().wire()).append(failed ? " failed" : "")
                .append("\" x=\"").append(round(from)).append("\" y=\"").append(y + 3).append("\" width=\"")
                .append(round(Math.max(2, to - from))).append("\" height=\"").append(LANE - 8).append("\"><title>")
                .append(escape("op " + invoke.op() + " " + invoke.function().wire()
                        + (invoke.writes() == null ? "" : " " + invoke.writes().size() + " records")
                        + (failed ? " (failed or never completed)" : "")))
                .append("</title></rect>");
    }

    /** The x of the {@code at}-th of {@code count} events of a lane. */
    private static double x(int at, int count) {
        return LEFT + (WIDTH - LEFT - 8) * (double) at / Math.max(1, count);
    }

    private static String describe(Event event) {
        if (event instanceof Event.Fault fault) {
            return fault.detail();
        } else if (event instanceof Event.Kill kill) {
            return kill.detail();
        } else if (event instanceof Event.Recovered recovered) {
            return recovered.recovery().opened() ? "opened, index " + recovered.recovery().indexFingerprint()
                    : "did not open: " + recovered.recovery().openError();
        } else if (event instanceof Event.CrashState state) {
            return state.state();
        } else if (event instanceof Event.Exit exit) {
            return "status " + exit.status();
        }
        return Histories.toJson(event);
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(String text) {
        return Reports.escape(text);
    }

    private static final String STYLE = String.join("\n",
            "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}",
            "h1.valid{color:#176f2c}h1.invalid{color:#b00020}h1.harness-error{color:#a15c00}",
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}",
            "tr.invalid td{background:#fde7ea}tr.unexpected td{font-weight:bold}tr.harness-error td{background:#fff3e0}",
            "svg.timeline{border:1px solid #ddd;background:#fafafa}svg text{font-size:10px;fill:#555}",
            "rect.op{opacity:.85}rect.upsert{fill:#4a7bd0}rect.delete{fill:#8e5bd0}rect.query{fill:#9aa5b1}",
            "rect.save{fill:#2e9d5a}rect.failed{fill:#e0a040}rect.violation{fill:none;stroke:#b00020;stroke-width:2}",
            "circle.fault,circle.kill{fill:#b00020}circle.recovered{fill:#176f2c}circle.crash-state{fill:#e0a040}",
            "circle.start,circle.exit{fill:#888}circle.rot,circle.intrusion,circle.probe{fill:#7a1fa2}",
            "ul.violations li{color:#b00020;font-size:13px}p.note{font-size:12px;color:#666}");
}
