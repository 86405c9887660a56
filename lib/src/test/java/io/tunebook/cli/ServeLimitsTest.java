package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JDK server's guards as {@code tunebook serve} sets them, end to end in a fresh JVM (they are per-JVM
 * settings, so an in-process server would inherit whatever the first test set): a connection beyond
 * {@code --max-connections} is closed at once, a client dripping its headers or its body is cut off after
 * {@code --request-timeout}, and a normal request is then answered.
 */
class ServeLimitsTest {
    private static final Pattern URL = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/v1");
    private static final int CONNECTIONS = 5;
    private static final int TIMEOUT_S = 2;

    @Test
    void extraConnectionsAreRefusedAndSlowHeadersOrBodiesAreCutOff() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                Path.of("../models/tiny-base").toAbsolutePath().normalize().toString(), "--port", "0", "--queue", "1",
                "--max-connections", Integer.toString(CONNECTIONS), "--request-timeout", Integer.toString(TIMEOUT_S));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Socket> open = new ArrayList<>();
        try {
            int port = awaitPort(server);
            // Four clients stall in their headers, one in its body: the server's whole allowance of connections.
            long opened = System.nanoTime();
            for (int i = 0; i < CONNECTIONS - 1; i++) {
                open.add(connect(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a"));
            }
            open.add(connect(port, "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                    + "\r\nContent-Length: 100\r\n\r\n{\"prompt\": \"Bon"));
            Thread.sleep(300); // the server accepts them

            // One more, with a whole request, is closed without an answer, well before any timeout.
            long refusedAt = System.nanoTime();
            try (Socket extra = connect(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) {
                assertEquals(-1, readUntilClosed(extra, 5000), "a connection beyond the limit got an answer");
            }
            double refusedS = (System.nanoTime() - refusedAt) / 1e9;
            // At once, not by the request timer (which would take TIMEOUT_S): a machine busy elsewhere gets slack.
            assertTrue(refusedS < TIMEOUT_S * 0.75, "the extra connection was closed after " + refusedS
                    + " s, not at once");

            // The stalled ones are cut off after the request timeout (the JDK's timer ticks each second).
            for (Socket s : open) {
                assertEquals(-1, readUntilClosed(s, 15_000), "a stalled client got an answer");
                double cutS = (System.nanoTime() - opened) / 1e9;
                assertTrue(cutS >= TIMEOUT_S - 0.5 && cutS < TIMEOUT_S + 8, "a stalled client was cut off after " + cutS
                        + " s, not about " + TIMEOUT_S + " s");
            }

            // The connections they held are free again: a normal client is answered.
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
        } finally {
            for (Socket s : open) {
                s.close();
            }
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                fail("tunebook serve did not stop within 60 s of SIGTERM");
            }
        }
        assertEquals(143, server.exitValue());
    }

    private static int awaitPort(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = URL.matcher(line);
            if (m.find()) {
                // The rest of its output is drained, so that its pipe never fills.
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the server is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("tunebook serve ended without listening:\n" + seen);
    }

    private static Socket connect(int port, String send) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        OutputStream out = s.getOutputStream();
        out.write(send.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** Reads until the server closes: -1 (or a reset, also -1); the first byte instead if it answers. */
    private static int readUntilClosed(Socket s, int timeoutMs) throws IOException {
        s.setSoTimeout(timeoutMs);
        InputStream in = s.getInputStream();
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed within " + timeoutMs + " ms");
        } catch (IOException reset) {
            return -1;
        }
    }
}
