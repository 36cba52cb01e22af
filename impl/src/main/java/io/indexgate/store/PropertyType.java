package io.indexgate.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The type of a property value. Java values accepted: {@link String}; {@link Long} (and {@link Integer},
 * {@link Short}, {@link Byte}); {@link Double} (and {@link Float}, and integral numbers for a DOUBLE property),
 * finite; {@link Boolean}; {@link OffsetDateTime} (and {@link ZonedDateTime} and {@link Instant}, taken as UTC).
 * Values come back as String, Long, Double, Boolean and OffsetDateTime.
 */
public enum PropertyType {
    STRING("string", "TEXT"),
    LONG("long", "INTEGER"),
    DOUBLE("double", "REAL"),
    BOOLEAN("boolean", "INTEGER"),
    /** Compared as instants, whatever their offsets; indexed with microsecond precision. */
    TIMESTAMP("timestamp", "INTEGER");

    private final String id;
    private final String sqlType;

    PropertyType(String id, String sqlType) {
        this.id = id;
        this.sqlType = sqlType;
    }

    /** The type's name in configurations: string, long, double, boolean, timestamp. */
    public String id() {
        return id;
    }

    String sqlType() {
        return sqlType;
    }

    /** @throws IllegalArgumentException naming the valid types */
    public static PropertyType fromId(String id) {
        for (PropertyType type : values()) {
            if (type.id.equals(id.toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown property type '" + id
                + "'; expected string, long, double, boolean or timestamp");
    }

    /** The type of a Java value, after normalisation; null if the value is of no accepted type. */
    static PropertyType of(Object value) {
        if (value instanceof String) {
            return STRING;
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
            return LONG;
        } else if (value instanceof Double || value instanceof Float) {
            return DOUBLE;
        } else if (value instanceof Boolean) {
            return BOOLEAN;
        } else if (value instanceof OffsetDateTime || value instanceof ZonedDateTime || value instanceof Instant) {
            return TIMESTAMP;
        }
        return null;
    }

    /**
     * The canonical value of this type for {@code value}.
     *
     * @param what names the value in the message
     * @throws IllegalArgumentException if the value is null, of another type, or a non-finite double
     */
    Object normalize(Object value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is null; leave the property out instead");
        }
        PropertyType actual = of(value);
        boolean widening = this == DOUBLE && actual == LONG;
        if (actual != this && !widening) {
            throw new IllegalArgumentException(what + " must be a " + id + ", got "
                    + value.getClass().getSimpleName() + " " + value);
        }
        return switch (this) {
            case STRING, BOOLEAN -> value;
            case LONG -> ((Number) value).longValue();
            case DOUBLE -> {
                double number = ((Number) value).doubleValue();
                if (!Double.isFinite(number)) {
                    throw new IllegalArgumentException(what + " must be finite, got " + number);
                }
                yield number;
            }
            case TIMESTAMP -> {
                if (value instanceof Instant instant) {
                    yield instant.atOffset(ZoneOffset.UTC);
                } else if (value instanceof ZonedDateTime zoned) {
                    yield zoned.toOffsetDateTime();
                }
                yield value;
            }
        };
    }

    /** The value as stored in this type's SQL column (normalised value in). */
    Object toSql(Object normalized) {
        return switch (this) {
            case STRING, LONG, DOUBLE -> normalized;
            case BOOLEAN -> ((Boolean) normalized) ? 1L : 0L;
            case TIMESTAMP -> {
                Instant instant = ((OffsetDateTime) normalized).toInstant();
                yield ChronoUnit.MICROS.between(Instant.EPOCH, instant);
            }
        };
    }
}
