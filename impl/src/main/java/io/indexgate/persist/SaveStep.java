package io.indexgate.persist;

/** The steps of an index save, in order; named in {@link IndexSaveException} and by the crash-point catalog. */
public enum SaveStep {
    CREATE_TEMP("create the temp file"),
    WRITE("write the envelope"),
    FORCE_FILE("force the file"),
    MOVE("atomically move the temp over the target"),
    FORCE_DIRECTORY("force the directory"),
    DELETE_TEMP("delete the temp file");

    private final String description;

    SaveStep(String description) {
        this.description = description;
    }

    /** A short human description, used in error messages. */
    public String description() {
        return description;
    }
}
