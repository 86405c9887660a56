package io.tunebook.model;

/**
 * {@code rope_scaling} of {@code config.json}. Only the types whose frequencies are a pure function
 * of the position are supported: {@code default}, {@code linear} and {@code llama3} (Llama 3.1+).
 */
public record RopeScaling(
        String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {

    public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);

    /**
     * The inverse frequencies of each rotary pair for a head of {@code headDim} dims, as transformers
     * computes them: {@code 1 / theta^(2i/d)}, then rescaled by the scaling type. The arithmetic is
     * float32, step by step, like transformers' tensors, so long positions give the same angles.
     */
    public float[] inverseFrequencies(int headDim, double theta) {
        float[] inv = new float[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            float freq = 1.0f / (float) Math.pow((float) theta, exponent);
            inv[i] = scale(freq);
        }
        return inv;
    }

    private float scale(float invFreq) {
        switch (type) {
            case "default":
                return invFreq;
            case "linear":
                return invFreq / (float) factor;
            case "llama3": {
                // Long wavelengths are slowed down by `factor`, short ones kept, the band between blended.
                float lowFreqWavelen = (float) (originalMaxPositionEmbeddings / lowFreqFactor);
                float highFreqWavelen = (float) (originalMaxPositionEmbeddings / highFreqFactor);
                float wavelen = (float) (2 * Math.PI) / invFreq;
                if (wavelen < highFreqWavelen) {
                    return invFreq;
                }
                if (wavelen > lowFreqWavelen) {
                    return invFreq / (float) factor;
                }
                float smooth = ((float) originalMaxPositionEmbeddings / wavelen - (float) lowFreqFactor)
                        / (float) (highFreqFactor - lowFreqFactor);
                return (1 - smooth) * invFreq / (float) factor + smooth * invFreq;
            }
            default:
                throw new IllegalStateException("unsupported rope_scaling type " + type);
        }
    }
}
