package io.indexgate.harness.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A child's class path in a form an AppCDS archive can serve. The JVM archives only jar files: a class path with a
 * non-empty directory cannot be dumped, and Maven's test class path starts with two ({@code target/test-classes},
 * {@code target/classes}). So each such directory is packed into a jar, in its place (the order, and so which class
 * or resource wins, is unchanged), under {@code <java.io.tmpdir>/indexgate-cds}, named by a digest of the directory's
 * path and of the name, size and modification time of every file in it: a rebuilt directory gets a new jar, an
 * unchanged one reuses its jar (and so its archive). Jars are published with an atomic move, so concurrent campaigns
 * never see half of one, and only the {@value #KEPT} most recently made are kept (a jar is never touched again once
 * made: its modification time is part of its archive's name). If a directory cannot
 * be packed, it stays as it is, and nothing of the class path is archivable.
 *
 * @param classPath  what the child runs on
 * @param archivable {@code classPath} if every entry is a jar (or an empty or missing directory), else empty
 */
record ChildClassPath(String classPath, String archivable) {

    /** How many packed jars are kept: more than archives, since a running campaign may still start children on one. */
    static final int KEPT = 16;

    static ChildClassPath of(String classPath) {
        List<String> entries = new ArrayList<>();
        boolean archivable = true;
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path path = Path.of(entry);
            if (Files.isDirectory(path) && !isEmpty(path)) {
                try {
                    entries.add(packed(path).toString());
                } catch (IOException e) {
                    System.err.println("indexgate: cannot pack " + path + " for the class-data archive: " + e);
                    entries.add(entry);
                    archivable = false;
                }
            } else {
                entries.add(entry);
            }
        }
        String joined = String.join(File.pathSeparator, entries);
        return new ChildClassPath(joined, archivable ? joined : "");
    }

    private static boolean isEmpty(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** The jar of {@code directory}'s files as they are now, packed if this content has none yet. */
    private static Path packed(Path directory) throws IOException {
        Path root = directory.toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        StringBuilder identity = new StringBuilder(root.toString());
        for (Path file : files) {
            identity.append('\n').append(root.relativize(file)).append(' ').append(Files.size(file)).append(' ')
                    .append(Files.getLastModifiedTime(file).toMillis());
        }
        Path jar = Path.of(System.getProperty("java.io.tmpdir"), "indexgate-cds",
                "classes-" + digest(identity.toString()) + ".jar");
        if (!Files.isRegularFile(jar)) {
            Files.createDirectories(jar.getParent());
            Path temp = jar.resolveSibling(jar.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            try {
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(temp))) {
                    for (Path file : files) {
                        out.putNextEntry(new JarEntry(root.relativize(file).toString()
                                .replace(File.separatorChar, '/')));
                        Files.copy(file, out);
                        out.closeEntry();
                    }
                }
                Files.move(temp, jar, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            ClassDataArchive.prune(jar.getParent(), ".jar", KEPT);
        }
        return jar;
    }

    /** The first 12 bytes of the SHA-256 of {@code identity}, in hex: the name of a cached jar or archive. */
    static String digest(String identity) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
