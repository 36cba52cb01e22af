package io.indexgate.harness.sut;

import io.indexgate.harness.workload.WorkloadMain;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which store a campaign gates: the reference (the default), a Java class on an extra class path
 * ({@code --sut}, {@code --sut-classpath}), or a command that speaks the JSON-lines protocol ({@code --sut-command}).
 * The choice is this JVM's (the CLI sets it once, from its options, before a campaign; the launcher hands it to every
 * child as system properties), as the crash-state limit is.
 *
 * @param className  the class of a Java store, or null
 * @param classPath  where that class and what it needs are, or null
 * @param command    the command line of a protocol store, or null
 * @param tracePackages the packages of a Java store whose file-system calls the crash-point tracer enumerates
 */
public record StoreUnderTest(String className, String classPath, String command, List<String> tracePackages) {

    private static final String CLASS_PATH_PROPERTY = "indexgate.sut.classpath";
    private static final String TRACE_PACKAGES_PROPERTY = "indexgate.sut.trace-packages";

    /** The reference store. */
    public static final StoreUnderTest REFERENCE = new StoreUnderTest(null, null, null, List.of());

    public StoreUnderTest {
        tracePackages = List.copyOf(tracePackages);
    }

    /** A store with no traced packages. */
    public StoreUnderTest(String className, String classPath, String command) {
        this(className, classPath, command, List.of());
    }

    /** The choice in force in this JVM. */
    public static StoreUnderTest current() {
        String packages = System.getProperty(TRACE_PACKAGES_PROPERTY, "");
        return new StoreUnderTest(System.getProperty(WorkloadMain.SUT_PROPERTY),
                System.getProperty(CLASS_PATH_PROPERTY), System.getProperty(WorkloadMain.SUT_COMMAND_PROPERTY),
                packages.isEmpty() ? List.of() : List.of(packages.split(",")));
    }

    /** Makes {@code choice} the one in force in this JVM. */
    public static void install(StoreUnderTest choice) {
        set(WorkloadMain.SUT_PROPERTY, choice.className());
        set(CLASS_PATH_PROPERTY, choice.classPath());
        set(WorkloadMain.SUT_COMMAND_PROPERTY, choice.command());
        set(TRACE_PACKAGES_PROPERTY, choice.tracePackages().isEmpty() ? null
                : String.join(",", choice.tracePackages()));
    }

    private static void set(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /** Whether this is the reference store. */
    public boolean isReference() {
        return className == null && command == null;
    }

    /** The options of {@code indexgate run} that choose this store (none for the reference). */
    public List<String> options() {
        List<String> options = new ArrayList<>();
        if (className != null) {
            options.addAll(List.of("--sut", className));
        }
        if (classPath != null) {
            options.addAll(List.of("--sut-classpath", classPath));
        }
        if (command != null) {
            options.addAll(List.of("--sut-command", command));
        }
        tracePackages.forEach(pkg -> options.addAll(List.of("--trace-package", pkg)));
        return options;
    }

    /** The system properties that make a child run this store. */
    public List<String> childOptions() {
        List<String> options = new ArrayList<>();
        if (className != null) {
            options.add("-D" + WorkloadMain.SUT_PROPERTY + "=" + className);
        }
        if (command != null) {
            options.add("-D" + WorkloadMain.SUT_COMMAND_PROPERTY + "=" + command);
        }
        return options;
    }

    /** A child's class path: {@code base}, then this store's extra class path (absolute). */
    public String classPath(String base) {
        if (classPath == null) {
            return base;
        }
        List<String> entries = new ArrayList<>(List.of(base));
        for (String entry : classPath.split(File.pathSeparator)) {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, entries);
    }
}
