package io.indexgate.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content-addressed native-library cache: one verified copy per content, shared by threads and processes, a
 * damaged copy replaced rather than returned. The resource used is a class file of this build (any bytes will do).
 */
class NativeLibraryCacheTest {

    private static final String RESOURCE = "/io/indexgate/engine/NativeLibraryCache.class";

    @TempDir
    Path root;
    private String previousRoot;

    @BeforeEach
    void pointTheCacheHere() {
        previousRoot = System.setProperty(NativeLibraryCache.ROOT_PROPERTY, root.toString());
    }

    @AfterEach
    void restore() {
        if (previousRoot == null) {
            System.clearProperty(NativeLibraryCache.ROOT_PROPERTY);
        } else {
            System.setProperty(NativeLibraryCache.ROOT_PROPERTY, previousRoot);
        }
    }

    private static byte[] resourceBytes() throws IOException {
        try (InputStream in = NativeLibraryCacheTest.class.getResourceAsStream(RESOURCE)) {
            return in.readAllBytes();
        }
    }

    private List<Path> everyFile() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void extractsOncePerContentUnderItsHash() throws IOException {
        Path first = NativeLibraryCache.extract(NativeLibraryCacheTest.class, RESOURCE, "lib.so");
        Path second = NativeLibraryCache.extract(NativeLibraryCacheTest.class, RESOURCE, "lib.so");
        assertEquals(first, second);
        assertEquals(root, first.getParent().getParent());
        assertEquals(NativeLibraryCache.hashOf(first), first.getParent().getFileName().toString());
        assertArrayEquals(resourceBytes(), Files.readAllBytes(first));
        assertEquals(List.of(first), everyFile(), "one file, no temp left");
    }

    @Test
    void aDamagedCachedCopyIsReplacedNotReturned() throws IOException {
        Path cached = NativeLibraryCache.extract(NativeLibraryCacheTest.class, RESOURCE, "lib.so");
        byte[] damaged = resourceBytes();
        damaged[damaged.length / 2] ^= 0x10;
        Files.write(cached, damaged);
        Files.writeString(cached.resolveSibling("ignored.txt"), "not ours");

        Path again = NativeLibraryCache.extract(NativeLibraryCacheTest.class, RESOURCE, "lib.so");

        assertEquals(cached, again);
        assertArrayEquals(resourceBytes(), Files.readAllBytes(again));
    }

    @Test
    void aMissingResourceIsNamed() {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> NativeLibraryCache.extract(NativeLibraryCacheTest.class, "/no/such/library.so", "x.so"));
        assertTrue(missing.getMessage().contains("/no/such/library.so"), missing.getMessage());
    }

    @Test
    void concurrentFirstUsesFromThreadsAndProcessesShareOneCopy() throws Exception {
        List<Process> processes = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 3; i++) {
                processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-D" + NativeLibraryCache.ROOT_PROPERTY + "=" + root, "-cp",
                        System.getProperty("java.class.path"), ExtractMain.class.getName())
                        .redirectErrorStream(true).start());
            }
            List<Future<Path>> extracted = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<Path> extract = () -> NativeLibraryCache.extract(NativeLibraryCacheTest.class, RESOURCE,
                        "lib.so");
                extracted.add(threads.submit(extract));
            }
            Set<Path> paths = new HashSet<>();
            for (Future<Path> path : extracted) {
                paths.add(path.get(1, TimeUnit.MINUTES));
            }
            for (Process process : processes) {
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertTrue(process.waitFor(1, TimeUnit.MINUTES));
                assertEquals(0, process.exitValue(), output);
                paths.add(Path.of(output));
            }
            assertEquals(1, paths.size(), paths.toString());
            assertEquals(List.copyOf(paths), everyFile(), "one copy, no temp left");
            assertArrayEquals(resourceBytes(), Files.readAllBytes(paths.iterator().next()));
        } finally {
            threads.shutdownNow();
            processes.forEach(Process::destroyForcibly);
        }
    }

    /** Extracts the resource in a JVM of its own and prints the path. */
    public static final class ExtractMain {
        public static void main(String[] args) throws IOException {
            System.out.println(NativeLibraryCache.extract(NativeLibraryCacheTest.class, RESOURCE, "lib.so"));
        }
    }
}
