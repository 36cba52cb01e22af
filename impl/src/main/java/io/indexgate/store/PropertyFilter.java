package io.indexgate.store;

import java.util.List;
import java.util.Objects;

/**
 * A condition on a record's indexed properties. Comparisons ({@code eq, ne, gt, gte, lt, lte, in}) are false for a
 * record that lacks the property; {@link Not} is the exact complement of its operand; an empty {@link And} is true
 * and an empty {@link Or} false. Timestamps are compared as instants, whatever their offsets. Only properties indexed
 * in the collection's config may be filtered on, with values of their declared type (a long is accepted for a
 * double property).
 *
 * <p>A collection answers a filter from its in-memory index of the indexed properties, or, where that
 * index cannot answer exactly, from SQLite; both give the semantics above.
 * In SQL every value is bound as a parameter and every property name validated and taken from the config, so nothing
 * user-supplied is spliced into SQL.
 */
public sealed interface PropertyFilter {

    /** The comparison operators. */
    enum Operator {
        EQ, NE, GT, GTE, LT, LTE
    }

    /** {@code property <op> value}. */
    record Comparison(String property, Operator operator, Object value) implements PropertyFilter {
        public Comparison {
            Objects.requireNonNull(property, "property");
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(value, "value of filter on " + property);
        }
    }

    /** {@code property} equals one of {@code values}. */
    record In(String property, List<Object> values) implements PropertyFilter {
        public In {
            Objects.requireNonNull(property, "property");
            values = List.copyOf(values);
        }
    }

    /** All operands hold. */
    record And(List<PropertyFilter> operands) implements PropertyFilter {
        public And {
            operands = List.copyOf(operands);
        }
    }

    /** At least one operand holds. */
    record Or(List<PropertyFilter> operands) implements PropertyFilter {
        public Or {
            operands = List.copyOf(operands);
        }
    }

    /** The operand does not hold. */
    record Not(PropertyFilter operand) implements PropertyFilter {
        public Not {
            Objects.requireNonNull(operand, "operand");
        }
    }

    static PropertyFilter eq(String property, Object value) {
        return new Comparison(property, Operator.EQ, value);
    }

    static PropertyFilter ne(String property, Object value) {
        return new Comparison(property, Operator.NE, value);
    }

    static PropertyFilter gt(String property, Object value) {
        return new Comparison(property, Operator.GT, value);
    }

    static PropertyFilter gte(String property, Object value) {
        return new Comparison(property, Operator.GTE, value);
    }

    static PropertyFilter lt(String property, Object value) {
        return new Comparison(property, Operator.LT, value);
    }

    static PropertyFilter lte(String property, Object value) {
        return new Comparison(property, Operator.LTE, value);
    }

    static PropertyFilter in(String property, Object... values) {
        return new In(property, List.of(values));
    }

    static PropertyFilter and(PropertyFilter... operands) {
        return new And(List.of(operands));
    }

    static PropertyFilter or(PropertyFilter... operands) {
        return new Or(List.of(operands));
    }

    static PropertyFilter not(PropertyFilter operand) {
        return new Not(operand);
    }
}
