package io.indexgate.store;

import org.jboss.byteman.contrib.bmunit.BMUnitConfig;
import org.jboss.byteman.contrib.bmunit.WithByteman;
import io.indexgate.engine.USearchAvailability;
import org.junit.jupiter.api.BeforeAll;

// @BMUnitConfig works around BMUnit 5's teardown of classes without one (byteman PR #107).
@WithByteman
@BMUnitConfig(verbose = false)
class USearchSaveFaultTest extends SaveFaultTest {

    @BeforeAll
    static void requireTheNativeLibrary() {
        USearchAvailability.require();
    }

    @Override
    protected String engine() {
        return "usearch";
    }
}
