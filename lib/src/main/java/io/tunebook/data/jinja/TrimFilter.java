package io.tunebook.data.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

/**
 * jinja2's {@code trim}: Python's {@code str.strip()}, which removes Unicode spaces (a French
 * non-breaking space included) but, unlike Java's {@code trim}, no other control characters.
 */
final class TrimFilter implements Filter {
    @Override
    public String getName() {
        return "trim";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        if (var == null) {
            return null;
        }
        return PyStrings.strip(var.toString(), args.length > 0 ? args[0] : null, true, true);
    }
}
