package io.indexgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.indexgate.harness.cli.IndexgateCli;
import io.indexgate.harness.history.Histories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign of SIGKILLed USearch children kills nearly every child it starts, and leaves nothing in the temp
 * directory but the shared, content-addressed caches: one copy of each native library, the class-data archive. The
 * campaign runs in a JVM of its own whose temp directory is fresh, so that nothing else on the machine is counted.
 */
class NothingLeftBehindTest {

    /** What may stay: the native-library cache and the children's class-data archive, both shared and bounded. */
    private static final Set<String> SHARED_CACHES = Set.of("indexgate-native", "indexgate-cds");

    @TempDir
    Path directory;

    private int campaign(Path temp, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Djava.io.tmpdir=" + temp, "-cp", System.getProperty("java.class.path"),
                IndexgateCli.class.getName(), "run", "--engine", "usearch", "--scenario", "random-kill", "--seed", "7",
                "--ops", "8", "--report-dir", directory.resolve("report").toString()));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("campaign.log").toFile()).start();
        try {
            assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the campaign did not finish in 5 minutes");
            return process.exitValue();
        } finally {
            process.destroyForcibly();
        }
    }

    private static Set<String> entries(Path directory) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return new TreeSet<>(list.map(path -> path.getFileName().toString()).toList());
        }
    }

    private static long files(Path directory, String name) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(path -> path.getFileName().toString().equals(name)).count();
        }
    }

    @Test
    void thirtyKilledUSearchChildrenLeaveOnlyTheSharedCaches() throws Exception {
        Path temp = Files.createDirectories(directory.resolve("tmp"));

        assertEquals(0, campaign(temp, "--kills", "30"), Files.readString(directory.resolve("campaign.log")));
        // Children of 8 operations end well inside the first kill window (1.5 s); the window narrows to a child's
        // life, so nearly every cycle is still a kill. With a fixed window about half of these children escaped.
        JsonNode run = Histories.json().readTree(directory.resolve("report/latest/verdict.json").toFile())
                .get("runs").get(0);
        assertTrue(run.get("faults").asInt() >= 26, "kills that struck, of 30: " + run.get("faults"));

        Set<String> left = entries(temp);
        left.removeAll(SHARED_CACHES);
        assertEquals(Set.of(), left, "left in the temp directory; campaign log:\n"
                + Files.readString(directory.resolve("campaign.log")));
        assertEquals(1, files(temp, "libindexgate_usearch.so"), "one USearch library, shared");
        assertTrue(files(temp, "libsqlitejdbc.so") <= 1, "at most one SQLite library, shared");

        // The control: a kept work directory is seen, so the check above could fail.
        assertEquals(0, campaign(temp, "--kills", "2", "--keep-work-dir"));
        Set<String> kept = entries(temp);
        kept.removeAll(SHARED_CACHES);
        assertEquals(1, kept.size(), "the kept work directory: " + kept);
        assertTrue(kept.iterator().next().startsWith("indexgate-work"), kept.toString());
    }
}
