package io.tunebook.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes safetensors bytes by hand, so tests can build files no honest writer would. */
final class RawFiles {
    private RawFiles() {}

    /** A file whose header is {@code json} (its true length) followed by {@code dataBytes} bytes 0, 1, 2, ... */
    static Path write(Path file, String json, int dataBytes) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return write(file, header.length, header, dataBytes);
    }

    /** A file whose length prefix says {@code declaredLength}, whatever {@code header} really holds. */
    static Path write(Path file, long declaredLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header);
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) i);
        }
        Files.write(file, b.array());
        return file;
    }
}
