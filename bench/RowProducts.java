import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-row products of a batch-1 decoding step alone, through DJL's libtorch: every projection of
 * every layer (q, k and v fused, o, gate and up fused, down) and the lm_head, on random float32
 * weights of a config's shape, as tunebook's decoder multiplies them (x times a transposed view).
 * Prints ms per token and the GB/s of weights read, at 2 threads and at 1; row_products.py does the
 * same through PyTorch's F.linear. Together they show the ceiling the BLAS sets for batch-1 generation.
 *
 *   java -cp "lib/target/lib/*" bench/RowProducts.java models/tiny-base/config.json
 */
public class RowProducts {
    public static void main(String[] args) throws Exception {
        JsonObject c = JsonParser.parseString(Files.readString(Path.of(args[0]))).getAsJsonObject();
        int hidden = c.get("hidden_size").getAsInt();
        int inter = c.get("intermediate_size").getAsInt();
        int layers = c.get("num_hidden_layers").getAsInt();
        int vocab = c.get("vocab_size").getAsInt();
        int heads = c.get("num_attention_heads").getAsInt();
        int kvHeads = c.has("num_key_value_heads") ? c.get("num_key_value_heads").getAsInt() : heads;
        int headDim = c.has("head_dim") ? c.get("head_dim").getAsInt() : hidden / heads;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> weights = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                weights.add(m.randomNormal(new Shape((long) (heads + 2 * kvHeads) * headDim, hidden)));
                weights.add(m.randomNormal(new Shape(hidden, (long) heads * headDim)));
                weights.add(m.randomNormal(new Shape(2L * inter, hidden)));
                weights.add(m.randomNormal(new Shape(hidden, inter)));
            }
            weights.add(m.randomNormal(new Shape(vocab, hidden)));
            long bytes = 0;
            List<NDArray> transposed = new ArrayList<>();
            List<NDArray> rows = new ArrayList<>();
            for (NDArray w : weights) {
                transposed.add(w.transpose());
                rows.add(m.randomNormal(new Shape(1, 1, w.getShape().get(1))));
                bytes += w.size() * 4;
            }
            for (int round = 0; round < 3; round++) {
                for (int threads : new int[] {2, 1}) {
                    JniUtils.setNumThreads(threads);
                    long start = System.nanoTime();
                    for (int r = 0; r < reps; r++) {
                        for (int j = 0; j < weights.size(); j++) {
                            rows.get(j).matMul(transposed.get(j)).close();
                        }
                    }
                    double ms = (System.nanoTime() - start) / 1e6 / reps;
                    System.out.printf("{\"engine\":\"tunebook (DJL libtorch)\",\"threads\":%d,\"weights_mb\":%.1f,"
                            + "\"ms_per_token\":%.3f,\"gb_per_s\":%.2f}%n", threads, bytes / 1e6, ms, bytes / ms / 1e6);
                }
            }
        }
    }
}
