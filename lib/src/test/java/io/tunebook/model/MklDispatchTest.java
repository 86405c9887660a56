package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.File;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MklDispatchTest {
    @Test
    void onAnAmdProcessorTheShimIsLoadedAndMklPicksItsBranchByInstructionSet() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"));
        String vendor = MklDispatch.cpuInfo("vendor_id").orElse("");
        assumeFalse(vendor.equals("GenuineIntel"), "on Intel's processors MKL picks its branch without help");
        assumeTrue(Boolean.parseBoolean(System.getProperty(MklDispatch.PROPERTY, "true")));
        // The build compiles the shim when cc is on its PATH (src/main/c/build.sh), the PATH this JVM inherits.
        assumeTrue(onPath("cc"), "no C compiler: the build made no shim");
        assertNotNull(MklDispatch.class.getResource(MklDispatch.SHIM), "the build did not put the shim in the classes");

        Engine.getInstance();
        assertEquals("loaded (" + vendor + ")", MklDispatch.prepare());
        assumeTrue(Arrays.asList(MklDispatch.cpuInfo("flags").orElse("").split(" ")).contains("avx2"));
        // Without the shim MKL answers AUTO (2) on AMD and runs its generic kernels.
        int branch = MklDispatch.branch().orElseThrow();
        assertTrue(branch >= MklDispatch.AVX2_BRANCH, "MKL's branch is " + branch + ": " + MklDispatch.describe());
    }

    @Test
    void productsOnTheBranchMklTookAgreeWithADoubleReference() {
        // Odd sizes, so that MKL's blocked kernels also run their edge cases; one operand transposed, as Linear's is.
        int m = 67;
        int k = 301;
        int n = 45;
        Random random = new Random(11);
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextGaussian();
        }
        float[] product;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(a, new Shape(m, k));
            NDArray w = manager.create(b, new Shape(n, k));
            product = x.matMul(w.transpose()).toFloatArray();
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double magnitude = 0;
                for (int t = 0; t < k; t++) {
                    sum += (double) a[i * k + t] * b[j * k + t];
                    magnitude += Math.abs((double) a[i * k + t] * b[j * k + t]);
                }
                // float32 accumulation of 301 terms in any order stays within a few ulps of the magnitudes' sum
                assertEquals(sum, product[i * n + j], 1e-6 * magnitude + 1e-6, "row " + i + ", column " + j);
            }
        }
    }

    @Test
    void describeNamesTheLibraryTheBranchAndWhatTheShimDid() {
        String described = MklDispatch.describe();
        assertTrue(described.startsWith("oneMKL 20"), described);
        assertTrue(described.contains(", branch "), described);
        assertFalse(described.contains("Product Build"), described);
        assertTrue(described.endsWith("; shim: " + MklDispatch.prepare()), described);
    }

    @Test
    void isNeverTheDefaultEngineAndStandsForPyTorch() {
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
        assertTrue(Engine.getAllEngines().contains("TunebookMklDispatch"));
        assertEquals("PyTorch", Engine.getEngine("TunebookMklDispatch").getEngineName());
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
