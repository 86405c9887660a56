package io.tunebook.display;

import io.tunebook.plan.Estimate;
import io.tunebook.plan.MemoryBreakdown;
import io.tunebook.plan.Method;
import java.util.Locale;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The planner's peak training memory, part by part (weights, adapters, gradients, optimizer states,
 * activations, overhead) with each part's share, in decimal gigabytes as GPU memory is quoted; for
 * an {@link Estimate}, headed by the run it describes.
 */
public final class MemoryView implements Displayable {
    private final String title;
    private final MemoryBreakdown memory;

    private MemoryView(String title, MemoryBreakdown memory) {
        this.title = title;
        this.memory = memory;
    }

    public static MemoryView of(MemoryBreakdown memory) {
        return new MemoryView(String.format(Locale.ROOT, "peak training memory: %.2f GB", memory.totalGb()), memory);
    }

    /** The estimate's memory under a line naming model, method, batch, rank, optimizer and precision. */
    public static MemoryView of(Estimate e) {
        String adapter = e.method() == Method.FULL ? "" : ", r " + e.rank() + " on " + String.join(", ", e.targetModules());
        String title = String.format(Locale.ROOT, "%s, %s%s: batch %d x %d tokens, %s, %s%s: %.2f GB", e.modelName(),
                e.method().cliName(), adapter, e.batchSize(), e.sequenceLength(), e.optimizer().hfName(),
                e.precision().cliName(), e.gradientCheckpointing() ? ", gradient checkpointing" : "",
                e.memory().totalGb());
        return new MemoryView(title, e.memory());
    }

    public String title() {
        return title;
    }

    /** One row a part, then the total: GB to three decimals and the share of the total. */
    public Table table() {
        StringColumn part = StringColumn.create("part");
        DoubleColumn gb = Tables.decimals("GB", 3);
        DoubleColumn share = Tables.decimals("share %", 1);
        long[] bytes = {memory.weights(), memory.adapters(), memory.gradients(), memory.optimizerStates(),
            memory.activations(), memory.overhead(), memory.total()};
        String[] names = {"weights", "adapters", "gradients", "optimizer states", "activations", "overhead", "total"};
        for (int i = 0; i < names.length; i++) {
            part.append(names[i]);
            gb.append(bytes[i] / MemoryBreakdown.BYTES_PER_GB);
            share.append(memory.total() == 0 ? 0 : 100.0 * bytes[i] / memory.total());
        }
        return Table.create("Peak memory by part", part, gb, share);
    }

    @Override
    public MimeBundle mimeBundle() {
        Table t = table();
        return MimeBundle.text(title + "\n" + Tables.text(t).stripTrailing())
                .withHtml(Tables.section(title, Tables.html(t)));
    }
}
