package io.indexgate.harness.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.persist.FaultPoint;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every method a fault rule names is a {@link FaultPoint}: the catalog's rules, the negative controls' rules and the
 * rules the crash-point tracer writes by hand (the save counter and the commit). A rename of such a method without its
 * rules fails here, at build time, instead of as "never struck" in a campaign.
 */
class FaultPointsTest {

    private static final Pattern CLASS = Pattern.compile("(?m)^CLASS\\s+(\\S+)\\s*$");
    private static final Pattern METHOD = Pattern.compile("(?m)^METHOD\\s+([\\w<>$]+)");
    private static final Pattern CALLER = Pattern.compile("callerEquals\\(\"([\\w.$]+)\"");
    /** The classes whose methods rules may name by a bare caller name. */
    private static final List<String> STORE_CLASSES = List.of("io.indexgate.persist.AtomicIndexWriter",
            "io.indexgate.persist.IndexFileReader", "io.indexgate.persist.IndexEnvelope",
            "io.indexgate.persist.StaleTemps", "io.indexgate.store.SQLiteVectorStore",
            "io.indexgate.store.VectorCollection", "io.indexgate.store.DataDirectoryLock",
            "io.indexgate.store.PendingLog", "io.indexgate.store.Replay", "io.indexgate.store.RecordsTable",
            "io.indexgate.store.Database");

    /** What is wrong with the methods {@code rules} name: empty if every one is a fault point. */
    static List<String> problems(String source, String rules) {
        List<String> problems = new ArrayList<>();
        for (String rule : rules.split("(?m)^ENDRULE\\s*$")) {
            Matcher owner = CLASS.matcher(rule);
            Matcher method = METHOD.matcher(rule);
            if (owner.find() && method.find() && owner.group(1).startsWith("io.indexgate.")) {
                check(source, owner.group(1), method.group(1), problems);
            }
            Matcher caller = CALLER.matcher(rule);
            while (caller.find()) {
                String name = caller.group(1);
                String method1 = name.substring(name.lastIndexOf('.') + 1);
                boolean found = classes().anyMatch(type -> (!name.contains(".")
                        || name.startsWith(type.getSimpleName() + ".")) && annotated(type, method1));
                if (!found) {
                    problems.add(source + ": the caller " + name + " is not a @FaultPoint of the store");
                }
            }
        }
        return problems;
    }

    private static void check(String source, String owner, String method, List<String> problems) {
        Class<?> type;
        try {
            type = Class.forName(owner);
        } catch (ClassNotFoundException e) {
            problems.add(source + ": no class " + owner);
            return;
        }
        if (!annotated(type, method)) {
            problems.add(source + ": " + owner + "." + method + " is not a @FaultPoint (or does not exist)");
        }
    }

    private static boolean annotated(Class<?> type, String method) {
        Stream<Executable> candidates = method.equals("<init>") ? Arrays.stream(type.getDeclaredConstructors())
                : Arrays.stream(type.getDeclaredMethods()).filter(candidate -> candidate.getName().equals(method))
                .map(Executable.class::cast);
        return candidates.anyMatch(candidate -> candidate.isAnnotationPresent(FaultPoint.class));
    }

    private static Stream<Class<?>> classes() {
        return STORE_CLASSES.stream().flatMap(name -> {
            try {
                return Stream.of(Class.forName(name));
            } catch (ClassNotFoundException e) {
                return Stream.empty();
            }
        });
    }

    @Test
    void everyCatalogRuleNamesAFaultPoint() throws IOException {
        List<String> problems = new ArrayList<>();
        int rules = 0;
        for (Scenario scenario : ScenarioCatalog.load().all()) {
            if (scenario.rule() != null) {
                rules++;
                problems.addAll(problems(scenario.name(), scenario.rule()));
            }
        }
        assertTrue(rules >= 10, "catalog rules checked: " + rules);
        assertEquals(List.of(), problems);
    }

    @Test
    void everyNegativeControlRuleNamesAFaultPoint() throws IOException, URISyntaxException {
        Path directory = Path.of(getClass().getResource("/rules").toURI());
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> listing = Files.walk(directory)) {
            files = listing.filter(file -> file.toString().endsWith(".btm")).toList();
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            problems.addAll(problems(file.getFileName().toString(), Files.readString(file)));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theTracersHandWrittenRulesNameFaultPoints() throws IOException {
        // The generated rules trace every method of the persist package, found by scanning; the others are named.
        String named = Arrays.stream(CrashPoints.tracingRules().split("(?m)^ENDRULE\\s*$"))
                .filter(rule -> !rule.strip().startsWith("RULE trace java."))
                .collect(Collectors.joining("ENDRULE\n"));
        assertTrue(named.contains("commitSave") || named.contains("METHOD"), named);
        assertEquals(List.of(), problems("tracer", named));
    }

    @Test
    void aRuleNamingAMethodThatIsNoFaultPointIsReported() {
        assertEquals(1, problems("test", "RULE r\nCLASS io.indexgate.persist.AtomicIndexWriter\nMETHOD renamedAway\n"
                + "AT ENTRY\nIF true\nDO throw new java.io.IOException()\nENDRULE\n").size());
        assertEquals(2, problems("test", "RULE r\nCLASS io.indexgate.persist.AtomicIndexWriter\nMETHOD parentOf\n"
                + "AT ENTRY\nIF callerEquals(\"noSuchCaller\")\nDO return null\nENDRULE\n").size(),
                "parentOf is not a fault point, and no fault point is called noSuchCaller");
        assertEquals(List.of(), problems("test", "RULE r\nCLASS io.indexgate.persist.AtomicIndexWriter\n"
                + "METHOD deleteTemp\nAT ENTRY\nIF true\nDO return\nENDRULE\n"));
    }
}
