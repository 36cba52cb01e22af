package io.indexgate.persist;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A save failed at one step of the write protocol. Before {@link SaveStep#MOVE} completed, the previous target is
 * untouched and the temp file has been deleted (best effort; a temp that could not be deleted is cleared on the next
 * load). If {@link #step()} is {@link SaveStep#FORCE_DIRECTORY}, the new file is in place but its directory entry may
 * not be durable, so the save must not be committed.
 */
public class IndexSaveException extends IOException {

    private final transient Path target;
    private final SaveStep step;

    public IndexSaveException(Path target, SaveStep step, Throwable cause) {
        super("saving index " + target + " failed at step " + step.description() + ": " + cause, cause);
        this.target = target;
        this.step = step;
    }

    /** The index file that was being saved. */
    public Path target() {
        return target;
    }

    /** The step of the protocol that failed. */
    public SaveStep step() {
        return step;
    }
}
