package io.tunebook.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Positional reads that fill a whole buffer. */
final class ChannelReads {
    private ChannelReads() {}

    /**
     * Fills {@code dst} from {@code position} on. Positional reads leave the channel's own position
     * alone, so one open file can serve several threads.
     *
     * @throws SafetensorsException if the file ends first: it shrank after it was validated
     */
    static void readFully(FileChannel channel, ByteBuffer dst, long position, Path file, String tensor)
            throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new SafetensorsException(file, tensor, "file ends at byte " + at
                        + " though its header promised more; was it truncated while open?");
            }
            at += n;
        }
    }
}
