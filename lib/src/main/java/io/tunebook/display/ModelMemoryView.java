package io.tunebook.display;

import io.tunebook.quant.ModelMemory;
import java.util.Locale;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What a base model's weights occupy: the dense arrays, the quantized layers and the whole, in
 * parameters, bytes and bytes per parameter (0.516 for NF4 with double quantization).
 */
public final class ModelMemoryView implements Displayable {
    private final ModelMemory memory;

    private ModelMemoryView(ModelMemory memory) {
        this.memory = memory;
    }

    public static ModelMemoryView of(ModelMemory memory) {
        return new ModelMemoryView(memory);
    }

    public String title() {
        return String.format(Locale.ROOT, "base weights: %,d bytes, %.4f bytes per parameter%s", memory.totalBytes(),
                memory.bytesPerParameter(), memory.quantizedLayers() == 0 ? " (nothing quantized)"
                        : String.format(Locale.ROOT, "; %d quantized layers at %.4f", memory.quantizedLayers(),
                                memory.quantizedBytesPerParameter()));
    }

    public Table table() {
        StringColumn part = StringColumn.create("part");
        LongColumn parameters = LongColumn.create("parameters");
        LongColumn bytes = LongColumn.create("bytes");
        DoubleColumn perParameter = Tables.decimals("bytes/param", 4);
        add(part, parameters, bytes, perParameter, "dense", memory.denseParameters(), memory.denseBytes());
        add(part, parameters, bytes, perParameter, "quantized (" + memory.quantizedLayers() + " layers)",
                memory.quantizedParameters(), memory.quantizedStorageBytes());
        add(part, parameters, bytes, perParameter, "total", memory.parameters(), memory.totalBytes());
        return Table.create("Weight memory", part, parameters, bytes, perParameter);
    }

    private static void add(StringColumn part, LongColumn parameters, LongColumn bytes, DoubleColumn perParameter,
            String name, long n, long b) {
        part.append(name);
        parameters.append(n);
        bytes.append(b);
        perParameter.append(n == 0 ? 0 : (double) b / n);
    }

    @Override
    public MimeBundle mimeBundle() {
        Table t = table();
        return MimeBundle.text(title() + "\n" + Tables.text(t).stripTrailing())
                .withHtml(Tables.section(title(), Tables.html(t)));
    }
}
