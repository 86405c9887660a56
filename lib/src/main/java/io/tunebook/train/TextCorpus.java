package io.tunebook.train;

import io.tunebook.model.Tokenizer;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * A plain-text pretraining corpus turned into one token stream: documents (paragraphs separated by
 * blank lines) are encoded without special tokens and each is followed by the end-of-text id. The
 * stream is cached beside the corpus, keyed by the corpus size and the tokenizer, so it is built once.
 */
public final class TextCorpus {
    private TextCorpus() {
    }

    public static int[] tokens(Path corpus, Tokenizer tokenizer, long endOfText) throws IOException {
        if (!Files.isRegularFile(corpus)) {
            throw new IOException("corpus file " + corpus + " does not exist");
        }
        String key = Files.size(corpus) + "-" + tokenizer.vocabSize() + "-" + endOfText;
        Path cache = corpus.resolveSibling(corpus.getFileName() + "." + key + ".tokens");
        if (Files.exists(cache)) {
            return readCache(cache);
        }
        int[] stream = new int[1 << 20];
        int n = 0;
        StringBuilder doc = new StringBuilder();
        try (BufferedReader in = Files.newBufferedReader(corpus)) {
            String line;
            while (true) {
                line = in.readLine();
                if (line == null || line.isBlank()) {
                    if (doc.length() > 0) {
                        long[] ids = tokenizer.encode(doc.toString(), false);
                        if (n + ids.length + 1 > stream.length) {
                            stream = Arrays.copyOf(stream, Math.max(stream.length * 2, n + ids.length + 1));
                        }
                        for (long id : ids) {
                            stream[n++] = (int) id;
                        }
                        stream[n++] = (int) endOfText;
                        doc.setLength(0);
                    }
                    if (line == null) {
                        break;
                    }
                } else {
                    if (doc.length() > 0) {
                        doc.append('\n');
                    }
                    doc.append(line);
                }
            }
        }
        int[] tokens = Arrays.copyOf(stream, n);
        writeCache(cache, tokens);
        return tokens;
    }

    private static int[] readCache(Path cache) throws IOException {
        try (InputStream raw = Files.newInputStream(cache);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            int[] tokens = new int[in.readInt()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = in.readInt();
            }
            return tokens;
        }
    }

    private static void writeCache(Path cache, int[] tokens) throws IOException {
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        try (OutputStream raw = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16))) {
            out.writeInt(tokens.length);
            for (int t : tokens) {
                out.writeInt(t);
            }
        }
        Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
