package io.indexgate.harness.process;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Finds the jar that holds the Byteman agent on this JVM's class path (the shaded CLI jar, or byteman.jar). */
final class BytemanAgent {

    private static final String AGENT_MAIN = "org.jboss.byteman.agent.Main";

    private BytemanAgent() {
    }

    static Path jar() {
        try {
            Class<?> agent = Class.forName(AGENT_MAIN, false, BytemanAgent.class.getClassLoader());
            return Path.of(agent.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("the Byteman agent (" + AGENT_MAIN + ") is not on the class path; "
                    + "fault scenarios need it", e);
        }
    }
}
