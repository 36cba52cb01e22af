package io.indexgate.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.harness.campaign.Scenario;
import io.indexgate.harness.campaign.SyscallPoints;
import io.indexgate.harness.cli.IndexgateCli;
import io.indexgate.harness.powerloss.PowerLossModel;
import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.harness.process.ChildProcesses;
import io.indexgate.harness.sut.StoreUnderTest;
import io.indexgate.testing.PersistenceMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate for stores that are not the reference, through the real CLI: a small Java store outside
 * {@code io.indexgate} ({@code com.example.toystore}) plugged in with {@code --sut}, in place (caught) and with the
 * atomic swap (passing); and a Python port of MemMachine PR #1460 speaking the workload protocol through
 * {@code --sut-command}, as proposed (no directory fsync: caught under power loss) and fixed (passing). The same
 * campaign, the same checker, another store, another language.
 */
class ForeignStoresTest {

    private static final long SEED = 3;
    private static final int OPERATIONS = DurabilityGateTest.OPERATIONS;
    private static final Path PORT = Path.of("src", "test", "python", "memmachine_port.py").toAbsolutePath();
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path directory;

    @AfterEach
    void backToTheReference() {
        StoreUnderTest.install(StoreUnderTest.REFERENCE);
    }

    /** {@code indexgate ARGS}; its exit code and what it printed. */
    private String[] cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new String[] {Integer.toString(IndexgateCli.execute(args)), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(original);
        }
    }

    /** The first {@code n} crash points below the JVM of {@code store} that {@code which} keeps, by name. */
    private List<String> points(StoreUnderTest store, PowerLossModel model, Predicate<String> which, int n)
            throws Exception {
        StoreUnderTest.install(store);
        try {
            List<SyscallPoints.Point> traced = SyscallPoints.trace(ChildLauncher.forThisJvm(), "hnswlib",
                    PersistenceMode.ATOMIC, SEED, OPERATIONS, List.of(), false,
                    directory.resolve("trace-" + System.nanoTime()));
            return SyscallPoints.scenarios("hnswlib", PersistenceMode.ATOMIC, traced, model).stream()
                    .map(Scenario::name).filter(which).limit(n).toList();
        } finally {
            StoreUnderTest.install(StoreUnderTest.REFERENCE);
        }
    }

    /** {@code run} of the named points (and {@code extra}) on a store, in work and report directories of its own. */
    private String[] campaign(String name, List<String> store, List<String> points, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--seed", Long.toString(SEED), "--ops",
                Integer.toString(OPERATIONS), "--work-dir", directory.resolve("work-" + name).toString(),
                "--report-dir", directory.resolve("report-" + name).toString()));
        args.addAll(store);
        points.forEach(point -> args.addAll(List.of("--scenario", point)));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    private String verdict(String name) throws Exception {
        return Files.readString(directory.resolve("report-" + name + "/latest/verdict.json"));
    }

    @Test
    void aJavaStoreThatRewritesItsFileInPlaceIsCaughtAndItsAtomicVersionPasses() throws Exception {
        String classPath = Path.of("target", "test-classes").toAbsolutePath().toString();
        List<String> inPlace = List.of("--sut", "com.example.toystore.InPlaceToyStore", "--sut-classpath", classPath);
        List<String> torn = points(new StoreUnderTest("com.example.toystore.InPlaceToyStore", classPath, null),
                PowerLossModel.NONE, name -> name.matches(".*-(before|torn)-write:toy.vectors@upsert"), 2);
        assertEquals(2, torn.size(), "points between the in-place truncation and the write: " + torn);
        String[] caught = campaign("in-place", inPlace, torn);
        assertEquals("1", caught[0], caught[1]);
        assertTrue(verdict("in-place").contains("did not open") || verdict("in-place").contains("was lost"),
                "a torn file: the store does not open, or acknowledged writes are gone");

        List<String> atomic = List.of("--sut", "com.example.toystore.AtomicToyStore", "--sut-classpath", classPath);
        List<String> swapped = points(new StoreUnderTest("com.example.toystore.AtomicToyStore", classPath, null),
                PowerLossModel.NONE, name -> name.endsWith("@upsert") && name.matches(".*-(before|after)-.*"), 6);
        String[] passed = campaign("atomic", atomic, swapped, "--scenario", "random-kill", "--kills", "4");
        assertEquals("0", passed[0], passed[1]);
        assertEquals(0, ChildProcesses.live(), "every child is reaped");
    }

    /** The crash-point tracer of a save's Java calls follows the packages a store names, as it does the reference's. */
    @Test
    void theJavaCrashPointsOfAStoreUnderTestComeFromThePackagesItNames() throws Exception {
        StoreUnderTest inPlace = traced("InPlaceToyStore");
        String[] caught = campaign("traced-in-place", inPlace.options(), javaPoints(inPlace,
                name -> name.contains("-before-FileChannel.write@InPlaceToyStore")).subList(0, 1), "--cycles", "1");
        assertEquals("1", caught[0], caught[1]);
        StoreUnderTest atomic = traced("AtomicToyStore");
        String[] passed = campaign("traced-atomic", atomic.options(), javaPoints(atomic,
                name -> name.contains("Files.move@AtomicToyStore")).subList(0, 2), "--cycles", "1");
        assertEquals("0", passed[0], passed[1]);
    }

    /** A version of the toy store, with its package traced. */
    private static StoreUnderTest traced(String simpleName) {
        return new StoreUnderTest("com.example.toystore." + simpleName,
                Path.of("target", "test-classes").toAbsolutePath().toString(), null, List.of("com.example.toystore"));
    }

    private List<String> javaPoints(StoreUnderTest store, Predicate<String> which) throws Exception {
        StoreUnderTest.install(store);
        try {
            return io.indexgate.harness.campaign.CrashPoints.scenarios("hnswlib", PersistenceMode.ATOMIC,
                    io.indexgate.harness.campaign.CrashPoints.trace(ChildLauncher.forThisJvm(), "hnswlib",
                            PersistenceMode.ATOMIC, directory.resolve("java-trace-" + System.nanoTime())),
                    PowerLossModel.NONE).stream().map(Scenario::name).filter(which).toList();
        } finally {
            StoreUnderTest.install(StoreUnderTest.REFERENCE);
        }
    }

    @Test
    void thePythonPortOfPr1460IsCaughtUnderPowerLossAsProposedAndPassesWithTheDirectoryFsync() throws Exception {
        Assumptions.assumeTrue(pythonHnswlib(), "Debian's python3-hnswlib is not installed (.ci/run installs it with "
                + "apt; here: apt-get install python3-hnswlib)");
        String proposed = PYTHON + " " + PORT + " --variant proposed";
        String fixed = PYTHON + " " + PORT + " --variant fixed";
        String[] conform = cli("conform", "--sut-command", fixed);
        assertEquals("0", conform[0], conform[1]);

        List<String> cuts = points(new StoreUnderTest(null, null, proposed), PowerLossModel.PESSIMISTIC,
                name -> name.endsWith("@upsert") && name.contains("-before-"), 3);
        assertEquals(3, cuts.size(), cuts.toString());
        String[] caught = campaign("proposed", List.of("--sut-command", proposed), cuts, "--power-loss");
        assertEquals("1", caught[0], caught[1]);
        assertTrue(verdict("proposed").contains("IndexLoadError"), "the renamed index never became durable");

        List<String> fixedCuts = points(new StoreUnderTest(null, null, fixed), PowerLossModel.PESSIMISTIC,
                name -> name.endsWith("@upsert") && name.contains("-before-"), 3);
        String[] passed = campaign("fixed", List.of("--sut-command", fixed), fixedCuts, "--power-loss");
        assertEquals("0", passed[0], passed[1]);
        assertEquals(0, ChildProcesses.live(), "every child is reaped");
    }

    @Test
    void aProgramThatDoesNotSpeakTheProtocolIsRefusedBeforeAnyCampaign() {
        String[] echo = cli("conform", "--sut-command", "cat");
        assertEquals("2", echo[0], echo[1]);
        assertTrue(echo[1].contains("FAIL at 'persisted, before any open'") && echo[1].contains("\"ok\""), echo[1]);
        String[] run = cli("run", "--sut-command", "cat", "--scenario", "random-kill", "--work-dir",
                directory.resolve("never").toString(), "--report-dir", directory.resolve("never-report").toString());
        assertEquals("2", run[0], run[1]);
        assertTrue(Files.notExists(directory.resolve("never")), "no campaign began");
    }

    private static boolean pythonHnswlib() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        Process probe = new ProcessBuilder(PYTHON, "-c", "import hnswlib, numpy").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
}
