package io.tunebook.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Go's text/template that Ollama's chat templates use, written from the Go template
 * documentation to check tunebook's Modelfiles without Ollama: actions with {@code {{-} and
 * {@code -}}} trimming, {@code range} (with {@code $i, $m :=}), {@code if} / {@code else if} /
 * {@code else} / {@code end}, fields of the dot and of {@code $}, variables, string and number
 * literals, parentheses, and the functions {@code eq}, {@code ne}, {@code le}, {@code lt},
 * {@code and}, {@code or}, {@code not}, {@code len}. Truth is Go's: false, 0, "" and empty lists are false.
 */
final class GoTemplate {
    private static final Pattern ACTION = Pattern.compile("\\{\\{(-\\s)?(.*?)(\\s-)?\\}\\}", Pattern.DOTALL);

    private sealed interface Node permits Text, Print, If, Range {}

    private record Text(String text) implements Node {}

    private record Print(String expr) implements Node {}

    private record If(List<String> conditions, List<List<Node>> bodies, List<Node> otherwise) implements Node {}

    private record Range(String index, String element, String expr, List<Node> body) implements Node {}

    private final List<Node> root;
    private int pos;
    private final List<Object> tokens = new ArrayList<>(); // String text or String[] {action}

    GoTemplate(String source) {
        Matcher m = ACTION.matcher(source);
        int last = 0;
        List<String> texts = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        List<boolean[]> trims = new ArrayList<>();
        while (m.find()) {
            texts.add(source.substring(last, m.start()));
            actions.add(m.group(2).strip());
            trims.add(new boolean[] {m.group(1) != null, m.group(3) != null});
            last = m.end();
        }
        texts.add(source.substring(last));
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (i > 0 && trims.get(i - 1)[1]) {
                t = t.stripLeading();
            }
            if (i < actions.size() && trims.get(i)[0]) {
                t = t.stripTrailing();
            }
            tokens.add(t);
            if (i < actions.size()) {
                tokens.add(new String[] {actions.get(i)});
            }
        }
        root = parse(List.of());
    }

    private List<Node> parse(List<String> stops) {
        List<Node> out = new ArrayList<>();
        while (pos < tokens.size()) {
            Object t = tokens.get(pos);
            if (t instanceof String s) {
                pos++;
                if (!s.isEmpty()) {
                    out.add(new Text(s));
                }
                continue;
            }
            String a = ((String[]) t)[0];
            String word = a.split("\\s+")[0];
            if (stops.contains(word)) {
                return out;
            }
            pos++;
            if (word.equals("if")) {
                List<String> conditions = new ArrayList<>(List.of(a.substring(2).strip()));
                List<List<Node>> bodies = new ArrayList<>();
                List<Node> otherwise = List.of();
                while (true) {
                    bodies.add(parse(List.of("else", "end")));
                    String next = ((String[]) tokens.get(pos++))[0];
                    if (next.equals("end")) {
                        break;
                    }
                    if (next.startsWith("else if")) {
                        conditions.add(next.substring("else if".length()).strip());
                        continue;
                    }
                    otherwise = parse(List.of("end"));
                    pos++;
                    break;
                }
                out.add(new If(conditions, bodies, otherwise));
            } else if (word.equals("range")) {
                String spec = a.substring(5).strip();
                String index = null;
                String element = null;
                int decl = spec.indexOf(":=");
                if (decl >= 0) {
                    String[] vars = spec.substring(0, decl).split(",");
                    index = vars.length == 2 ? vars[0].strip() : null;
                    element = vars[vars.length - 1].strip();
                    spec = spec.substring(decl + 2).strip();
                }
                List<Node> body = parse(List.of("end"));
                pos++;
                out.add(new Range(index, element, spec, body));
            } else {
                out.add(new Print(a));
            }
        }
        if (!stops.isEmpty()) {
            throw new IllegalArgumentException("template ends before {{ end }}");
        }
        return out;
    }

    /** Renders with {@code data} as both the dot and {@code $}. */
    String render(Map<String, Object> data) {
        StringBuilder out = new StringBuilder();
        Map<String, Object> vars = new HashMap<>();
        vars.put("$", data);
        run(root, data, vars, out);
        return out.toString();
    }

    private void run(List<Node> nodes, Object dot, Map<String, Object> vars, StringBuilder out) {
        for (Node n : nodes) {
            if (n instanceof Text t) {
                out.append(t.text());
            } else if (n instanceof Print p) {
                Object v = eval(p.expr(), dot, vars);
                out.append(v == null ? "<no value>" : v);
            } else if (n instanceof If f) {
                boolean done = false;
                for (int i = 0; i < f.conditions().size() && !done; i++) {
                    if (truth(eval(f.conditions().get(i), dot, vars))) {
                        run(f.bodies().get(i), dot, vars, out);
                        done = true;
                    }
                }
                if (!done) {
                    run(f.otherwise(), dot, vars, out);
                }
            } else if (n instanceof Range r) {
                List<?> items = (List<?>) eval(r.expr(), dot, vars);
                for (int i = 0; i < items.size(); i++) {
                    Map<String, Object> scope = new HashMap<>(vars);
                    if (r.index() != null) {
                        scope.put(r.index(), i);
                    }
                    if (r.element() != null) {
                        scope.put(r.element(), items.get(i));
                    }
                    run(r.body(), items.get(i), scope, out);
                }
            }
        }
    }

    private Object eval(String expr, Object dot, Map<String, Object> vars) {
        List<String> words = words(expr);
        if (words.size() == 1) {
            return operand(words.get(0), dot, vars);
        }
        List<Object> args = new ArrayList<>();
        for (String w : words.subList(1, words.size())) {
            args.add(operand(w, dot, vars));
        }
        return switch (words.get(0)) {
            case "eq" -> args.get(0).equals(args.get(1));
            case "ne" -> !args.get(0).equals(args.get(1));
            case "le" -> ((Number) args.get(0)).doubleValue() <= ((Number) args.get(1)).doubleValue();
            case "lt" -> ((Number) args.get(0)).doubleValue() < ((Number) args.get(1)).doubleValue();
            case "and" -> args.stream().allMatch(GoTemplate::truth);
            case "or" -> args.stream().anyMatch(GoTemplate::truth);
            case "not" -> !truth(args.get(0));
            case "len" -> ((List<?>) args.get(0)).size();
            default -> throw new IllegalArgumentException("unknown function " + words.get(0));
        };
    }

    private Object operand(String w, Object dot, Map<String, Object> vars) {
        if (w.startsWith("(")) {
            return eval(w.substring(1, w.length() - 1), dot, vars);
        }
        if (w.startsWith("\"")) {
            return w.substring(1, w.length() - 1).replace("\\n", "\n").replace("\\\"", "\"");
        }
        if (w.matches("-?\\d+")) {
            return Integer.parseInt(w);
        }
        Object base;
        String path;
        if (w.startsWith("$")) {
            int dotAt = w.indexOf('.');
            String name = dotAt < 0 ? w : w.substring(0, dotAt);
            if (!vars.containsKey(name)) {
                throw new IllegalArgumentException("undefined variable " + name);
            }
            base = vars.get(name);
            path = dotAt < 0 ? "" : w.substring(dotAt);
        } else if (w.startsWith(".")) {
            base = dot;
            path = w;
        } else {
            throw new IllegalArgumentException("cannot read '" + w + "'");
        }
        for (String field : path.split("\\.")) {
            if (!field.isEmpty()) {
                base = base instanceof Map<?, ?> m ? m.get(field) : null;
            }
        }
        return base;
    }

    private static List<String> words(String expr) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(') {
                int depth = 0;
                int j = i;
                do {
                    depth += expr.charAt(j) == '(' ? 1 : expr.charAt(j) == ')' ? -1 : 0;
                    j++;
                } while (depth > 0);
                out.add(expr.substring(i, j));
                i = j;
            } else if (c == '"') {
                int j = i + 1;
                while (expr.charAt(j) != '"' || expr.charAt(j - 1) == '\\') {
                    j++;
                }
                out.add(expr.substring(i, j + 1));
                i = j + 1;
            } else {
                int j = i;
                while (j < expr.length() && !Character.isWhitespace(expr.charAt(j))) {
                    j++;
                }
                out.add(expr.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    private static boolean truth(Object v) {
        if (v == null || Boolean.FALSE.equals(v) || "".equals(v)) {
            return false;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        return !(v instanceof List<?> l) || !l.isEmpty();
    }
}
