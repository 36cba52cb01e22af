package io.indexgate.store;

import java.util.regex.Pattern;

/**
 * The strict syntax of user-supplied names. They become file names and SQL column names, so they are checked here,
 * before they reach either.
 */
public final class Identifiers {

    /** Namespaces and collection names: letters, digits, '_' and '-', not starting with '-', 1 to 64 characters. */
    public static final Pattern COLLECTION_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,63}");
    /** Property names: a letter or '_', then letters, digits and '_', 1 to 64 characters. */
    public static final Pattern PROPERTY_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private Identifiers() {
    }

    /** @throws IllegalArgumentException naming {@code what}, the value and the rule */
    public static String requireCollectionName(String what, String value) {
        if (value == null || !COLLECTION_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + value + "': use 1 to 64 letters, digits, "
                    + "'_' or '-', not starting with '-'");
        }
        return value;
    }

    /** @throws IllegalArgumentException naming the value and the rule */
    public static String requirePropertyName(String value) {
        if (value == null || !PROPERTY_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid property name '" + value + "': use 1 to 64 letters, digits "
                    + "or '_', starting with a letter or '_'");
        }
        return value;
    }
}
