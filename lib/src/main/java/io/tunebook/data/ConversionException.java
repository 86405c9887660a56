package io.tunebook.data;

/** An example that the target format cannot hold (e.g. a multi-turn conversation as input/output). */
public final class ConversionException extends IllegalArgumentException {
    private final transient Source source;
    private final DatasetFormat target;

    public ConversionException(Source source, DatasetFormat target, String reason) {
        super(source + ": cannot write as " + target.id() + ": " + reason);
        this.source = source;
        this.target = target;
    }

    public Source source() {
        return source;
    }

    public DatasetFormat target() {
        return target;
    }
}
