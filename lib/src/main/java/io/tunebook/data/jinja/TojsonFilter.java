package io.tunebook.data.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.util.List;
import java.util.Map;

/**
 * {@code tojson} as transformers defines it for chat templates: Python's {@code json.dumps} with
 * non-ASCII characters kept and no HTML escaping (jinja2's own {@code tojson} escapes {@code <>&'}),
 * accepting {@code indent}, {@code separators}, {@code sort_keys} and {@code ensure_ascii}.
 */
final class TojsonFilter implements AdvancedFilter {
    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object indent = kwargs.getOrDefault("indent", args.length > 1 ? args[1] : null);
        Object separators = kwargs.get("separators");
        String item = null;
        String key = null;
        if (separators instanceof List<?> pair && pair.size() == 2) {
            item = String.valueOf(pair.get(0));
            key = String.valueOf(pair.get(1));
        }
        boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
        return new PyJson(indent == null ? null : ((Number) indent).intValue(), item, key, sortKeys).dumps(var);
    }
}
