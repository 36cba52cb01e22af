package io.indexgate.harness.process;

import io.indexgate.harness.workload.WorkloadMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An AppCDS archive of the classes a child loads, made once per class path and JVM by a training child, so that
 * children start in about 0.6 s instead of 0.95 s (measured on a 2-core machine). Published with an atomic move, so
 * concurrent campaigns never see a half-written archive; if it cannot be made, children start without it and the
 * training child's output stays beside where the archive would be ({@code <archive>.training.log}). The training
 * directory is always deleted. Every build of the jars makes a new archive, so only the {@value #KEPT} most recently
 * used are kept.
 */
final class ClassDataArchive {

    private ClassDataArchive() {
    }

    /**
     * The archive for this java and class path (of jars only, see {@link ChildClassPath#archivable()}), made now if
     * missing; null if it cannot be made, or if the class path is empty (it could not be packed into jars, which
     * {@link ChildClassPath} says).
     */
    static Path prepare(String javaExecutable, String classPath) {
        if (classPath.isEmpty()) {
            return null;
        }
        try {
            Path archive = location(javaExecutable, classPath);
            if (Files.exists(archive)) {
                Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
                return archive;
            }
            Files.createDirectories(archive.getParent());
            Path training = Files.createTempDirectory(archive.getParent(), "training");
            Path temp = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Path log = archive.resolveSibling(archive.getFileName() + ".training.log");
            Process process = new ProcessBuilder(List.of(javaExecutable, "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=" + temp, "-cp", classPath,
                    WorkloadMain.class.getName(), training.resolve("data").toString(), "hnswlib", "1", "0", "40", "atomic"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean made = process.waitFor(120, TimeUnit.SECONDS) && process.exitValue() == 0 && Files.exists(temp);
            process.destroyForcibly();
            TempFiles.deleteTree(training);
            if (!made) {
                // The training child failed (or the JVM refused to dump its classes): say so once per archive in
                // a log beside it, and leave no training directory behind.
                Files.deleteIfExists(temp);
                System.err.println("indexgate: no class-data archive for child JVMs (see " + log
                        + "); children start without it");
                prune(archive.getParent(), ".training.log");
                return null;
            }
            Files.move(temp, archive, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(log);
            prune(archive.getParent(), ".jsa");
            prune(archive.getParent(), ".training.log");
            return archive;
        } catch (IOException e) {
            System.err.println("indexgate: no class-data archive for child JVMs: " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** How many archives (one per build of the class path) are kept; the least recently used go first. */
    static final int KEPT = 4;

    /**
     * Deletes all but the {@value #KEPT} most recently used files ending in {@code suffix}: every build of the jars
     * makes a new archive, and every class path whose training child fails a new log.
     */
    static void prune(Path directory, String suffix) throws IOException {
        prune(directory, suffix, KEPT);
    }

    /** Deletes all but the {@code kept} most recently modified files ending in {@code suffix}. */
    static void prune(Path directory, String suffix, int kept) throws IOException {
        List<Path> archives;
        try (Stream<Path> entries = Files.list(directory)) {
            archives = entries.filter(path -> path.getFileName().toString().endsWith(suffix))
                    .sorted(Comparator.comparing(ClassDataArchive::lastModified).reversed()).toList();
        }
        for (Path stale : archives.subList(Math.min(kept, archives.size()), archives.size())) {
            Files.deleteIfExists(stale);
        }
    }

    private static FileTime lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static Path location(String javaExecutable, String classPath) throws IOException {
        StringBuilder identity = new StringBuilder(javaExecutable).append('\n').append(System.getProperty("java.version"))
                .append('\n').append(classPath);
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isRegularFile(path)) {
                identity.append('\n').append(Files.getLastModifiedTime(path)).append(Files.size(path));
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "indexgate-cds",
                ChildClassPath.digest(identity.toString()) + ".jsa");
    }
}
