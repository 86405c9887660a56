package io.tunebook.data.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** jinja2's {@code items} filter ({@code for k, v in args | items}, Llama 3.1's tool calls): a dict's (key, value) pairs. */
final class ItemsFilter implements Filter {
    @Override
    public String getName() {
        return "items";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        if (var == null) {
            return List.of();
        }
        if (!(var instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("items filter expects a mapping, got " + var.getClass().getSimpleName());
        }
        return new ArrayList<>(map.entrySet());
    }
}
