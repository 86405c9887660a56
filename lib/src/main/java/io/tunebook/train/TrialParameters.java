package io.tunebook.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One point of a search: parameter values by name, read back with the type the trial needs. */
public final class TrialParameters {
    private final Map<String, Object> values;

    TrialParameters(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public double getDouble(String name) {
        return number(name).doubleValue();
    }

    public int getInt(String name) {
        Number n = number(name);
        if (n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("search parameter '" + name + "' is " + n + ", not a whole number");
        }
        return n.intValue();
    }

    public String getString(String name) {
        return String.valueOf(value(name));
    }

    private Number number(String name) {
        Object v = value(name);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException("search parameter '" + name + "' is '" + v + "', not a number");
        }
        return (Number) v;
    }

    private Object value(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no search parameter '" + name + "'; the space has " + values.keySet());
        }
        return v;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
