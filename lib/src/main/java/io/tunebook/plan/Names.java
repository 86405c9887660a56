package io.tunebook.plan;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Looking an enum constant up by its user-facing name, with an error that lists the choices. */
final class Names {
    private Names() {
    }

    static <E extends Enum<E>> E parse(E[] values, Function<E, String> name, String what, String given) {
        return Arrays.stream(values).filter(v -> name.apply(v).equalsIgnoreCase(given)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown " + what + " '" + given + "'; expected one of "
                        + Arrays.stream(values).map(name).collect(Collectors.joining(", "))));
    }
}
