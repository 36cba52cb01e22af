package io.indexgate.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A condition on a record's indexed properties. Comparisons ({@code eq, ne, gt, gte, lt, lte, in}) are false for a
 * record that lacks the property; {@link Not} is the exact complement of its operand; an empty {@link And} is true
 * and an empty {@link Or} false. Timestamps are compared as instants, whatever their offsets. Only properties indexed
 * in the collection's config may be filtered on, with values of their declared type (a long is accepted for a
 * double property).
 *
 * <p>Filters are compiled to SQL with every value bound as a parameter and every property name validated and taken
 * from the config, so nothing user-supplied is spliced into SQL.
 */
public sealed interface PropertyFilter {

    /** The comparison operators. */
    enum Operator {
        EQ("="), NE("<>"), GT(">"), GTE(">="), LT("<"), LTE("<=");

        private final String sql;

        Operator(String sql) {
            this.sql = sql;
        }
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

    /**
     * Compiles a filter to an SQL boolean expression over the records table, appending its parameters.
     *
     * @throws IllegalArgumentException if a property is not indexed or a value has the wrong type
     */
    static String toSql(PropertyFilter filter, Map<String, PropertyType> indexed, List<Object> parameters) {
        if (filter instanceof Comparison comparison) {
            PropertyType type = typeOf(comparison.property(), indexed);
            String column = RecordsTable.propertyColumn(comparison.property());
            parameters.add(type.toSql(type.normalize(comparison.value(),
                    "filter value for property '" + comparison.property() + "'")));
            return "(" + column + " IS NOT NULL AND " + column + " " + comparison.operator().sql + " ?)";
        } else if (filter instanceof In in) {
            PropertyType type = typeOf(in.property(), indexed);
            if (in.values().isEmpty()) {
                return "(0)";
            }
            StringBuilder sql = new StringBuilder("(").append(RecordsTable.propertyColumn(in.property()))
                    .append(" IN (");
            for (int i = 0; i < in.values().size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
                parameters.add(type.toSql(type.normalize(in.values().get(i),
                        "filter value for property '" + in.property() + "'")));
            }
            return sql.append("))").toString();
        } else if (filter instanceof And and) {
            return join(and.operands(), " AND ", "(1)", indexed, parameters);
        } else if (filter instanceof Or or) {
            return join(or.operands(), " OR ", "(0)", indexed, parameters);
        } else if (filter instanceof Not not) {
            return "(NOT " + toSql(not.operand(), indexed, parameters) + ")";
        }
        throw new IllegalArgumentException("unknown filter " + filter);
    }

    private static String join(List<PropertyFilter> operands, String operator, String empty,
                               Map<String, PropertyType> indexed, List<Object> parameters) {
        if (operands.isEmpty()) {
            return empty;
        }
        StringBuilder sql = new StringBuilder("(");
        for (int i = 0; i < operands.size(); i++) {
            sql.append(i == 0 ? "" : operator).append(toSql(operands.get(i), indexed, parameters));
        }
        return sql.append(")").toString();
    }

    private static PropertyType typeOf(String property, Map<String, PropertyType> indexed) {
        PropertyType type = indexed.get(property);
        if (type == null) {
            throw new IllegalArgumentException("cannot filter on property '" + property
                    + "': it is not indexed (indexed properties: " + indexed.keySet() + ")");
        }
        return type;
    }
}
