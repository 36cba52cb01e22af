package io.indexgate.harness.powerloss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-loss model below the JVM, end to end: a child JVM runs under the preloaded library, and the journal of its
 * calls, replayed over the directory it started from, gives what a power cut leaves. Where the library cannot run,
 * these tests fail (they do not skip): the gate depends on it.
 */
class SyscallModelTest {

    @TempDir
    Path work;

    private Path data;
    private Path durable;

    @BeforeEach
    void directories() throws IOException {
        assertNull(FileSystemShim.unavailableReason(), "the file-system library must run here");
        data = Files.createDirectories(work.resolve("data"));
        durable = work.resolve("durable");
    }

    /** What the child printed, and how it ended. */
    private record Outcome(int status, String output, List<SyscallJournal.Call> calls) {
    }

    private Outcome probe(String what, FileSystemShim.Action action, long call) throws Exception {
        Path journal = work.resolve("journal-" + System.nanoTime());
        // The child's temp directory is the test's: a probe that halts would leave sqlite-jdbc's copy of its
        // library behind in the system's.
        Path temp = Files.createDirectories(work.resolve("tmp"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + temp, "-cp", System.getProperty("java.class.path"), ShimProbeMain.class.getName(),
                data.toString(), what);
        builder.environment().putAll(FileSystemShim.environment(FileSystemShim.library(), data, journal,
                action == null ? null : action.wire() + ":" + call));
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Outcome(process.exitValue(), output, SyscallJournal.read(journal));
    }

    /** Runs the probe from the current state of the data directory, then cuts the power. */
    private Outcome runThenCut(String what, FileSystemShim.Action action, long call) throws Exception {
        SyscallModel.Base base = SyscallModel.capture(data);
        Outcome outcome = probe(what, action, call);
        SyscallModel.replay(base, outcome.calls(), durable, true);
        SyscallModel.materialize(durable, data);
        return outcome;
    }

    /** Traces {@code what} once and returns its first call of {@code kind}; the data directory is emptied after. */
    private SyscallJournal.Call firstCall(String what, SyscallJournal.Kind kind) throws Exception {
        SyscallJournal.Call found = probe(what, null, 0).calls().stream().filter(call -> call.kind() == kind)
                .findFirst().orElseThrow();
        TestFiles.empty(data);
        return found;
    }

    @Test
    void aRenameWhoseDirectoryIsNotForcedIsLostWhileAForcedOneSurvives() throws Exception {
        Outcome unsynced = runThenCut("unsynced-rename", null, 0);
        assertEquals(0, unsynced.status(), unsynced.output());
        assertFalse(Files.exists(data.resolve("a")), "the rename was never made durable");
        assertFalse(Files.exists(data.resolve("a.tmp")), "nor was the temp's creation");

        runThenCut("synced-rename", null, 0);
        assertEquals("v1", Files.readString(data.resolve("a")));
        assertFalse(Files.exists(data.resolve("a.tmp")));
    }

    @Test
    void anUnforcedOverwriteIsLost() throws Exception {
        Files.writeString(data.resolve("b"), "old");
        Outcome outcome = runThenCut("unforced-overwrite", null, 0);
        assertEquals(0, outcome.status(), outcome.output());
        assertEquals("old", Files.readString(data.resolve("b")));
    }

    @Test
    void sqliteCommitsSurviveWithSynchronousFullAndAreLostWithSynchronousOff() throws Exception {
        Outcome full = runThenCut("sqlite-full", null, 0);
        assertEquals(0, full.status(), full.output());
        assertTrue(full.calls().stream().anyMatch(call -> call.kind() == SyscallJournal.Kind.FSYNC
                && call.path().equals("s.db-wal")), "SQLite's own fsyncs of its log are seen: " + full.calls());
        Outcome read = probe("sqlite-read", null, 0);
        assertTrue(read.output().contains("rows=3"), read.output());

        TestFiles.empty(data);
        Outcome off = runThenCut("sqlite-off", null, 0);
        assertEquals(0, off.status(), off.output());
        Outcome lost = probe("sqlite-read", null, 0);
        assertFalse(lost.output().contains("rows=3"), "with synchronous=OFF the cut loses the commits: "
                + lost.output());
    }

    @Test
    void aCrashBeforeTheNthCallStopsTheProcessThereAndSaysSo() throws Exception {
        SyscallJournal.Call rename = firstCall("synced-rename", SyscallJournal.Kind.RENAME);
        Outcome struck = runThenCut("synced-rename", FileSystemShim.Action.BEFORE, rename.sequence());
        assertEquals(137, struck.status(), struck.output());
        assertTrue(struck.output().contains("@@IG {\"type\":\"fault\"") && struck.output().contains("rename a.tmp"),
                struck.output());
        assertTrue(struck.calls().stream().noneMatch(call -> call.kind() == SyscallJournal.Kind.RENAME));
        assertFalse(Files.exists(data.resolve("a")));
    }

    @Test
    void anInjectedFsyncErrorReachesTheCallerAndForcesNothing() throws Exception {
        SyscallJournal.Call force = firstCall("fsync-error", SyscallJournal.Kind.FSYNC);
        Outcome failed = runThenCut("fsync-error", FileSystemShim.Action.EIO, force.sequence());
        assertEquals(0, failed.status(), failed.output());
        assertTrue(failed.output().contains("force failed"), failed.output());
        assertTrue(failed.calls().stream().noneMatch(call -> call.kind() == SyscallJournal.Kind.FSYNC));
    }

    @Test
    void whatTheModelCannotFollowIsRefusedNotIgnored() throws Exception {
        SyscallModel.Base base = SyscallModel.capture(data);
        Outcome outcome = probe("hard-link", null, 0);
        IOException refused = assertThrows(IOException.class,
                () -> SyscallModel.replay(base, outcome.calls(), durable, true));
        assertTrue(refused.getMessage().contains("a hard link"), refused.getMessage());
    }
}
