package io.tunebook.plan;

import io.tunebook.model.CausalLM;
import io.tunebook.train.TokenWindows;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainingData;
import io.tunebook.train.TrainingArguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child process of {@link EstimateMeasuredTest}: prints the resident size once the model is loaded,
 * then the peak resident size over a few full fine-tuning steps.
 * Arguments: model directory, batch, sequence length, steps.
 */
public final class TrainingPeakMain {
    private TrainingPeakMain() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        int seq = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        long loaded;
        try (CausalLM model = CausalLM.load(dir)) {
            loaded = kb("VmRSS");
            int[] tokens = new int[64 * 1024];
            Random r = new Random(1);
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = r.nextInt(model.config().vocabSize());
            }
            TrainingArguments a = TrainingArguments.builder().maxSteps(steps).gradientAccumulationSteps(1)
                    .learningRate(1e-5).loggingSteps(1).build();
            TokenWindows windows = new TokenWindows(tokens, 0, tokens.length, batch, seq, 1);
            try (Trainer t = Trainer.builder().fullFineTuning(model).arguments(a)
                    .trainData(TrainingData.endless(() -> windows)).build()) {
                t.train();
            }
        }
        System.out.println(loaded * 1024 + " " + kb("VmHWM") * 1024);
    }

    private static long kb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }
}
