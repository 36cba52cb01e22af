package io.indexgate.store;

import java.util.List;
import java.util.Map;

/**
 * What the leaves of a {@link PropertyFilter} mean, shared by its two evaluators ({@link PropertyIndex} in memory,
 * {@link #toSql} in SQLite), so that both reject the same filters with the same messages and compare the same values:
 * a leaf's value is normalized to the property's declared type and compared in that type's SQL form
 * ({@link PropertyType#toSql}). Stateless.
 */
final class PropertyFilters {

    private PropertyFilters() {
    }

    /**
     * The declared type of a filtered property.
     *
     * @throws IllegalArgumentException if the property is not indexed
     */
    static PropertyType typeOf(String property, Map<String, PropertyType> indexed) {
        PropertyType type = indexed.get(property);
        if (type == null) {
            throw new IllegalArgumentException("cannot filter on property '" + property
                    + "': it is not indexed (indexed properties: " + indexed.keySet() + ")");
        }
        return type;
    }

    /**
     * A leaf's value in the SQL form of the property's type.
     *
     * @throws IllegalArgumentException if the value is not of the property's type
     */
    static Object operand(PropertyType type, String property, Object value) {
        return type.toSql(type.normalize(value, "filter value for property '" + property + "'"));
    }

    /**
     * Compiles a filter to an SQL boolean expression over the records table, appending its parameters. Every leaf is
     * false, never NULL, for a record that lacks the property, so that {@code NOT} is the exact complement.
     *
     * @throws IllegalArgumentException if a property is not indexed or a value has the wrong type
     */
    static String toSql(PropertyFilter filter, Map<String, PropertyType> indexed, List<Object> parameters) {
        if (filter instanceof PropertyFilter.Comparison comparison) {
            PropertyType type = typeOf(comparison.property(), indexed);
            String column = RecordsTable.propertyColumn(comparison.property());
            parameters.add(operand(type, comparison.property(), comparison.value()));
            return "(" + column + " IS NOT NULL AND " + column + " " + sql(comparison.operator()) + " ?)";
        } else if (filter instanceof PropertyFilter.In in) {
            PropertyType type = typeOf(in.property(), indexed);
            if (in.values().isEmpty()) {
                return "(0)";
            }
            String column = RecordsTable.propertyColumn(in.property());
            StringBuilder sql = new StringBuilder("(").append(column).append(" IS NOT NULL AND ").append(column)
                    .append(" IN (");
            for (int i = 0; i < in.values().size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
                parameters.add(operand(type, in.property(), in.values().get(i)));
            }
            return sql.append("))").toString();
        } else if (filter instanceof PropertyFilter.And and) {
            return join(and.operands(), " AND ", "(1)", indexed, parameters);
        } else if (filter instanceof PropertyFilter.Or or) {
            return join(or.operands(), " OR ", "(0)", indexed, parameters);
        } else if (filter instanceof PropertyFilter.Not not) {
            return "(NOT " + toSql(not.operand(), indexed, parameters) + ")";
        }
        throw new IllegalArgumentException("unknown filter " + filter);
    }

    private static String sql(PropertyFilter.Operator operator) {
        return switch (operator) {
            case EQ -> "=";
            case NE -> "<>";
            case GT -> ">";
            case GTE -> ">=";
            case LT -> "<";
            case LTE -> "<=";
        };
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
}
