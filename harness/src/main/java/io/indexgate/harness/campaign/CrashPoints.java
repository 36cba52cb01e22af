package io.indexgate.harness.campaign;

import io.indexgate.harness.history.Event;
import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.harness.nemesis.Faults;
import io.indexgate.harness.sut.StoreUnderTest;
import io.indexgate.persist.AtomicIndexWriter;
import io.indexgate.testing.PersistenceMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Enumerates the crash points of a save, the way ALICE and CrashMonkey enumerate crash states instead of sampling
 * them. A tracing child runs the workload with a rule on every invocation of a file-system call
 * ({@value #CALLS_DESCRIPTION}) inside every method of every class of {@code io.indexgate.persist} (found by scanning
 * the class path, so a new step or class is traced without edits here), and on the SQLite commit of the save
 * ({@code PendingLog.commitSave}). The calls of one whole save, in order, are its crash points; each gets a halt
 * before and after it, and each write a torn write (half the chunk reaches the file, then the halt).
 *
 * <p>Expected verdicts follow from where a point lies: in {@link PersistenceMode#DIRECT} the target is torn from the
 * moment it is opened until its last write completes (invalid there); every other point, and every point of the other
 * modes, must be valid under a process crash.
 */
public final class CrashPoints {

    static final String CALLS_DESCRIPTION = "Files.createFile, FileChannel.open, FileChannel.write, FileChannel.force, "
            + "Files.move, Files.delete, Files.deleteIfExists";
    private static final List<String> CALLS = List.of("java.nio.file.Files.createFile",
            "java.nio.channels.FileChannel.open", "java.nio.channels.FileChannel.write",
            "java.nio.channels.FileChannel.force", "java.nio.file.Files.move", "java.nio.file.Files.delete",
            "java.nio.file.Files.deleteIfExists");
    private static final String PERSIST_PACKAGE = "io.indexgate.persist";
    private static final String COMMIT_CLASS = "io.indexgate.store.PendingLog";
    private static final String COMMIT_METHOD = "commitSave";
    private static final String COMMIT_CALL = "sqlite.commit";
    private static final String FAULTS = Faults.class.getName();
    /** The save that is traced (the second: the target exists, as for every save but the first). */
    private static final int TRACED_SAVE = 2;

    private CrashPoints() {
    }

    /**
     * One file-system call of a save.
     *
     * @param owner      the class whose method makes the call
     * @param method     the method
     * @param call       the call, for example {@code java.nio.channels.FileChannel.force}
     * @param occurrence the how-many-th call of {@code call} by {@code method} within the save, from 1
     */
    public record Point(String owner, String method, String call, int occurrence) {
        String label() {
            return call.substring(call.lastIndexOf('.', call.lastIndexOf('.') - 1) + 1) + "@"
                    + owner.substring(owner.lastIndexOf('.') + 1) + "." + method + "#" + occurrence;
        }

        boolean isWrite() {
            return call.endsWith("FileChannel.write");
        }

        boolean opensTarget() {
            return call.endsWith("FileChannel.open");
        }
    }

    /** Runs the tracing child for one engine and mode and returns the save's calls in order. */
    public static List<Point> trace(ChildLauncher launcher, String engine, PersistenceMode mode, Path directory)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path rules = Files.writeString(directory.resolve("trace.btm"), tracingRules());
        ChildLauncher.ChildSpec spec = ChildLauncher.ChildSpec.builder(directory.resolve("data"), engine, mode)
                .seed(1).operations(40).rules(List.of(rules)).build();
        Path log = directory.resolve("trace.log");
        Process process = launcher.start(spec, log, null);
        List<Point> points = new ArrayList<>();
        Map<String, Integer> occurrences = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                Event event = io.indexgate.harness.history.Histories.fromProtocolLine(line);
                if (event instanceof Event.Trace trace) {
                    String ownerAndMethod = trace.method();
                    int dot = ownerAndMethod.lastIndexOf('.');
                    String key = ownerAndMethod + "|" + trace.call();
                    int occurrence = occurrences.merge(key, 1, Integer::sum);
                    points.add(new Point(ownerAndMethod.substring(0, dot), ownerAndMethod.substring(dot + 1),
                            trace.call(), occurrence));
                }
            }
        } finally {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                launcher.reap(process);
                throw new IOException("the crash-point tracer did not finish; see " + log);
            }
            launcher.reap(process);
        }
        if (points.isEmpty() || points.stream().noneMatch(Point::isWrite)) {
            throw new IOException("the crash-point tracer saw no save writing a file (" + points + "); see " + log);
        }
        return points;
    }

    /** The tracing rules: every file-system call in every persist method during the traced save, and its commit. */
    static String tracingRules() throws IOException {
        StringBuilder rules = new StringBuilder(saveCounterRule());
        for (Method method : tracedMethods()) {
            for (String call : CALLS) {
                String owner = method.getDeclaringClass().getName();
                rules.append(rule("trace " + call + " in " + owner + "." + method.getName(), owner, method.getName(),
                        "AT INVOKE " + call + " ALL", "readCounter(\"saves\") == " + TRACED_SAVE,
                        FAULTS + ".trace(\"" + owner + "." + method.getName() + "\", \"" + call + "\")"));
            }
        }
        if (StoreUnderTest.current().isReference()) {
            rules.append(rule("trace the commit", COMMIT_CLASS, COMMIT_METHOD, "AT ENTRY",
                    "readCounter(\"saves\") == " + TRACED_SAVE,
                    FAULTS + ".trace(\"" + COMMIT_CLASS + "." + COMMIT_METHOD + "\", \"" + COMMIT_CALL + "\")"));
        }
        return rules.toString();
    }

    /**
     * The methods whose file-system calls are traced: of the reference's {@code io.indexgate.persist}, or of the
     * packages a Java store under test names ({@code --trace-package}), found on its class path.
     */
    static List<Method> tracedMethods() throws IOException {
        StoreUnderTest store = StoreUnderTest.current();
        if (store.isReference()) {
            return persistMethods();
        }
        List<java.net.URL> urls = new ArrayList<>();
        java.util.Set<Path> roots = new java.util.LinkedHashSet<>();
        for (String entry : store.classPath(System.getProperty("java.class.path")).split(java.io.File.pathSeparator)) {
            Path root = Path.of(entry).toAbsolutePath().normalize();
            if (roots.add(root)) {
                urls.add(root.toUri().toURL());
            }
        }
        ClassLoader loader = new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new),
                CrashPoints.class.getClassLoader());
        List<Method> methods = new ArrayList<>();
        for (String pkg : store.tracePackages()) {
            java.util.Set<String> found = new java.util.TreeSet<>();
            for (Path root : roots) {
                if (Files.exists(root)) {
                    found.addAll(classesIn(root, pkg));
                }
            }
            List<String> names = new ArrayList<>(found);
            if (names.isEmpty()) {
                throw new IOException("--trace-package " + pkg + ": no class of it on the store's class path");
            }
            methods.addAll(methodsOf(names, loader));
        }
        return methods;
    }

    /** Every method of every class of the persist package, found on the class path. */
    static List<Method> persistMethods() throws IOException {
        Path location;
        try {
            location = Path.of(AtomicIndexWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the persist classes", e);
        }
        return methodsOf(classesIn(location, PERSIST_PACKAGE), CrashPoints.class.getClassLoader());
    }

    /** Every declared method (one per name) of the named classes, interfaces and synthetic methods left out. */
    private static List<Method> methodsOf(List<String> classNames, ClassLoader loader) throws IOException {
        List<Method> methods = new ArrayList<>();
        for (String className : classNames) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IOException("cannot load " + className, e);
            }
            if (type.isInterface()) {
                continue;
            }
            TreeSet<String> seen = new TreeSet<>();
            for (Method method : type.getDeclaredMethods()) {
                if (!method.isSynthetic() && !Modifier.isAbstract(method.getModifiers())
                        && seen.add(method.getName())) {
                    methods.add(method);
                }
            }
        }
        return methods;
    }

    /** The classes of package {@code pkg} (not its subpackages) in a class-path directory or jar. */
    private static List<String> classesIn(Path location, String pkg) throws IOException {
        String prefix = pkg.replace('.', '/') + "/";
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            Path directory = location.resolve(prefix);
            if (!Files.isDirectory(directory)) {
                return names;
            }
            try (Stream<Path> files = Files.list(directory)) {
                files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".class"))
                        .forEach(name -> names.add(pkg + "." + name.substring(0, name.length() - 6)));
            }
        } else if (Files.isRegularFile(location)) {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(entry -> entry.getName())
                        .filter(name -> name.startsWith(prefix) && name.endsWith(".class")
                                && name.indexOf('/', prefix.length()) < 0)
                        .forEach(name -> names.add(name.substring(0, name.length() - 6).replace('/', '.')));
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * The rule that counts saves: the reference's index writes, or for a store under test the calls of its
     * {@code SystemUnderTest.save} (Byteman's {@code INTERFACE ^} reaches every implementation).
     */
    private static String saveCounterRule() {
        if (!StoreUnderTest.current().isReference()) {
            return "RULE count saves\nINTERFACE ^" + io.indexgate.harness.sut.SystemUnderTest.class.getName()
                    + "\nMETHOD save\nAT ENTRY\nIF true\nDO incrementCounter(\"saves\")\nENDRULE\n\n";
        }
        return rule("count saves", AtomicIndexWriter.class.getName(), "write", "AT ENTRY", "true",
                "incrementCounter(\"saves\")");
    }

    private static String rule(String name, String owner, String method, String location, String condition,
                               String action) {
        return "RULE " + name + "\nCLASS " + owner + "\nMETHOD " + method + "\n" + location + "\nIF " + condition
                + "\nDO " + action + "\nENDRULE\n\n";
    }

    /**
     * The scenarios of a traced save: a halt before and after every call, and a torn write for every write. Under a
     * simulated power loss (a cut from the second save on) every point of ATOMIC must be valid, and every point of a
     * weaker mode invalid: without the directory force the index's name never becomes durable, without the file
     * force its durable name points at bytes that never reached the disk, and DIRECT does neither. The exception is
     * {@link PersistenceMode#ATOMIC_FORCE_AFTER_RENAME}, whose file force comes after the rename: only a reordering
     * file system can persist the rename before the data, so it is valid everywhere under the pessimistic model and
     * invalid under {@link io.indexgate.harness.powerloss.PowerLossModel#REORDER} at the points from the rename to
     * that force.
     */
    public static List<Scenario> scenarios(String engine, PersistenceMode mode, List<Point> points,
                                           io.indexgate.harness.powerloss.PowerLossModel model) {
        boolean powerLoss = model.simulated();
        List<Scenario> scenarios = new ArrayList<>();
        int move = -1;
        int lateForce = -1;
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).call().endsWith("Files.move") && move < 0) {
                move = i;
            } else if (move >= 0 && lateForce < 0 && points.get(i).call().endsWith("FileChannel.force")) {
                lateForce = i;
            }
        }
        int firstTorn = -1;
        int lastWrite = -1;
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).opensTarget() && firstTorn < 0 && mode == PersistenceMode.DIRECT) {
                firstTorn = i;
            }
            if (points.get(i).isWrite()) {
                lastWrite = i;
            }
        }
        int number = 0;
        for (int i = 0; i < points.size(); i++) {
            Point point = points.get(i);
            // In DIRECT mode the target is torn after its open (which truncates it) until its last write completes.
            boolean tornBefore = firstTorn >= 0 && i > firstTorn && i <= lastWrite;
            boolean tornAfter = firstTorn >= 0 && i >= firstTorn && i < lastWrite;
            boolean lost = powerLoss && mode != PersistenceMode.ATOMIC
                    && mode != PersistenceMode.ATOMIC_FORCE_AFTER_RENAME;
            if (model == io.indexgate.harness.powerloss.PowerLossModel.REORDER
                    && mode == PersistenceMode.ATOMIC_FORCE_AFTER_RENAME) {
                // The rename is pending and the data unforced from just after the move to just before the force.
                scenarios.add(halt(engine, mode, ++number, "before", point, i > move && i <= lateForce, model));
                scenarios.add(halt(engine, mode, ++number, "after", point, i >= move && i < lateForce, model));
                if (point.isWrite() && tearable(point)) {
                    scenarios.add(halt(engine, mode, ++number, "torn", point, i > move && i < lateForce, model));
                }
                continue;
            }
            scenarios.add(halt(engine, mode, ++number, "before", point, powerLoss ? lost : tornBefore, model));
            scenarios.add(halt(engine, mode, ++number, "after", point, powerLoss ? lost : tornAfter, model));
            if (point.isWrite() && tearable(point)) {
                scenarios.add(halt(engine, mode, ++number, "torn", point, powerLoss ? lost : firstTorn >= 0,
                        model));
            }
        }
        return scenarios;
    }

    private static Scenario halt(String engine, PersistenceMode mode, int number, String when, Point point,
                                 boolean torn, io.indexgate.harness.powerloss.PowerLossModel model) {
        boolean powerLoss = model.simulated();
        String name = String.format("point-%s%s-%s-%02d-%s-%s", switch (model) {
            case NONE -> "";
            case PESSIMISTIC -> "powerloss-";
            case REORDER -> "reorder-";
        }, mode.cliName(), engine,
                number, when, point.label());
        String strike = "readCounter(\"saves\") == " + FAULTS + ".strikeAt() AND incrementCounter(\"" + name
                + "\") == " + point.occurrence();
        String location;
        String action = FAULTS + ".halt(\"" + name + "\")";
        if (point.call().equals(COMMIT_CALL)) {
            location = when.equals("before") ? "AT ENTRY" : "AT EXIT";
        } else if (when.equals("torn")) {
            location = "AT INVOKE " + point.call() + " ALL";
            action = tornWrite(point) + "; " + action;
        } else {
            location = (when.equals("before") ? "AT INVOKE " : "AFTER INVOKE ") + point.call() + " ALL";
        }
        String rule = saveCounterRule() + rule(name, point.owner(), point.method(), location, strike, action);
        Scenario.Builder scenario = Scenario.builder(name, Scenario.Kind.HALT)
                .description((powerLoss ? "power cut (" + model.cliName() + ") " : "halt ") + when + " "
                        + point.call() + " in " + point.owner() + "." + point.method() + " (occurrence "
                        + point.occurrence() + " in the save), " + engine + " engine, " + mode.cliName() + " mode")
                .strikes(point.label() + ", " + when).rule(rule);
        for (PersistenceMode other : PersistenceMode.values()) {
            scenario.expect(other, Expectation.UNREACHED);
        }
        return scenario.expect(mode, torn ? Expectation.INVALID : Expectation.VALID).build();
    }

    /** Whether a write can be torn by a rule: its method takes the FileChannel and the ByteBuffer it writes. */
    private static boolean tearable(Point point) {
        try {
            tornWrite(point);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Writes the first half of the chunk through the same channel: the method's FileChannel and ByteBuffer. */
    private static String tornWrite(Point point) {
        int channel = -1;
        int buffer = -1;
        try {
            for (Method method : tracedMethods()) {
                if (method.getDeclaringClass().getName().equals(point.owner())
                        && method.getName().equals(point.method())) {
                    Class<?>[] parameters = method.getParameterTypes();
                    for (int i = 0; i < parameters.length; i++) {
                        if (FileChannel.class.isAssignableFrom(parameters[i])) {
                            channel = i + 1;
                        } else if (java.nio.ByteBuffer.class.isAssignableFrom(parameters[i])) {
                            buffer = i + 1;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (channel < 0 || buffer < 0) {
            throw new IllegalStateException("a torn write needs the channel and the buffer as parameters of "
                    + point.owner() + "." + point.method());
        }
        return "$" + channel + ".write($" + buffer + ".duplicate().limit($" + buffer + ".position() + $" + buffer
                + ".remaining() / 2))";
    }
}
