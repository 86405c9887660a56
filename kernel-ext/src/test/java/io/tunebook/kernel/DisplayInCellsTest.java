package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.display.notebook.DisplayHandle;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A bare {@code display(x)} and {@code updateDisplay(handle, x)} in a cell of the tunebook kernel (a JJava
 * kernel, as a stock JJava one is): what reaches IOPub is read back from a real ZeroMQ socket, frame by frame,
 * as a front end reads it.
 */
class DisplayInCellsTest {
    private static ZMQ.Context zmq;
    private static JupyterSocket iopub;
    private static ZMQ.Socket frontEnd;
    private static TunebookKernel kernel;

    @BeforeAll
    static void start() throws Exception {
        zmq = ZMQ.context(1);
        iopub = new JupyterSocket(zmq, SocketType.PAIR, HMACGenerator.NO_AUTH_INSTANCE, LoggerFactory.getLogger("iopub")) {
            @Override
            public void bind(KernelConnectionProperties connection) {
                throw new UnsupportedOperationException("bound in process");
            }
        };
        iopub.bind("inproc://iopub");
        frontEnd = zmq.socket(SocketType.PAIR);
        frontEnd.connect("inproc://iopub");
        frontEnd.setReceiveTimeOut(5_000);
        frontEnd.setLinger(0);
        kernel = TunebookKernel.builder().build();
        kernel.onStartup();
        // What JJava does when an execute_request arrives: the kernel's IO publishes to IOPub under it.
        Message<?> request = new Message<>(List.of(), new Header<>(MessageType.EXECUTE_REQUEST), null);
        ShellReplyEnvironment env = new ShellReplyEnvironment(null, null, iopub, request) {
        };
        Method attach = kernel.getIO().getClass().getDeclaredMethod("setEnv", ShellReplyEnvironment.class);
        attach.setAccessible(true);
        attach.invoke(kernel.getIO(), env);
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
        frontEnd.close();
        iopub.close();
        zmq.term();
    }

    /** The next IOPub message: its type and content, parsed from its frames. */
    private static JsonObject[] next() {
        List<String> frames = new ArrayList<>();
        byte[] frame = frontEnd.recv();
        assertNotNull(frame, "a message on IOPub within 5 s");
        frames.add(new String(frame, StandardCharsets.UTF_8));
        while (frontEnd.hasReceiveMore()) {
            frames.add(new String(frontEnd.recv(), StandardCharsets.UTF_8));
        }
        int delimiter = frames.indexOf("<IDS|MSG>");
        return new JsonObject[] {JsonParser.parseString(frames.get(delimiter + 2)).getAsJsonObject(),
            JsonParser.parseString(frames.get(delimiter + 5)).getAsJsonObject()};
    }

    @Test
    void aBareDisplayAndUpdateDisplayWorkInEveryCell() {
        String view = "(Displayable) () -> MimeBundle.text(\"epoch %s\").withHtml(\"<b>epoch %s</b>\")";
        DisplayHandle handle = (DisplayHandle) kernel.evalRaw("var h = display(" + view.formatted(1, 1) + ");\nh");
        JsonObject[] shown = next();
        assertEquals("display_data", shown[0].get("msg_type").getAsString());
        assertEquals("<b>epoch 1</b>", shown[1].getAsJsonObject("data").get("text/html").getAsString());
        assertEquals("epoch 1", shown[1].getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals(handle.id(), shown[1].getAsJsonObject("transient").get("display_id").getAsString());

        // A later cell, with the handle of an earlier one.
        assertNull(kernel.evalRaw("updateDisplay(h, " + view.formatted(2, 2) + ");"));
        JsonObject[] updated = next();
        assertEquals("update_display_data", updated[0].get("msg_type").getAsString());
        assertEquals("<b>epoch 2</b>", updated[1].getAsJsonObject("data").get("text/html").getAsString());
        assertEquals(handle.id(), updated[1].getAsJsonObject("transient").get("display_id").getAsString());
    }
}
