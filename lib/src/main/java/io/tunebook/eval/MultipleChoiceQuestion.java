package io.tunebook.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One multiple-choice item: a question, its choices and the index of the right one.
 *
 * @param category a free label to group results by (empty when the file gives none)
 */
public record MultipleChoiceQuestion(String question, List<String> choices, int answer, String category) {

    public MultipleChoiceQuestion {
        choices = List.copyOf(choices);
        if (choices.size() < 2) {
            throw new IllegalArgumentException("a question needs at least two choices, got " + choices.size());
        }
        if (answer < 0 || answer >= choices.size()) {
            throw new IllegalArgumentException("answer " + answer + " is not an index of the " + choices.size() + " choices");
        }
        if (choices.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("choices must not be empty");
        }
    }

    /**
     * Reads JSONL rows {@code {"question": str, "choices": [str, ...], "answer": int, "category": str?}};
     * errors name the file, the line and the field.
     */
    public static List<MultipleChoiceQuestion> read(Path jsonl) {
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jsonl + ": " + e.getMessage(), e);
        }
        List<MultipleChoiceQuestion> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = jsonl + ":" + (i + 1);
            JsonElement row;
            try {
                row = JsonMatch.parseStrict(lines.get(i));
            } catch (JsonParseException e) {
                throw new IllegalArgumentException(where + ": not valid JSON: " + e.getMessage(), e);
            }
            if (!row.isJsonObject()) {
                throw new IllegalArgumentException(where + ": expected a JSON object");
            }
            JsonObject o = row.getAsJsonObject();
            JsonElement choices = field(o, "choices", where);
            List<String> texts = new ArrayList<>();
            if (choices.isJsonArray()) {
                for (JsonElement c : choices.getAsJsonArray()) {
                    texts.add(isString(c) ? c.getAsString() : null);
                }
            }
            if (!choices.isJsonArray() || texts.contains(null)) {
                throw new IllegalArgumentException(where + ": field 'choices' must be an array of strings");
            }
            JsonElement answer = field(o, "answer", where);
            if (!answer.isJsonPrimitive() || !answer.getAsJsonPrimitive().isNumber()
                    || answer.getAsBigDecimal().stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException(where + ": field 'answer' must be an integer index into 'choices'");
            }
            JsonElement question = field(o, "question", where);
            JsonElement category = o.get("category");
            if (!isString(question) || (category != null && !isString(category))) {
                throw new IllegalArgumentException(where + ": fields 'question' and 'category' must be strings");
            }
            try {
                out.add(new MultipleChoiceQuestion(question.getAsString(), texts, answer.getAsInt(),
                        category == null ? "" : category.getAsString()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(jsonl + ": no question");
        }
        return out;
    }

    private static JsonElement field(JsonObject o, String name, String where) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException(where + ": field '" + name + "' is missing");
        }
        return e;
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }
}
