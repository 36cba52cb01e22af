package io.indexgate.harness.process;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every child process the harness started and has not yet reaped. A shutdown hook kills whatever is left when the
 * parent exits or is interrupted (SIGINT, SIGTERM); a child also halts by itself when its standard input (a pipe
 * from the parent) closes, which covers a parent killed with SIGKILL. Thread-safe.
 */
public final class ChildProcesses {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "indexgate-reaper"));
    }

    private ChildProcesses() {
    }

    static void register(Process process) {
        LIVE.add(process);
    }

    /** Kills {@code process} and its descendants (SIGKILL) and waits for it. */
    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    static void reaped(Process process) {
        LIVE.remove(process);
    }

    /** How many children are alive now; zero after every run. */
    public static int live() {
        LIVE.removeIf(process -> !process.isAlive());
        return LIVE.size();
    }

    static void killAll() {
        for (Process process : Set.copyOf(LIVE)) {
            kill(process);
        }
    }
}
