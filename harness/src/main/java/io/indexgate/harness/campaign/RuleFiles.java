package io.indexgate.harness.campaign;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.byteman.check.RuleCheck;
import org.jboss.byteman.check.RuleCheckResult;

/**
 * Checks Byteman rule text before any child loads it, with Byteman's own rule checker (parse, then type check against
 * the classes on this JVM's class path): a rule with a syntax error would otherwise load into no child and show only
 * as "the fault never struck", and a missing file as a child that failed at start. Thread-safe (no state).
 */
public final class RuleFiles {

    private RuleFiles() {
    }

    /** What is wrong with the rule file {@code file}: empty if it exists, reads, has a rule and checks clean. */
    public static List<String> problems(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of(file + ": no such file");
        }
        try {
            return problems(file.toString(), Files.readString(file));
        } catch (IOException e) {
            return List.of(file + ": cannot be read: " + e.getMessage());
        }
    }

    /** What is wrong with rule {@code text} (named {@code source} in the messages): empty if it checks clean. */
    public static List<String> problems(String source, String text) {
        if (!text.lines().anyMatch(line -> line.strip().startsWith("RULE "))) {
            return List.of(source + ": no RULE in it");
        }
        RuleCheck check = new RuleCheck();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        check.setPrintStream(new PrintStream(log, true, StandardCharsets.UTF_8));
        check.addRule(source, text);
        check.checkRules();
        RuleCheckResult result = check.getResult();
        List<String> problems = new ArrayList<>();
        result.getParseErrorMessages().forEach(message -> problems.add(source + ": " + message));
        result.getTypeErrorMessages().forEach(message -> problems.add(source + ": " + message));
        result.getErrorMessages().forEach(message -> problems.add(source + ": " + message));
        return problems;
    }
}
