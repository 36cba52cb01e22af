package io.indexgate.harness.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.indexgate.harness.history.Histories;
import io.indexgate.testing.PersistenceMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenarios known to this build: every {@value #INDEX} on the class path (a JSON array of descriptors, each
 * naming its rule file relative to the descriptor), in class-path order. A descriptor:
 * <pre>{"name": "halt-before-move", "description": "...", "kind": "halt",
 *  "strikes": "AtomicIndexWriter.moveIntoPlace, entry", "rule": "halt-before-move.btm",
 *  "expected": {"atomic": "valid", "direct": "unreached"}, "minCycles": 1}</pre>
 */
public final class ScenarioCatalog {

    /** The class-path resource that lists a module's scenarios. */
    public static final String INDEX = "indexgate-catalog/scenarios.json";

    private final Map<String, Scenario> scenarios;

    private ScenarioCatalog(Map<String, Scenario> scenarios) {
        this.scenarios = Collections.unmodifiableMap(scenarios);
    }

    /** The catalog of the current class path. */
    public static ScenarioCatalog load() throws IOException {
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        ClassLoader loader = ScenarioCatalog.class.getClassLoader();
        Enumeration<URL> indexes = loader.getResources(INDEX);
        while (indexes.hasMoreElements()) {
            URL index = indexes.nextElement();
            JsonNode descriptors;
            try (InputStream in = index.openStream()) {
                descriptors = Histories.json().readTree(in);
            }
            for (JsonNode descriptor : descriptors) {
                Scenario scenario = parse(descriptor, ruleFile -> read(new URL(index, ruleFile)), index.toString());
                if (scenarios.putIfAbsent(scenario.name(), scenario) != null) {
                    throw new IOException("scenario " + scenario.name() + " is defined twice (again in " + index + ")");
                }
            }
        }
        return new ScenarioCatalog(scenarios);
    }

    /** A user's rule file as a scenario of kind {@code custom}, expected valid in ATOMIC mode. */
    public static Scenario fromRuleFile(Path ruleFile) throws IOException {
        String name = ruleFile.getFileName().toString().replaceFirst("\\.btm$", "");
        return Scenario.builder(name, Scenario.Kind.CUSTOM).description("user rule " + ruleFile)
                .strikes(ruleFile.toString()).rule(Files.readString(ruleFile))
                .expect(PersistenceMode.ATOMIC, Expectation.VALID).build();
    }

    interface RuleReader {
        String read(String ruleFile) throws IOException;
    }

    static Scenario parse(JsonNode descriptor, RuleReader rules, String source) throws IOException {
        String name = text(descriptor, "name", source);
        Scenario.Builder scenario;
        try {
            scenario = Scenario.builder(name, Scenario.Kind.parse(text(descriptor, "kind", source)));
        } catch (IllegalArgumentException e) {
            throw new IOException("scenario " + name + " in " + source + ": " + e.getMessage(), e);
        }
        scenario.description(descriptor.path("description").asText(""))
                .strikes(descriptor.path("strikes").asText(""))
                .minCycles(descriptor.path("minCycles").asInt(1))
                .operations(descriptor.path("operations").asInt(0));
        if (descriptor.hasNonNull("rule")) {
            scenario.rule(rules.read(descriptor.get("rule").textValue()));
        }
        if (descriptor.hasNonNull("damage")) {
            scenario.damage(descriptor.get("damage").textValue());
        }
        JsonNode expectations = descriptor.path("expected");
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) expectations::fields) {
            scenario.expect(PersistenceMode.parse(field.getKey()),
                    Expectation.valueOf(field.getValue().textValue().toUpperCase(java.util.Locale.ROOT)));
        }
        try {
            return scenario.build();
        } catch (IllegalArgumentException e) {
            throw new IOException("in " + source + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode descriptor, String field, String source) throws IOException {
        if (!descriptor.hasNonNull(field)) {
            throw new IOException("a scenario descriptor in " + source + " has no '" + field + "': " + descriptor);
        }
        return descriptor.get(field).textValue();
    }

    private static String read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every scenario, in catalog order. */
    public List<Scenario> all() {
        return new ArrayList<>(scenarios.values());
    }

    /**
     * The named scenario.
     *
     * @throws IllegalArgumentException naming the known scenarios
     */
    public Scenario get(String name) {
        Scenario scenario = scenarios.get(name);
        if (scenario == null) {
            throw new IllegalArgumentException("unknown scenario '" + name + "'; known: "
                    + String.join(", ", scenarios.keySet()));
        }
        return scenario;
    }

    /**
     * Whether {@code scenario} applies to any store under test, not only the reference: random kills and churn act
     * on the process and the workload, and the crash points below the JVM on the file system; the others name the
     * reference's methods (Byteman rules) or files (the second opener's lock, the index file damaged at rest).
     */
    public static boolean anyStore(Scenario scenario) {
        return scenario.isKill() || scenario.isChurn() || scenario.isSyscall();
    }
}
