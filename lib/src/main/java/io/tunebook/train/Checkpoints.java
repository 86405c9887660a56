package io.tunebook.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.tunebook.model.Tensors;
import io.tunebook.io.AtomicDirectory;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.model.safetensors.SafetensorsFile;
import io.tunebook.model.safetensors.SafetensorsWriter;
import io.tunebook.model.safetensors.TensorEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code checkpoint-STEP} directories of a run, as the Hugging Face Trainer lays them out:
 * the trained artifact ({@code adapter/} or {@code model/}), {@code trainable.safetensors} (the
 * trained arrays in float32, bit-exact, for resuming), {@code optimizer.safetensors} (AdamW's
 * moments and step) and {@code trainer_state.json} (step, epoch, data position, best validation
 * loss). Each is written atomically; the learning rate needs no state of its own (it is a function
 * of the step), and neither does randomness (each step reseeds from the run seed and the step).
 */
public final class Checkpoints {
    static final String TRAINABLE = "trainable.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer_state.json";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private final Path runDir;
    private final int saveTotalLimit;

    Checkpoints(Path runDir, int saveTotalLimit) {
        this.runDir = runDir;
        this.saveTotalLimit = saveTotalLimit;
    }

    /**
     * Writes {@code checkpoint-STEP} atomically, then deletes the oldest beyond the limit. Neither the
     * new one nor {@code keepStep} (the best so far) is deleted, so with a limit of 1 and a best
     * checkpoint two are kept, as in transformers.
     */
    Path save(TrainerState state, TrainableModel model, AdamW optimizer, int keepStep) {
        Path dir = runDir.resolve("checkpoint-" + state.globalStep());
        try {
            AtomicDirectory.write(dir, staging -> {
                SafetensorsWriter params = new SafetensorsWriter().metadata("format", "pt");
                for (Map.Entry<String, NDArray> e : model.trainableParameters().entrySet()) {
                    params.add(e.getKey(), e.getValue().getShape().getShape(), e.getValue().toFloatArray(), Dtype.F32);
                }
                params.write(staging.resolve(TRAINABLE));
                SafetensorsWriter moments = new SafetensorsWriter();
                optimizer.writeState(moments);
                moments.write(staging.resolve(OPTIMIZER));
                Files.writeString(staging.resolve(STATE), GSON.toJson(toJson(state)));
                model.saveTrained(staging.resolve(model.artifactName()));
            });
            rotate(state.globalStep(), keepStep);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private void rotate(int newest, int keepStep) throws IOException {
        if (saveTotalLimit == 0) {
            return;
        }
        List<Integer> steps = steps(runDir);
        int excess = steps.size() - saveTotalLimit;
        for (int step : steps) {
            if (excess <= 0) {
                break;
            }
            if (step != keepStep && step != newest) {
                AtomicDirectory.deleteRecursively(runDir.resolve("checkpoint-" + step));
                excess--;
            }
        }
    }

    /** Steps of the complete checkpoints in a run directory, oldest first. */
    static List<Integer> steps(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(runDir)) {
            return children.map(p -> NAME.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1)))
                    .filter(step -> Files.exists(runDir.resolve("checkpoint-" + step).resolve(STATE)))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** The newest checkpoint of a run, if any. */
    public static OptionalInt latestStep(Path runDir) {
        try {
            List<Integer> steps = steps(runDir);
            return steps.isEmpty() ? OptionalInt.empty() : OptionalInt.of(steps.get(steps.size() - 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The state as JSON: every field by its name; {@code bestEvalLoss} is null before the first evaluation. */
    static JsonObject toJson(TrainerState state) {
        JsonObject o = new JsonObject();
        o.addProperty("globalStep", state.globalStep());
        o.addProperty("totalSteps", state.totalSteps());
        o.addProperty("epoch", state.epoch());
        o.addProperty("batchInEpoch", state.batchInEpoch());
        o.add("bestEvalLoss", Double.isFinite(state.bestEvalLoss()) ? new JsonPrimitive(state.bestEvalLoss())
                : JsonNull.INSTANCE);
        o.addProperty("bestStep", state.bestStep());
        o.addProperty("evalsWithoutImprovement", state.evalsWithoutImprovement());
        o.addProperty("seed", state.seed());
        return o;
    }

    /**
     * Reads and checks a checkpoint's {@code trainer_state.json}: every field present, of its type and in
     * its range, and consistent with the others; anything else is refused in one line naming the field.
     */
    static TrainerState readState(Path checkpoint) {
        Path file = checkpoint.resolve(STATE);
        String where = "cannot resume from " + checkpoint + ": " + file.getFileName() + ": ";
        JsonObject o;
        try {
            JsonElement tree = JsonParser.parseString(Files.readString(file));
            if (!tree.isJsonObject()) {
                throw new IllegalArgumentException(where + "not a trainer state (a JSON object)");
            }
            o = tree.getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + checkpoint + ": cannot read " + file, e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + "not valid JSON: " + firstLine(e.getMessage()), e);
        }
        int total = (int) integer(o, "totalSteps", 1, Integer.MAX_VALUE, where);
        int step = (int) integer(o, "globalStep", 0, total, where);
        int epoch = (int) integer(o, "epoch", 0, Integer.MAX_VALUE, where);
        int batch = (int) integer(o, "batchInEpoch", 0, Integer.MAX_VALUE, where);
        int bestStep = (int) integer(o, "bestStep", -1, step, where);
        int patience = (int) integer(o, "evalsWithoutImprovement", 0, step, where);
        long seed = integer(o, "seed", Long.MIN_VALUE, Long.MAX_VALUE, where);
        if (bestStep == 0) {
            throw new IllegalArgumentException(where + "bestStep is 0: -1 before the first evaluation, else a step >= 1");
        }
        if (!o.has("bestEvalLoss")) {
            throw new IllegalArgumentException(where + "missing field bestEvalLoss");
        }
        JsonElement best = o.get("bestEvalLoss");
        double bestLoss;
        if (best.isJsonNull() || best.isJsonPrimitive() && best.getAsJsonPrimitive().isNumber()
                && Double.isNaN(best.getAsDouble())) {
            bestLoss = Double.NaN;
        } else if (best.isJsonPrimitive() && best.getAsJsonPrimitive().isNumber()
                && Double.isFinite(best.getAsDouble())) {
            bestLoss = best.getAsDouble();
        } else {
            throw new IllegalArgumentException(where + "bestEvalLoss must be a finite number or null, got " + best);
        }
        if ((bestStep == -1) != Double.isNaN(bestLoss)) {
            throw new IllegalArgumentException(where + "bestEvalLoss " + best + " does not go with bestStep " + bestStep
                    + " (null before the first evaluation, a number after)");
        }
        return new TrainerState(step, total, epoch, batch, bestLoss, bestStep, patience, seed);
    }

    private static long integer(JsonObject o, String field, long min, long max, String where) {
        JsonElement e = o.get(field);
        if (e == null) {
            throw new IllegalArgumentException(where + "missing field " + field);
        }
        BigDecimal v;
        try {
            v = e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsBigDecimal() : null;
        } catch (NumberFormatException bad) {
            v = null;
        }
        if (v == null || v.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(where + field + " must be an integer, got " + e);
        }
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException(where + field + " is " + v.toPlainString() + ", outside [" + min + ", "
                    + max + "]");
        }
        return v.longValueExact();
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** Loads the trained arrays and the optimizer state of a checkpoint into a run's live arrays. */
    static void restore(Path checkpoint, Map<String, NDArray> trainable, AdamW optimizer) {
        try (SafetensorsFile params = SafetensorsFile.open(checkpoint.resolve(TRAINABLE));
                SafetensorsFile moments = SafetensorsFile.open(checkpoint.resolve(OPTIMIZER))) {
            List<String> unexpected = params.entries().stream().map(TensorEntry::name)
                    .filter(n -> !trainable.containsKey(n)).sorted().collect(Collectors.toList());
            if (!unexpected.isEmpty()) {
                throw new IllegalArgumentException(params.path() + " holds arrays this run does not train: "
                        + unexpected + "; was it written with another model or LoRA config?");
            }
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                copyInto(params, e.getKey(), e.getValue());
            }
            optimizer.readState(moments);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /** Copies one float32 tensor of a file into an existing array of the same shape, in place. */
    static void copyInto(SafetensorsFile file, String name, NDArray target) throws IOException {
        if (!file.contains(name)) {
            throw new IllegalArgumentException(file.path() + ": missing tensor '" + name + "'");
        }
        long[] shape = file.entry(name).shape();
        if (!Arrays.equals(shape, target.getShape().getShape())) {
            throw new IllegalArgumentException(file.path() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(shape) + ", expected " + target.getShape());
        }
        ByteBuffer values = file.readFloat32(name);
        FloatBuffer floats = values.asFloatBuffer();
        for (int i = 0; i < floats.limit(); i++) {
            if (!Float.isFinite(floats.get(i))) {
                throw new IllegalArgumentException(file.path() + ": tensor '" + name + "' holds " + floats.get(i)
                        + " at index " + i + ": a checkpoint's arrays must be finite");
            }
        }
        try (NDManager m = target.getManager().newSubManager()) {
            target.set(new NDIndex("..."), Tensors.of(m, values, new Shape(shape), DataType.FLOAT32));
        }
    }
}
