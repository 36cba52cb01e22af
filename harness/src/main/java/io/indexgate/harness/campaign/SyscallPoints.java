package io.indexgate.harness.campaign;

import io.indexgate.harness.nemesis.SyscallFault;
import io.indexgate.harness.powerloss.FileSystemShim;
import io.indexgate.harness.powerloss.PowerLossModel;
import io.indexgate.harness.powerloss.SyscallJournal;
import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.harness.process.TempFiles;
import io.indexgate.testing.PersistenceMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Crash points below the JVM: every file-system call that a save and an acknowledged upsert make under the data
 * directory, SQLite's own included (its write-ahead-log writes and fsyncs, its checkpoints, its directory fsyncs),
 * enumerated from a tracing child that runs the campaign's workload under the preloaded file-system library
 * ({@link FileSystemShim}). The workload marks in the library's journal where each operation starts and ends, so the
 * calls of the traced save (the second, so that a committed index is at stake) and of the first acknowledged upsert
 * after it are known by number. Each call gets a crash before it (and the last call of each operation one after it: a
 * crash after a call leaves what a crash before the next one leaves), each write under a process crash a torn write
 * (half its bytes, then the crash; under power loss an unforced write is lost whole, and the reordering model
 * enumerates its torn variants itself), and each write and fsync of SQLite's write-ahead log an error instead of it
 * (ENOSPC, EIO), after which the child goes on. A point's child is the tracer's run again (same seed, operations and rules), so it makes the
 * same calls; the library strikes the point's call by number, and a strike on a different call is a harness error.
 *
 * <p>Expected verdicts: every point of {@link PersistenceMode#ATOMIC} is valid in every model. Under a process
 * crash, {@link PersistenceMode#DIRECT} is invalid from the truncating open of its target to the target's last
 * write, and the other modes are valid at every crash (their errors are not what they are controls for: any).
 * Under power loss the modes that skip a force are invalid everywhere (the index saved before the traced operation
 * is not durable), except {@link PersistenceMode#ATOMIC_FORCE_AFTER_RENAME}, which only the reordering model catches,
 * from its rename to its late force.
 */
public final class SyscallPoints {

    /** Names of syscall-level points start with this. */
    public static final String PREFIX = "sys-";

    /** The save whose calls are traced (the second: a committed index is at stake, as for every save but the first). */
    private static final int TRACED_SAVE = 2;
    private static final String WAL = "store.db-wal";

    private SyscallPoints() {
    }

    /**
     * One call of a traced operation.
     *
     * @param window the operation: {@code save} or {@code upsert}
     * @param call   the call's number in the child
     * @param site   what and where, as {@link SyscallJournal.Call#site()}
     * @param kind   what the call is
     * @param path   the path it concerns, relative to the data directory
     * @param afterError for a call traced after an injected error: the error's point (its run strikes it first);
     *                   null otherwise
     * @param error  the error injected at {@code afterError}, or null
     */
    public record Point(String window, long call, String site, SyscallJournal.Kind kind, String path,
                        Point afterError, FileSystemShim.Action error) {

        boolean isWrite() {
            return kind == SyscallJournal.Kind.WRITE;
        }

        boolean onWriteAheadLog() {
            return path != null && path.equals(WAL);
        }

        /** For a scenario name: the kind and the file name, a temp named as one. */
        String label() {
            String file = path == null || path.isEmpty() ? "data-directory"
                    : SyscallJournal.generalTemp(path.substring(path.lastIndexOf('/') + 1), ".tmp");
            String name = kind == SyscallJournal.Kind.DIRSYNC ? "fsync-directory" : kind.name().toLowerCase(
                    java.util.Locale.ROOT);
            return name + ":" + file + "@" + window;
        }
    }

    /**
     * Runs the campaign's first cycle once under the library, journaling, and returns the calls of the traced save and
     * of the first acknowledged upsert after it; then, for every error point that fails a commit of SQLite's (an EIO
     * instead of a write-ahead-log fsync, the first ENOSPC instead of a log write of each operation), runs it again
     * with that error and adds the calls of the next write operation after it, each to be crashed before: what the
     * store does after a failed commit must lose nothing either.
     *
     * @throws IOException if a tracer fails or its journal shows no traced save
     */
    public static List<Point> trace(ChildLauncher launcher, String engine, PersistenceMode mode, long seed,
                                    int operations, List<Path> withRules, Path directory)
            throws IOException, InterruptedException {
        return trace(launcher, engine, mode, seed, operations, withRules, true, directory);
    }

    /** As {@link #trace(ChildLauncher, String, PersistenceMode, long, int, List, Path)}; {@code afterErrors} false
     * leaves out the calls after errors (and their tracing children). */
    public static List<Point> trace(ChildLauncher launcher, String engine, PersistenceMode mode, long seed,
                                    int operations, List<Path> withRules, boolean afterErrors, Path directory)
            throws IOException, InterruptedException {
        List<SyscallJournal.Call> calls = runTracer(launcher, engine, mode, seed, operations, withRules, null,
                directory.resolve("plain"));
        List<Point> points = windows(calls);
        if (points.stream().noneMatch(point -> point.window().equals("save"))) {
            throw new IOException("the file-system tracer saw no completed save number " + TRACED_SAVE + " in "
                    + operations + " operations; see " + directory);
        }
        List<Point> followUps = new ArrayList<>();
        java.util.Set<String> enospcWindows = new java.util.HashSet<>();
        for (Point point : afterErrors ? points : List.<Point>of()) {
            boolean eio = point.onWriteAheadLog() && point.kind() == SyscallJournal.Kind.FSYNC;
            boolean enospc = point.onWriteAheadLog() && point.isWrite() && enospcWindows.add(point.window());
            if (!eio && !enospc) {
                continue;
            }
            FileSystemShim.Action action = eio ? FileSystemShim.Action.EIO : FileSystemShim.Action.ENOSPC;
            List<SyscallJournal.Call> after = runTracer(launcher, engine, mode, seed, operations, withRules,
                    SyscallFault.of(action, point.call(), point.site()),
                    directory.resolve(action.wire() + "-" + point.call()));
            followUps.addAll(nextWriteAfterFault(after, point, action));
        }
        List<Point> all = new ArrayList<>(points);
        all.addAll(followUps);
        return all;
    }

    /** Runs one tracing child (with {@code fault}, if not null) to its end and returns its journal. */
    private static List<SyscallJournal.Call> runTracer(ChildLauncher launcher, String engine, PersistenceMode mode,
                                                       long seed, int operations, List<Path> withRules,
                                                       SyscallFault fault, Path directory)
            throws IOException, InterruptedException {
        TempFiles.deleteTree(directory);
        Path data = Files.createDirectories(directory.resolve("data"));
        Path journal = directory.resolve("trace.bin");
        ChildLauncher.ChildSpec spec = ChildLauncher.ChildSpec.builder(data, engine, mode).seed(seed).cycle(0)
                .operations(operations).rules(withRules).journal(journal).syscallFault(fault).build();
        Path log = directory.resolve("trace.log");
        Files.writeString(log, launcher.commandLine(spec) + System.lineSeparator());
        Process process = launcher.start(spec, log, directory.resolve("trace.out"));
        try {
            if (!process.waitFor(RunExecutor.CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("the file-system tracer of " + engine + " did not finish cleanly; see " + log);
            }
        } finally {
            launcher.reap(process);
        }
        List<SyscallJournal.Call> calls = SyscallJournal.read(journal);
        SyscallJournal.requireFollowable(calls, journal);
        return calls;
    }

    /** The calls of the traced save and of the first acknowledged upsert after it, from a journal's marks. */
    private static List<Point> windows(List<SyscallJournal.Call> calls) {
        List<Point> points = new ArrayList<>();
        int saves = 0;
        boolean upsertTraced = false;
        String window = null;
        String operation = null;
        List<Point> current = new ArrayList<>();
        for (SyscallJournal.Call call : calls) {
            if (call.kind() == SyscallJournal.Kind.MARK) {
                String[] words = call.text().split(" ");
                if (words[0].equals("invoke")) {
                    window = null;
                    current.clear();
                    if (words[2].equals("SAVE") && ++saves == TRACED_SAVE) {
                        window = "save";
                    } else if (words[2].equals("UPSERT") && saves >= TRACED_SAVE && !upsertTraced) {
                        window = "upsert";
                    }
                    operation = words[1];
                } else if (window != null && words[1].equals(operation)) {
                    if (words[0].equals("ok")) {
                        points.addAll(current);
                        upsertTraced |= window.equals("upsert");
                    }
                    window = null;
                    current.clear();
                }
            } else if (window != null && call.kind().isCall()) {
                current.add(new Point(window, call.sequence(), call.site(), call.kind(), call.path(), null, null));
            }
        }
        return points;
    }

    /** The calls of the first upsert or delete invoked after the struck error, each a point after that error. */
    private static List<Point> nextWriteAfterFault(List<SyscallJournal.Call> calls, Point error,
                                                   FileSystemShim.Action action) {
        List<Point> points = new ArrayList<>();
        boolean struck = false;
        String operation = null;
        String window = "write-after-" + action.wire() + "-" + error.call();
        for (SyscallJournal.Call call : calls) {
            if (call.kind() == SyscallJournal.Kind.FAULT) {
                struck = true;
            } else if (struck && call.kind() == SyscallJournal.Kind.MARK) {
                String[] words = call.text().split(" ");
                if (operation == null && words[0].equals("invoke")
                        && (words[2].equals("UPSERT") || words[2].equals("DELETE"))) {
                    operation = words[1];
                } else if (operation != null && !words[0].equals("invoke") && words[1].equals(operation)) {
                    break;
                }
            } else if (operation != null && call.kind().isCall()) {
                points.add(new Point(window, call.sequence(), call.site(), call.kind(), call.path(), error, action));
            }
        }
        return points;
    }

    /** The scenarios of the traced calls in {@code mode} under {@code model} (see the class documentation). */
    public static List<Scenario> scenarios(String engine, PersistenceMode mode, List<Point> points,
                                           PowerLossModel model) {
        List<Scenario> scenarios = new ArrayList<>();
        List<Point> save = points.stream().filter(point -> point.window().equals("save")).toList();
        // DIRECT tears its target from the open that truncates it to its last write.
        int firstTorn = -1;
        int lastWrite = -1;
        // ATOMIC_FORCE_AFTER_RENAME: the rename is durable-able before the data from the rename to the late force.
        int move = -1;
        int lateForce = -1;
        String target = null;
        for (int i = 0; i < save.size(); i++) {
            Point point = save.get(i);
            if (point.path() != null && point.path().startsWith("indexes/") && !point.path().endsWith(".tmp")) {
                if (point.kind() == SyscallJournal.Kind.TRUNCATE && firstTorn < 0) {
                    firstTorn = i;
                    target = point.path();
                }
                if (point.isWrite() && point.path().equals(target)) {
                    lastWrite = i;
                }
            }
            if (point.kind() == SyscallJournal.Kind.RENAME && move < 0) {
                move = i;
            } else if (move >= 0 && lateForce < 0 && point.kind() == SyscallJournal.Kind.FSYNC
                    && point.path().startsWith("indexes/")) {
                lateForce = i;
            }
        }
        int number = 0;
        for (int k = 0; k < points.size(); k++) {
            Point point = points.get(k);
            int i = save.indexOf(point);
            List<FileSystemShim.Action> actions = new ArrayList<>(List.of(FileSystemShim.Action.BEFORE));
            // A crash after a call leaves what a crash before the next call leaves (the same calls made, the same
            // journal): only the last call of an operation gets its own "after".
            boolean lastOfWindow = k == points.size() - 1 || !points.get(k + 1).window().equals(point.window());
            if (lastOfWindow) {
                actions.add(FileSystemShim.Action.AFTER);
            }
            // Under power loss an unforced write is lost whole, and the reordering model already enumerates its
            // torn variants: a torn write is a point of its own under a process crash only.
            if (point.isWrite() && !model.simulated()) {
                actions.add(FileSystemShim.Action.TORN);
            }
            if (point.onWriteAheadLog()) {
                actions.add(point.isWrite() ? FileSystemShim.Action.ENOSPC
                        : point.kind() == SyscallJournal.Kind.FSYNC ? FileSystemShim.Action.EIO : null);
                actions.remove(null);
            }
            if (point.afterError() != null) {
                actions = List.of(FileSystemShim.Action.BEFORE);
            }
            for (FileSystemShim.Action action : actions) {
                Expectation expected = expectation(mode, model, action, i, firstTorn, lastWrite, move, lateForce);
                scenarios.add(scenario(engine, mode, model, ++number, action, point, expected));
            }
        }
        return scenarios;
    }

    private static Expectation expectation(PersistenceMode mode, PowerLossModel model, FileSystemShim.Action action,
                                           int i, int firstTorn, int lastWrite, int move, int lateForce) {
        if (mode == PersistenceMode.ATOMIC) {
            return Expectation.VALID;
        }
        if (!model.simulated()) {
            if (!action.crashes()) {
                return Expectation.ANY;
            }
            if (mode != PersistenceMode.DIRECT || firstTorn < 0 || i < 0) {
                return Expectation.VALID;
            }
            boolean torn = switch (action) {
                case BEFORE -> i > firstTorn && i <= lastWrite;
                case AFTER -> i >= firstTorn && i < lastWrite;
                default -> i >= firstTorn && i <= lastWrite;
            };
            return torn ? Expectation.INVALID : Expectation.VALID;
        }
        if (mode == PersistenceMode.ATOMIC_FORCE_AFTER_RENAME) {
            if (model != PowerLossModel.REORDER || i < 0 || move < 0 || lateForce < 0) {
                return Expectation.VALID;
            }
            boolean exposed = switch (action) {
                case BEFORE -> i > move && i <= lateForce;
                case AFTER -> i >= move && i < lateForce;
                case TORN -> i > move && i < lateForce;
                default -> i > move && i <= lateForce;
            };
            return exposed ? Expectation.INVALID : Expectation.VALID;
        }
        return Expectation.INVALID;
    }

    private static Scenario scenario(String engine, PersistenceMode mode, PowerLossModel model, int number,
                                     FileSystemShim.Action action, Point point, Expectation expected) {
        String strike = point.afterError() == null ? action.wire()
                : point.error().wire() + "-then-" + action.wire();
        String name = String.format("%s%s%s-%s-%03d-%s-%s", PREFIX, switch (model) {
            case NONE -> "";
            case PESSIMISTIC -> "powerloss-";
            case REORDER -> "reorder-";
        }, mode.cliName(), engine, number, strike, point.label());
        String what = switch (action) {
            case BEFORE -> "crash before";
            case AFTER -> "crash after";
            case TORN -> "half of, then a crash:";
            case EIO -> "EIO instead of";
            case ENOSPC -> "ENOSPC instead of";
        };
        SyscallFault fault = SyscallFault.of(action, point.call(), point.site());
        String first = "";
        if (point.afterError() != null) {
            Point error = point.afterError();
            fault = new SyscallFault(List.of(new SyscallFault.Strike(point.error(), error.call(), error.site()),
                    new SyscallFault.Strike(action, point.call(), point.site())));
            first = point.error().name() + " instead of call " + error.call() + " (" + error.site() + ") of the "
                    + error.window() + ", then ";
        }
        Scenario.Builder scenario = Scenario.builder(name, Scenario.Kind.SYSCALL)
                .description((model.simulated() ? "power cut (" + model.cliName() + ") " : "") + first + what
                        + " call " + point.call() + " (" + point.site() + ") of the " + point.window() + ", " + engine
                        + " engine, " + mode.cliName() + " mode")
                .strikes(point.site() + " in the " + point.window() + ", " + strike)
                .syscall(fault);
        for (PersistenceMode other : PersistenceMode.values()) {
            scenario.expect(other, Expectation.UNREACHED);
        }
        return scenario.expect(mode, expected).build();
    }
}
