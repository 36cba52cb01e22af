package io.indexgate.harness.process;

import io.indexgate.engine.NativeLibraryCache;
import io.indexgate.harness.nemesis.Faults;
import io.indexgate.harness.nemesis.SyscallFault;
import io.indexgate.harness.powerloss.FileSystemShim;
import io.indexgate.harness.powerloss.PowerLossScope;
import io.indexgate.harness.sut.StoreUnderTest;
import io.indexgate.harness.workload.WorkloadMain;
import io.indexgate.testing.PersistenceMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts child JVMs running {@link WorkloadMain} on this JVM's class path, with the Byteman agent and rule files when
 * a scenario needs them. The children are tuned for start-up time (C1 only, serial GC, an AppCDS archive of their
 * classes made on first use; {@link ChildClassPath} packs the class path's directories into jars so that a Maven
 * test's class path can be archived too).
 */
public final class ChildLauncher {

    /** Set in a child started by the harness: it halts when its parent goes away. */
    public static final String CHILD_PROPERTY = "indexgate.child";

    private final String javaExecutable;
    private final String classPath;
    /** {@link #classPath} if the class-data archive can be made of it, else empty. */
    private final String archivable;
    private final Path bytemanJar;
    private Path classDataArchive;
    private boolean archiveTried;
    private List<String> sqliteLibrary;
    private Path fileSystemLibrary;

    public ChildLauncher(String javaExecutable, String classPath, Path bytemanJar) {
        this.javaExecutable = javaExecutable;
        ChildClassPath packed = ChildClassPath.of(classPath);
        this.classPath = packed.classPath();
        this.archivable = packed.archivable();
        this.bytemanJar = bytemanJar;
    }

    /** A launcher for this JVM: same java, same class path, Byteman from the class path. */
    public static ChildLauncher forThisJvm() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ChildLauncher(java.toString(), System.getProperty("java.class.path"), BytemanAgent.jar());
    }

    /**
     * What one child runs.
     *
     * @param scope    which files a simulated power loss reaches (see {@link PowerLossScope})
     * @param holdFile null, or a file the child waits for after its recovery report (see
     *                 {@link WorkloadMain#HOLD_PROPERTY})
     * @param role     what the child is: the workload, a second opener of the data directory (see
     *                 {@link WorkloadMain#intrude}), or the explorer of a cut's crash states (see
     *                 {@link WorkloadMain#exploreLastCut})
     * @param journal  null, or where the preloaded file-system library journals the child's calls under its data
     *                 directory (see {@link FileSystemShim})
     * @param syscallFault null, or the fault that library injects
     */
    public record ChildSpec(Path dataDirectory, String engine, PersistenceMode mode, long seed, int cycle,
                            int operations, List<Path> rules, int strikeAt,
                            io.indexgate.harness.powerloss.PowerLossModel powerLoss, PowerLossScope scope,
                            Path holdFile, WorkloadMain.Role role, Path journal, SyscallFault syscallFault) {

        public ChildSpec {
            rules = List.copyOf(rules);
        }

        /**
         * A builder of a workload child on {@code dataDirectory}: seed 0, cycle 0, no operations (it only recovers),
         * no rules, strikes at the first occurrence, no power-loss simulation, neither held nor an intruder.
         */
        public static Builder builder(Path dataDirectory, String engine, PersistenceMode mode) {
            return new Builder(dataDirectory, engine, mode);
        }

        /** The second opener of this child's data directory: same settings, no operations, not held. */
        public ChildSpec asIntruder() {
            return new ChildSpec(dataDirectory, engine, mode, seed, cycle, 0, rules, strikeAt, powerLoss, scope, null,
                    WorkloadMain.Role.INTRUDER, journal, null);
        }

        /** Whether the child runs under the preloaded file-system library. */
        public boolean preloaded() {
            return journal != null || syscallFault != null;
        }

        /**
         * The explorer of the cut this child's recovery meets: same data directory, engine, mode, seed, cycle and
         * power-loss model, no operations, and only {@code rules} (the campaign's {@code --with-rule} files: a
         * scenario's fault rules must not strike in the scratch copies of crash states).
         */
        public ChildSpec asExplorer(List<Path> rules) {
            return new ChildSpec(dataDirectory, engine, mode, seed, cycle, 0, rules, strikeAt, powerLoss, scope, null,
                    WorkloadMain.Role.EXPLORER, null, null);
        }

        /** Builds a {@link ChildSpec}; not thread-safe. */
        public static final class Builder {
            private final Path dataDirectory;
            private final String engine;
            private final PersistenceMode mode;
            private long seed;
            private int cycle;
            private int operations;
            private List<Path> rules = List.of();
            private int strikeAt = 1;
            private io.indexgate.harness.powerloss.PowerLossModel powerLoss =
                    io.indexgate.harness.powerloss.PowerLossModel.NONE;
            private PowerLossScope scope = PowerLossScope.ALL;
            private Path holdFile;
            private Path journal;
            private SyscallFault syscallFault;

            private Builder(Path dataDirectory, String engine, PersistenceMode mode) {
                this.dataDirectory = dataDirectory;
                this.engine = engine;
                this.mode = mode;
            }

            public Builder seed(long value) {
                seed = value;
                return this;
            }

            public Builder cycle(int value) {
                cycle = value;
                return this;
            }

            public Builder operations(int value) {
                operations = value;
                return this;
            }

            public Builder rules(List<Path> value) {
                rules = value;
                return this;
            }

            public Builder strikeAt(int value) {
                strikeAt = value;
                return this;
            }

            public Builder powerLoss(io.indexgate.harness.powerloss.PowerLossModel value) {
                powerLoss = value;
                return this;
            }

            public Builder scope(PowerLossScope value) {
                scope = value;
                return this;
            }

            /** Where the preloaded file-system library journals the child's calls (null: not preloaded for that). */
            public Builder journal(Path value) {
                journal = value;
                return this;
            }

            /** The fault the preloaded file-system library injects (null: none). */
            public Builder syscallFault(SyscallFault value) {
                syscallFault = value;
                return this;
            }

            /** A file the child waits for after its recovery report (null: none). */
            public Builder holdFile(Path value) {
                holdFile = value;
                return this;
            }

            public ChildSpec build() {
                return new ChildSpec(dataDirectory, engine, mode, seed, cycle, operations, rules, strikeAt, powerLoss,
                        scope, holdFile, WorkloadMain.Role.WORKLOAD, journal, syscallFault);
            }
        }
    }

    private synchronized Path classDataArchive() {
        if (!archiveTried) {
            archiveTried = true;
            classDataArchive = ClassDataArchive.prepare(javaExecutable, archivable);
        }
        return classDataArchive;
    }

    /**
     * The options that make a child load SQLite's native library from the shared {@link NativeLibraryCache} rather
     * than extract its own copy into the temp directory, which a killed child would leave behind; none (the child
     * extracts as usual) if the library cannot be cached.
     */
    private synchronized List<String> sqliteLibraryOptions() {
        if (sqliteLibrary == null) {
            try {
                Path library = NativeLibraryCache.extract(org.sqlite.SQLiteConnection.class, SQLITE_LIBRARY,
                        "libsqlitejdbc.so");
                sqliteLibrary = List.of("-Dorg.sqlite.lib.path=" + library.getParent(),
                        "-Dorg.sqlite.lib.name=" + library.getFileName());
            } catch (IOException e) {
                System.err.println("indexgate: children extract SQLite's library themselves: " + e.getMessage());
                sqliteLibrary = List.of();
            }
        }
        return sqliteLibrary;
    }

    /** sqlite-jdbc's native library for this platform, as its jar holds it. */
    private static final String SQLITE_LIBRARY = "/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so";

    public List<String> command(ChildSpec spec) {
        Path archive = classDataArchive();
        List<String> command = new ArrayList<>(List.of(javaExecutable,
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx512m",
                archive == null ? "-Xshare:auto" : "-XX:SharedArchiveFile=" + archive,
                "-D" + CHILD_PROPERTY + "=true",
                "-D" + Faults.STRIKE_AT_PROPERTY + "=" + spec.strikeAt(),
                "-D" + WorkloadMain.POWER_LOSS_PROPERTY + "=" + spec.powerLoss().cliName(),
                "-D" + WorkloadMain.POWER_LOSS_SCOPE_PROPERTY + "=" + spec.scope().cliName(),
                "-D" + WorkloadMain.ROLE_PROPERTY + "=" + spec.role().name(),
                "-D" + NativeLibraryCache.ROOT_PROPERTY + "=" + NativeLibraryCache.root(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        command.addAll(sqliteLibraryOptions());
        StoreUnderTest store = StoreUnderTest.current();
        command.addAll(store.childOptions());
        String crashStates = System.getProperty(WorkloadMain.CRASH_STATES_PROPERTY);
        if (crashStates != null) {
            command.add("-D" + WorkloadMain.CRASH_STATES_PROPERTY + "=" + crashStates);
        }
        if (spec.holdFile() != null) {
            command.add("-D" + WorkloadMain.HOLD_PROPERTY + "=" + spec.holdFile());
        }
        if (!spec.rules().isEmpty()) {
            StringBuilder agent = new StringBuilder("-javaagent:").append(bytemanJar);
            String separator = "=";
            for (Path rule : spec.rules()) {
                agent.append(separator).append("script:").append(rule);
                separator = ",";
            }
            command.add(agent.toString());
        }
        command.addAll(List.of("-cp", store.classPath(classPath), WorkloadMain.class.getName(),
                dataArgument(spec), spec.engine(), Long.toString(spec.seed()),
                Integer.toString(spec.cycle()), Integer.toString(spec.operations()), spec.mode().cliName()));
        return command;
    }

    /**
     * The data directory as the child is told it: for a preloaded child its real path, the one the library compares
     * every path with (it exists: the harness creates it first).
     */
    private static String dataArgument(ChildSpec spec) {
        if (spec.preloaded()) {
            try {
                return spec.dataDirectory().toRealPath().toString();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("the data directory of a preloaded child must exist", e);
            }
        }
        return spec.dataDirectory().toString();
    }

    /** The child's command line for its log, with the variables of the preloaded file-system library first. */
    public String commandLine(ChildSpec spec) throws IOException {
        StringBuilder line = new StringBuilder();
        environment(spec).forEach((name, value) -> line.append(name).append('=').append(value).append(' '));
        return line.append(String.join(" ", command(spec))).toString();
    }

    /** The environment a child gets on top of this JVM's: the preloaded file-system library's, if it is preloaded. */
    private java.util.Map<String, String> environment(ChildSpec spec) throws IOException {
        if (!spec.preloaded()) {
            return java.util.Map.of();
        }
        SyscallFault fault = spec.syscallFault();
        return FileSystemShim.environment(fileSystemLibrary(), spec.dataDirectory(), spec.journal(),
                fault == null ? null : fault.variable());
    }

    /** The preloaded file-system library, extracted and verified once per launcher (as SQLite's library is). */
    private synchronized Path fileSystemLibrary() throws IOException {
        if (fileSystemLibrary == null) {
            fileSystemLibrary = FileSystemShim.library();
        }
        return fileSystemLibrary;
    }

    /** Kills the child if it is still alive (SIGKILL) and forgets it. */
    public void reap(Process process) {
        if (process.isAlive()) {
            ChildProcesses.kill(process);
        } else {
            ChildProcesses.reaped(process);
        }
    }

    /**
     * Starts a child; its standard output goes to {@code output} (null: a pipe), its standard error to {@code log};
     * its standard input stays a pipe from this JVM, so that it halts when this JVM goes away. It is registered for
     * reaping.
     */
    public Process start(ChildSpec spec, Path log, Path output) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(spec));
        builder.environment().putAll(environment(spec));
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (output != null) {
            builder.redirectOutput(output.toFile());
        }
        Process process = builder.start();
        ChildProcesses.register(process);
        return process;
    }
}
