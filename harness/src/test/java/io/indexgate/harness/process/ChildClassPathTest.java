package io.indexgate.harness.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildClassPathTest {

    @TempDir
    Path dir;

    /** The jars these tests pack go to the shared cache: they are removed again. */
    private final List<Path> packedJars = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void removeThePackedJars() throws IOException {
        for (Path jar : packedJars) {
            Files.deleteIfExists(jar);
        }
    }

    private ChildClassPath pack(String classPath) {
        ChildClassPath packed = ChildClassPath.of(classPath);
        for (String entry : packed.classPath().split(File.pathSeparator)) {
            if (entry.contains("indexgate-cds")) {
                packedJars.add(Path.of(entry));
            }
        }
        return packed;
    }

    private Path classes(String name, String... files) throws IOException {
        Path root = dir.resolve(name);
        Files.createDirectories(root);
        for (String file : files) {
            Path path = root.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, file);
        }
        return root;
    }

    private static String path(Object... entries) {
        StringBuilder joined = new StringBuilder();
        for (Object entry : entries) {
            joined.append(joined.length() == 0 ? "" : File.pathSeparator).append(entry);
        }
        return joined.toString();
    }

    @Test
    void directoriesArePackedInTheirPlaceAndTheWholePathIsArchivable() throws IOException {
        Path tests = classes("test-classes", "a/ATest.class", "rules/x.btm");
        Path empty = classes("empty");
        Path jar = Files.writeString(dir.resolve("dep.jar"), "not opened");
        Path missing = dir.resolve("missing");
        ChildClassPath packed = pack(path(tests, jar, empty, missing));
        List<String> entries = List.of(packed.classPath().split(File.pathSeparator));
        assertEquals(4, entries.size());
        assertTrue(entries.get(0).endsWith(".jar") && entries.get(0).contains("indexgate-cds"), entries.get(0));
        assertEquals(List.of(jar.toString(), empty.toString(), missing.toString()), entries.subList(1, 4),
                "the order is kept; jars, empty and missing directories stay as they are");
        assertEquals(packed.classPath(), packed.archivable());
        try (JarFile file = new JarFile(entries.get(0))) {
            assertArrayEquals("rules/x.btm".getBytes(), file.getInputStream(file.getEntry("rules/x.btm")).readAllBytes());
            assertTrue(file.getEntry("a/ATest.class") != null);
        }
        assertEquals(packed, pack(path(tests, jar, empty, missing)), "unchanged content, same jar");
    }

    @Test
    void aChangedDirectoryGetsANewJar() throws IOException {
        Path tests = classes("classes", "a/A.class");
        String before = pack(tests.toString()).classPath();
        Path file = tests.resolve("a/A.class");
        Files.writeString(file, "rebuilt, longer");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));
        String after = pack(tests.toString()).classPath();
        assertNotEquals(before, after);
        try (JarFile jar = new JarFile(after)) {
            assertEquals("rebuilt, longer", new String(jar.getInputStream(jar.getEntry("a/A.class")).readAllBytes()));
        }
    }
}
