package io.indexgate.harness.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byteman's checker accepts every rule the project ships and names what is wrong with a broken one. */
class RuleFilesTest {

    @TempDir
    Path directory;

    @Test
    void everyCatalogRuleChecksClean() throws Exception {
        for (Scenario scenario : ScenarioCatalog.load().all()) {
            if (scenario.rule() != null) {
                assertEquals(List.of(), RuleFiles.problems(scenario.name(), scenario.rule()));
            }
        }
    }

    @Test
    void everyNegativeControlRuleChecksClean() throws Exception {
        Path rules = Path.of(getClass().getResource("/rules").toURI());
        try (var files = Files.walk(rules)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".btm")).toList()) {
                assertEquals(List.of(), RuleFiles.problems(file));
            }
        }
    }

    @Test
    void aSyntaxErrorAMissingFileAndAnEmptyFileAreNamed() throws Exception {
        Path broken = Files.writeString(directory.resolve("broken.btm"), String.join("\n",
                "RULE broken", "CLASS io.indexgate.persist.AtomicIndexWriter", "METHOD moveIntoPlace", "AT ENTRY",
                "IF true", "DO throw new java.io.IOException(\"unclosed", "ENDRULE", ""));
        List<String> problems = RuleFiles.problems(broken);
        assertFalse(problems.isEmpty());
        assertTrue(problems.get(0).startsWith(broken.toString()), problems.toString());

        assertEquals(List.of(directory.resolve("nothing.btm") + ": no such file"),
                RuleFiles.problems(directory.resolve("nothing.btm")));
        Path empty = Files.writeString(directory.resolve("empty.btm"), "# nothing\n");
        assertEquals(List.of(empty + ": no RULE in it"), RuleFiles.problems(empty));
    }
}
