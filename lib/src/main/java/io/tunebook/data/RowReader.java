package io.tunebook.data;

import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams the rows of a dataset file, one at a time, so that a file of any size is read in bounded
 * memory. A file whose first character (after a byte-order mark and whitespace) is {@code [} is a
 * JSON array of rows; any other is JSONL, one row per line, blank lines ignored. JSON is read
 * strictly (RFC 8259) and text must be UTF-8; a line that breaks either becomes a row with an
 * issue. In a JSON array, an error ends the file: the rest cannot be told apart.
 */
abstract class RowReader implements Closeable {
    /** A JSONL line longer than this is reported, not held in memory. */
    static final int MAX_LINE_BYTES = 64 << 20;
    private static final Pattern LOCATION = Pattern.compile(" at line (\\d+) column (\\d+)(?: path \\S*)?");

    final Path file;

    private RowReader(Path file) {
        this.file = file;
    }

    static RowReader open(Path file) {
        try {
            return isJsonArray(file) ? new ArrayRows(file) : new LineRows(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The next row, or {@code null} at the end of the file. */
    abstract RawRow next();

    private static boolean isJsonArray(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            int b = in.read();
            if (b == 0xEF) {
                in.read();
                in.read();
                b = in.read();
            }
            while (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                b = in.read();
            }
            return b == '[';
        }
    }

    /** Gson's message, without its advice link, with the location as the file gives it. */
    static String describe(Exception e, boolean wholeFile) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int see = m.indexOf("\nSee ");
        if (see >= 0) {
            m = m.substring(0, see);
        }
        Matcher loc = LOCATION.matcher(m);
        return loc.replaceAll(wholeFile ? " at line $1 column $2" : " at column $2").trim();
    }

    static long lineOf(JsonReader reader) {
        Matcher m = LOCATION.matcher(reader.toString());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** JSONL: lines split on bytes, each decoded and parsed on its own. */
    private static final class LineRows extends RowReader {
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private int pos;
        private int limit;
        private byte[] line = new byte[4096];
        private int length;
        private boolean overflow;
        private long lineNumber;
        private boolean eof;

        LineRows(Path file) throws IOException {
            super(file);
            this.in = Files.newInputStream(file);
        }

        @Override
        RawRow next() {
            try {
                while (readLine()) {
                    Source source = new Source(file, lineNumber);
                    if (overflow) {
                        return bad(source, IssueKind.INVALID_JSON, "line is longer than " + (MAX_LINE_BYTES >> 20)
                                + " MiB");
                    }
                    int start = lineNumber == 1 && length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
                            && (line[2] & 0xFF) == 0xBF ? 3 : 0;
                    if (blank(start)) {
                        continue;
                    }
                    String text;
                    try {
                        text = utf8.reset().decode(ByteBuffer.wrap(line, start, length - start)).toString();
                    } catch (CharacterCodingException e) {
                        return bad(source, IssueKind.INVALID_ENCODING, "line is not valid UTF-8");
                    }
                    try {
                        JsonReader reader = new JsonReader(new StringReader(text));
                        reader.setStrictness(Strictness.STRICT);
                        JsonElement json = JsonTree.read(reader);
                        if (reader.peek() != JsonToken.END_DOCUMENT) {
                            return bad(source, IssueKind.INVALID_JSON, "text after the JSON value"
                                    + " (JSONL holds one JSON value per line)");
                        }
                        return new RawRow(source, json, null);
                    } catch (JsonTree.Refused e) {
                        return refused(source, e);
                    } catch (IOException | RuntimeException e) {
                        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
                        return bad(source, IssueKind.INVALID_JSON, describe(e, false) + (json && lineNumber == 1
                                ? " (a .json dataset must be one JSON array of rows; JSONL has one row a line)" : ""));
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dataset file " + file + ": " + e.getMessage(), e);
            }
        }

        private boolean blank(int start) {
            for (int i = start; i < length; i++) {
                byte b = line[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        /** Reads the next line's bytes (without its terminator) into {@code line}; false at the end. */
        private boolean readLine() throws IOException {
            if (eof) {
                return false;
            }
            length = 0;
            overflow = false;
            boolean any = false;
            while (true) {
                if (pos == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        eof = true;
                        if (!any) {
                            return false;
                        }
                        break;
                    }
                }
                any = true;
                int start = pos;
                while (pos < limit && buffer[pos] != '\n') {
                    pos++;
                }
                append(start, pos);
                if (pos < limit) {
                    pos++;
                    break;
                }
            }
            lineNumber++;
            if (length > 0 && line[length - 1] == '\r') {
                length--;
            }
            return true;
        }

        private void append(int from, int to) {
            int n = to - from;
            if (overflow || n == 0) {
                return;
            }
            if ((long) length + n > MAX_LINE_BYTES) {
                overflow = true;
                return;
            }
            if (length + n > line.length) {
                byte[] bigger = new byte[Math.max(line.length * 2, length + n)];
                System.arraycopy(line, 0, bigger, 0, length);
                line = bigger;
            }
            System.arraycopy(buffer, from, line, length, n);
            length += n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A JSON array read element by element with a streaming reader. */
    private static final class ArrayRows extends RowReader {
        private final Reader text;
        private final JsonReader reader;
        private boolean started;
        private boolean done;

        ArrayRows(Path file) throws IOException {
            super(file);
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            PushbackReader in = new PushbackReader(new InputStreamReader(
                    new BufferedInputStream(Files.newInputStream(file), 1 << 16), utf8), 1);
            int first = in.read();
            if (first >= 0 && first != '\uFEFF') {
                in.unread(first);
            }
            this.text = in;
            this.reader = new JsonReader(in);
            reader.setStrictness(Strictness.STRICT);
        }

        @Override
        RawRow next() {
            if (done) {
                return null;
            }
            try {
                if (!started) {
                    reader.beginArray();
                    started = true;
                }
                if (!reader.hasNext()) {
                    reader.endArray();
                    done = true;
                    if (reader.peek() != JsonToken.END_DOCUMENT) {
                        return bad(new Source(file, lineOf(reader)), IssueKind.INVALID_JSON,
                                "text after the closing ] of the array");
                    }
                    return null;
                }
                reader.peek();
                Source source = new Source(file, lineOf(reader));
                try {
                    return new RawRow(source, JsonTree.read(reader), null);
                } catch (JsonTree.Refused e) {
                    // The reader stands inside the row: the rest of the array cannot be read.
                    done = true;
                    return refused(source, e);
                }
            } catch (CharacterCodingException e) {
                done = true;
                return bad(new Source(file, lineOf(reader)), IssueKind.INVALID_ENCODING,
                        "text is not valid UTF-8; the rest of the file cannot be read");
            } catch (IOException | RuntimeException e) {
                done = true;
                return bad(new Source(file, lineOf(reader)), IssueKind.INVALID_JSON, describe(e, true)
                        + "; the rest of the file cannot be read");
            }
        }

        @Override
        public void close() throws IOException {
            text.close();
        }
    }

    private static RawRow refused(Source source, JsonTree.Refused e) {
        return new RawRow(source, null, new Issue(source, e.field(), e.kind(), e.getMessage()));
    }

    static RawRow bad(Source source, IssueKind kind, String message) {
        return new RawRow(source, null, new Issue(source, "", kind, message));
    }
}
