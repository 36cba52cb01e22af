package io.indexgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.harness.cli.IndexgateCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help a user can work from: every option described, examples and exit codes per command, help and completion. */
class CliHelpTest {

    private static String[] cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = IndexgateCli.execute(args);
            return new String[] {Integer.toString(exit), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void everyOptionOfEveryCommandIsDescribed() {
        CommandLine root = new CommandLine(new IndexgateCli());
        List<String> undescribed = new ArrayList<>();
        for (Map.Entry<String, CommandLine> command : root.getSubcommands().entrySet()) {
            for (CommandLine.Model.OptionSpec option : command.getValue().getCommandSpec().options()) {
                if (String.join("", option.description()).isBlank()) {
                    undescribed.add(command.getKey() + " " + option.longestName());
                }
            }
        }
        assertEquals(List.of(), undescribed);
    }

    @Test
    void eachCommandsHelpEndsWithExamplesAndExitCodes() {
        for (String command : List.of("run", "scenarios", "workload", "inspect", "check")) {
            String[] help = cli("help", command);
            assertEquals("0", help[0], command);
            assertTrue(help[1].contains("Examples:") && help[1].contains("indexgate " + command), command + ": "
                    + help[1]);
            assertTrue(help[1].contains("Exit codes:") || help[1].contains("Exit codes: 0"), command + ": " + help[1]);
        }
        assertTrue(cli("help", "run")[1].contains("Default: 40"), "run --ops shows its default");
    }

    @Test
    void bashCompletionIsGeneratedByPicocli() {
        String[] script = cli("generate-completion");
        assertEquals("0", script[0]);
        assertTrue(script[1].contains("complete -F") && script[1].contains("indexgate"), script[1]);
        assertTrue(script[1].contains("--power-loss") && script[1].contains("inspect"));
        assertFalse(script[1].isBlank());
    }
}
