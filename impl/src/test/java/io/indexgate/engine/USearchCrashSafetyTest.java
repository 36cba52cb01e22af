package io.indexgate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The USearch engine's safety in child JVMs, where a native crash or leak cannot hide: corrupt files are clean
 * {@code IndexLoadError}s, and create/save/load/close cycles leak no native memory (with a control that shows the
 * measurement sees native growth).
 */
class USearchCrashSafetyTest {

    private static final List<String> FIXED_HEAP = List.of("-Xms256m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:MaxDirectMemorySize=256m", "-XX:+AlwaysPreTouch");
    /**
     * Allowed difference in resident memory between a JVM that ran 10,000 cycles and one that ran 20,000: allocator
     * and JIT plateaus are about the same in both (measured: differences up to 18 MB between the two JVMs' baselines
     * on a busy 2-core machine, which failed a 16 MB bound once), while leaking a cycle's two small engines costs about
     * 148 KiB (measured), so 10,000 leaked cycles would add about 1.4 GB.
     */
    private static final long MAX_GROWTH_KIB = 48 * 1024;

    @BeforeAll
    static void requireTheNativeLibrary() {
        USearchAvailability.require();
    }

    @Test
    void everyCorruptionIsACleanIndexLoadErrorAndTheJvmSurvives() throws Exception {
        ForkedJvm.Result result = ForkedJvm.run(USearchCorruptionProbe.class, FIXED_HEAP);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("ALL CLEAN"), result.output());
        assertTrue(result.output().contains("forged envelope: 1 of 1 clean"), result.output());
    }

    @Test
    void tenThousandCreateSaveLoadCloseCyclesLeakNoNativeMemory() throws Exception {
        // The two probes run side by side (one per core); each JVM measures only itself.
        java.util.concurrent.CompletableFuture<ForkedJvm.Result> longerRun = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return ForkedJvm.run(USearchLeakProbe.class, FIXED_HEAP, "20000");
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
        ForkedJvm.Result shorter = ForkedJvm.run(USearchLeakProbe.class, FIXED_HEAP, "10000");
        ForkedJvm.Result longer = longerRun.join();
        assertEquals(0, shorter.exitCode(), shorter.output());
        assertEquals(0, longer.exitCode(), longer.output());
        long extra = value(longer.output(), "END_RSS_KIB ") - value(shorter.output(), "END_RSS_KIB ");
        assertTrue(extra < MAX_GROWTH_KIB, "10,000 more cycles cost " + extra + " KiB:\n" + shorter.output()
                + longer.output());

        ForkedJvm.Result control = ForkedJvm.run(USearchLeakProbe.class, FIXED_HEAP, "400", "hold");
        assertEquals(0, control.exitCode(), control.output());
        assertTrue(value(control.output(), "GROWTH_KIB ") > MAX_GROWTH_KIB,
                "holding 200 more engines (about 130 MB measured) must show as growth: " + control.output());
    }

    private static long value(String output, String prefix) {
        for (String line : output.split("\n")) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.substring(prefix.length()).trim());
            }
        }
        throw new AssertionError("no " + prefix + "line in: " + output);
    }
}
