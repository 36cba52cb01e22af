package io.indexgate.engine;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.indexgate.engine.usearch.USearchVectorSearchEngine;

/**
 * USearch tests run whenever the build made the native library, and fail (not skip) when it is missing, unless the
 * build was told {@code -Dusearch.skip=true}: a silently skipped engine would be an untested engine.
 */
public final class USearchAvailability {

    private USearchAvailability() {
    }

    public static void require() {
        boolean skipped = Boolean.parseBoolean(System.getProperty("usearch.skip", "false"));
        assumeTrue(!skipped, "built with -Dusearch.skip=true");
        if (!USearchVectorSearchEngine.isAvailable()) {
            fail("the USearch engine is unavailable: " + USearchVectorSearchEngine.unavailableReason());
        }
    }
}
