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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A plain-text pretraining corpus turned into one token stream: documents (paragraphs separated by
 * blank lines) are encoded without special tokens, each followed by the end-of-text id, and put in
 * a seeded random order, so that a validation split cut from the end of the stream samples the
 * whole corpus rather than its last source. The stream is cached beside the corpus, keyed by the
 * corpus size and modification time, the tokenizer and the seed, so it is built once.
 */
public final class TextCorpus {
    private TextCorpus() {
    }

    public static int[] tokens(Path corpus, Tokenizer tokenizer, long endOfText, long shuffleSeed) throws IOException {
        if (!Files.isRegularFile(corpus)) {
            throw new IOException("corpus file " + corpus + " does not exist");
        }
        String key = Files.size(corpus) + "-" + Files.getLastModifiedTime(corpus).toMillis() + "-"
                + tokenizer.vocabSize() + "-" + endOfText + "-" + shuffleSeed;
        Path cache = corpus.resolveSibling(corpus.getFileName() + "." + key + ".tokens");
        if (Files.exists(cache)) {
            return readCache(cache);
        }
        List<long[]> documents = new ArrayList<>();
        StringBuilder doc = new StringBuilder();
        try (BufferedReader in = Files.newBufferedReader(corpus)) {
            for (String line = in.readLine(); ; line = in.readLine()) {
                if (line == null || line.isBlank()) {
                    if (doc.length() > 0) {
                        documents.add(tokenizer.encode(doc.toString(), false));
                        doc.setLength(0);
                    }
                    if (line == null) {
                        break;
                    }
                } else {
                    doc.append(doc.length() > 0 ? "\n" : "").append(line);
                }
            }
        }
        Collections.shuffle(documents, new Random(shuffleSeed));
        int total = 0;
        for (long[] d : documents) {
            total = Math.addExact(total, d.length + 1);
        }
        int[] tokens = new int[total];
        int n = 0;
        for (long[] d : documents) {
            for (long id : d) {
                tokens[n++] = (int) id;
            }
            tokens[n++] = (int) endOfText;
        }
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
