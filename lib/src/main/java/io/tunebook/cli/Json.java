package io.tunebook.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The command line's JSON writer: one shape for every subcommand's {@code --json} output. */
final class Json {
    static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();
    static final Gson PRETTY = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping()
            .setPrettyPrinting().create();

    private Json() {
    }
}
