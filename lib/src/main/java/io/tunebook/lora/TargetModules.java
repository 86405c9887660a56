package io.tunebook.lora;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The linear modules an adapter goes on, as PEFT's {@code target_modules}: names matched against
 * the end of a module path ({@code q_proj} matches {@code model.layers.3.self_attn.q_proj}), one
 * regular expression matched against the whole path, or every linear module but the output head.
 */
public sealed interface TargetModules {
    /** PEFT's shorthand for every linear module except {@code lm_head}. */
    String ALL_LINEAR = "all-linear";

    /** Module names, each matching a module path equal to it or ending with {@code "." + name}. */
    record Names(List<String> names) implements TargetModules {
        public Names {
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("targetModules needs at least one module name");
            }
            for (String n : names) {
                if (n.isBlank()) {
                    throw new IllegalArgumentException("targetModules contains a blank module name");
                }
            }
        }

        @Override
        public boolean matches(String path) {
            return names.stream().anyMatch(n -> path.equals(n) || path.endsWith("." + n));
        }
    }

    /** A regular expression that must match the whole module path (PEFT's string form). */
    record Regex(String pattern) implements TargetModules {
        public Regex {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("targetModules regex '" + pattern + "' is invalid: "
                        + e.getDescription(), e);
            }
        }

        @Override
        public boolean matches(String path) {
            return Pattern.compile(pattern).matcher(path).matches();
        }
    }

    /** Every linear module except the output head, PEFT's {@code "all-linear"}. */
    record AllLinear() implements TargetModules {
        @Override
        public boolean matches(String path) {
            return !path.equals("lm_head");
        }
    }

    /** Whether the module at {@code path} (Hugging Face naming) is targeted. */
    boolean matches(String path);

    static TargetModules names(String... names) {
        return new Names(List.of(names));
    }

    static TargetModules regex(String pattern) {
        return new Regex(pattern);
    }

    static TargetModules allLinear() {
        return new AllLinear();
    }
}
