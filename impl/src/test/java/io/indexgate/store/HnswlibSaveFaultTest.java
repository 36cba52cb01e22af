package io.indexgate.store;

import org.jboss.byteman.contrib.bmunit.BMUnitConfig;
import org.jboss.byteman.contrib.bmunit.WithByteman;

// @BMUnitConfig works around BMUnit 5's teardown of classes without one (byteman PR #107).
@WithByteman
@BMUnitConfig(verbose = false)
class HnswlibSaveFaultTest extends SaveFaultTest {

    @Override
    protected String engine() {
        return "hnswlib";
    }
}
