package io.tunebook.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * The command line's JSON writer: one shape for every subcommand's {@code --json} output. JSON has no
 * NaN or Infinity: a non-finite number (an undefined figure, such as a rate over no time) is left out
 * of its object, and written as {@code null} in an array, so every output parses with any JSON reader.
 */
final class Json {
    static final Gson GSON = builder().create();
    static final Gson PRETTY = builder().setPrettyPrinting().create();

    private Json() {
    }

    private static GsonBuilder builder() {
        TypeAdapter<Number> finiteOrNull = new TypeAdapter<>() {
            @Override
            public void write(JsonWriter out, Number value) throws IOException {
                if (value == null || !Double.isFinite(value.doubleValue())) {
                    out.nullValue();
                } else {
                    out.value(value);
                }
            }

            @Override
            public Number read(JsonReader in) {
                throw new UnsupportedOperationException("the command line only writes JSON");
            }
        };
        return new GsonBuilder().disableHtmlEscaping()
                .registerTypeAdapter(Double.class, finiteOrNull).registerTypeAdapter(double.class, finiteOrNull)
                .registerTypeAdapter(Float.class, finiteOrNull).registerTypeAdapter(float.class, finiteOrNull);
    }
}
