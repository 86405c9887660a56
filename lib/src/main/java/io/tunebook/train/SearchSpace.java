package io.tunebook.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The hyperparameters a search varies, by name (e.g. {@code learning_rate}, {@code lora_r},
 * {@code per_device_train_batch_size}): lists of choices, which a grid search crosses, and
 * continuous ranges, which only a random search can sample.
 */
public final class SearchSpace {
    private final Map<String, Dimension> dimensions;

    private SearchSpace(Map<String, Dimension> dimensions) {
        this.dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> names() {
        return List.copyOf(dimensions.keySet());
    }

    /** Every combination of the choices, first dimension slowest, as {@code itertools.product}. */
    List<Map<String, Object>> grid() {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, Dimension> d : dimensions.entrySet()) {
            if (d.getValue().choices == null) {
                throw new IllegalArgumentException("a grid search needs choices for every parameter; '" + d.getKey()
                        + "' is a range: give a list of values or use a random search");
            }
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : out) {
                for (Object v : d.getValue().choices) {
                    Map<String, Object> p = new LinkedHashMap<>(partial);
                    p.put(d.getKey(), v);
                    next.add(p);
                }
            }
            out = next;
        }
        return out;
    }

    /** {@code trials} independent draws, reproducible from the seed. */
    List<Map<String, Object>> sample(int trials, long seed) {
        Random random = new Random(seed);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            Map<String, Object> p = new LinkedHashMap<>();
            dimensions.forEach((name, d) -> p.put(name, d.draw(random)));
            out.add(p);
        }
        return out;
    }

    /** Either a list of choices or a range [low, high], uniform or log-uniform. */
    private static final class Dimension {
        final List<Object> choices;
        final double low;
        final double high;
        final boolean log;

        Dimension(List<Object> choices, double low, double high, boolean log) {
            this.choices = choices;
            this.low = low;
            this.high = high;
            this.log = log;
        }

        Object draw(Random random) {
            if (choices != null) {
                return choices.get(random.nextInt(choices.size()));
            }
            double u = random.nextDouble();
            return log ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
        }
    }

    public static final class Builder {
        private final Map<String, Dimension> dimensions = new LinkedHashMap<>();

        public Builder choice(String name, Object... values) {
            if (values.length == 0) {
                throw new IllegalArgumentException("parameter '" + name + "' needs at least one value");
            }
            return add(name, new Dimension(List.of(values), 0, 0, false));
        }

        public Builder uniform(String name, double low, double high) {
            checkRange(name, low, high);
            return add(name, new Dimension(null, low, high, false));
        }

        /** A range sampled evenly in log space, as learning rates are. */
        public Builder logUniform(String name, double low, double high) {
            checkRange(name, low, high);
            if (low <= 0) {
                throw new IllegalArgumentException("parameter '" + name + "': a log-uniform range needs low > 0");
            }
            return add(name, new Dimension(null, low, high, true));
        }

        private Builder add(String name, Dimension d) {
            if (dimensions.putIfAbsent(name, d) != null) {
                throw new IllegalArgumentException("parameter '" + name + "' is given twice");
            }
            return this;
        }

        private static void checkRange(String name, double low, double high) {
            if (!(low < high)) {
                throw new IllegalArgumentException("parameter '" + name + "': low must be below high, got ["
                        + low + ", " + high + "]");
            }
        }

        public SearchSpace build() {
            if (dimensions.isEmpty()) {
                throw new IllegalArgumentException("a search space needs at least one parameter");
            }
            return new SearchSpace(dimensions);
        }
    }
}
