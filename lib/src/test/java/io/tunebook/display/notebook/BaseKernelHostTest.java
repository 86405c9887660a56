package io.tunebook.display.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.spencerpark.ijava.IJava;
import io.github.spencerpark.jupyter.channels.JupyterSocket;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.tunebook.data.Datasets;
import io.tunebook.display.Displayable;
import io.tunebook.display.MimeBundle;
import io.tunebook.display.TrainingHistory;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.train.IntervalStrategy;
import io.tunebook.train.SftData;
import io.tunebook.train.TrainableModel;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainingArguments;
import io.tunebook.train.TrainingResult;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * tunebook in a kernel built on jupyter-jvm-basekernel 2.3.0, as in a stock IJava 1.3: the kernel is a
 * basekernel {@code BaseKernel} made here, found through IJava's {@code getKernelInstance()}, and its IOPub
 * socket is a real ZeroMQ socket whose frames (Jupyter's wire format, signed by basekernel itself) the test
 * reads back and parses as a front end would.
 */
class BaseKernelHostTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    private ZMQ.Context zmq;
    private JupyterSocket iopub;
    private ZMQ.Socket frontEnd;
    private TestKernel kernel;

    /** A kernel of basekernel's, as IJava's JavaKernel is one; cells are not evaluated here, the test calls for them. */
    static final class TestKernel extends BaseKernel {
        @Override
        public DisplayData eval(String expr) {
            throw new UnsupportedOperationException("the test calls tunebook directly");
        }

        @Override
        public LanguageInfo getLanguageInfo() {
            return new LanguageInfo("java", "17", "text/x-java-source", ".jshell", "java", "text/x-java", "script");
        }
    }

    @BeforeEach
    void start() throws Exception {
        zmq = ZMQ.context(1);
        String address = "inproc://iopub-" + System.nanoTime();
        iopub = new JupyterSocket(zmq, SocketType.PAIR, HMACGenerator.NO_AUTH_INSTANCE,
                Logger.getLogger("iopub")) {
            @Override
            public void bind(KernelConnectionProperties connection) {
                throw new UnsupportedOperationException("bound to " + address);
            }
        };
        iopub.bind(address);
        frontEnd = zmq.socket(SocketType.PAIR);
        frontEnd.connect(address);
        frontEnd.setReceiveTimeOut(5_000);
        frontEnd.setLinger(0);
        kernel = new TestKernel();
        // What basekernel does when an execute_request arrives: the kernel's IO publishes to IOPub under it.
        Message<?> request = new Message<>(List.of(), new Header<>(MessageType.EXECUTE_REQUEST), null);
        ShellReplyEnvironment env = new ShellReplyEnvironment(null, null, iopub, request) {
        };
        Method attach = kernel.getIO().getClass().getDeclaredMethod("setEnv", ShellReplyEnvironment.class);
        attach.setAccessible(true);
        attach.invoke(kernel.getIO(), env);
        IJava.setKernelInstance(kernel);
    }

    @AfterEach
    void stop() {
        IJava.setKernelInstance(null);
        frontEnd.close();
        iopub.close();
        zmq.term();
    }

    /** The next message on IOPub: its type and its content, parsed from the frames a front end receives. */
    private record Published(String type, JsonObject content) {
        JsonObject data() {
            return content.getAsJsonObject("data");
        }

        String displayId() {
            return content.getAsJsonObject("transient").get("display_id").getAsString();
        }
    }

    private Published next() {
        byte[] first = frontEnd.recv();
        assertTrue(first != null, "a message on IOPub within 5 s");
        return read(first);
    }

    /** A message whose first frame was read: the rest of its frames, parsed. */
    private Published read(byte[] first) {
        List<String> frames = new ArrayList<>();
        frames.add(new String(first, StandardCharsets.UTF_8));
        while (frontEnd.hasReceiveMore()) {
            frames.add(new String(frontEnd.recv(), StandardCharsets.UTF_8));
        }
        int delimiter = frames.indexOf("<IDS|MSG>");
        JsonObject header = JsonParser.parseString(frames.get(delimiter + 2)).getAsJsonObject();
        return new Published(header.get("msg_type").getAsString(),
                JsonParser.parseString(frames.get(delimiter + 5)).getAsJsonObject());
    }

    private void assertNothingMore() {
        frontEnd.setReceiveTimeOut(200);
        assertEquals(null, frontEnd.recv(), "no further message");
    }

    private static Displayable rich(String text) {
        return () -> MimeBundle.text(text).withHtml("<b>" + text + "</b>").withPng(PNG);
    }

    @Test
    void oneInstallTeachesTheKernelsRendererEveryMimeTypeOfATunebookView() {
        DisplayData before = kernel.getRenderer().render(rich("loss"));
        assertFalse(before.hasDataForType(MIMEType.TEXT_HTML), "a stock kernel renders toString only");

        Notebook.install();
        DisplayData after = kernel.getRenderer().render(rich("loss"));
        assertEquals("<b>loss</b>", after.getData(MIMEType.TEXT_HTML));
        assertEquals(Base64.getEncoder().encodeToString(PNG), after.getData(MIMEType.IMAGE_PNG));
        assertEquals("loss", after.getData(MIMEType.TEXT_PLAIN));
        // A pipeline type with a view (here the live training view) renders through it too.
        DisplayData view = kernel.getRenderer().render(new TrainingHistory().view());
        assertTrue(String.valueOf(view.getData(MIMEType.TEXT_HTML)).contains("<"), "the training view's html");
    }

    @Test
    void displayThenUpdateDisplaySendsDisplayDataThenUpdateDisplayDataUnderOneId() {
        DisplayHandle handle = Notebook.display(rich("step 1"));
        Published shown = next();
        assertEquals("display_data", shown.type());
        assertEquals("<b>step 1</b>", shown.data().get("text/html").getAsString());
        assertEquals(Base64.getEncoder().encodeToString(PNG), shown.data().get("image/png").getAsString());
        assertEquals("step 1", shown.data().get("text/plain").getAsString());
        assertEquals(handle.id(), shown.displayId());

        Notebook.updateDisplay(handle, rich("step 2"));
        Published updated = next();
        assertEquals("update_display_data", updated.type());
        assertEquals("<b>step 2</b>", updated.data().get("text/html").getAsString());
        assertEquals(handle.id(), updated.displayId());

        // Values tunebook has no view for still go through the kernel's own renderer.
        Notebook.updateDisplay(handle, 42);
        Published plain = next();
        assertEquals("42", plain.data().get("text/plain").getAsString());
        assertFalse(plain.data().has("text/html"));
        assertNothingMore();
    }

    @Test
    void trainingDrawsItsLiveViewOnceAndThenRedrawsItInPlace(@TempDir Path runDir) {
        TrainingArguments args = TrainingArguments.builder().maxSteps(2).perDeviceTrainBatchSize(2).maxSeqLength(256)
                .evalStrategy(IntervalStrategy.NO).saveStrategy(IntervalStrategy.NO).loggingSteps(1).seed(42).build();
        TrainingResult result;
        try (CausalLM model = CausalLM.load(Path.of("../models/tiny-base"));
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(4).alpha(8).seed(42).build())) {
            SftData sft = SftData.builder(model.tokenizer(), args).build();
            try (Trainer trainer = Trainer.builder().model(TrainableModel.lora(lora)).arguments(args)
                    .trainData(sft.training(Datasets.load(Path.of("../datasets/support-fr/train.jsonl"))))
                    .outputDir(runDir).build()) {
                result = Notebook.train(trainer);
            }
        }
        Published first = next();
        assertEquals("display_data", first.type());
        List<Published> updates = new ArrayList<>();
        frontEnd.setReceiveTimeOut(200);
        for (byte[] frame = frontEnd.recv(); frame != null; frame = frontEnd.recv()) {
            updates.add(read(frame));
        }
        // Last, under the view, a run with an output directory shows its provenance block: a new output.
        Published provenance = updates.remove(updates.size() - 1);
        assertEquals("display_data", provenance.type());
        assertTrue(provenance.data().get("text/plain").getAsString().contains("Provenance: files"),
                provenance.data().get("text/plain").getAsString());
        assertFalse(updates.isEmpty(), "the final state is always drawn");
        for (Published u : updates) {
            assertEquals("update_display_data", u.type());
            assertEquals(first.displayId(), u.displayId(), "every redraw replaces the first output");
        }
        Published last = updates.get(updates.size() - 1);
        assertTrue(last.data().get("text/plain").getAsString().contains("2/2"), last.data().get("text/plain").getAsString());
        assertTrue(last.data().get("text/html").getAsString().contains("<img"), "the loss chart is in the last view");
        assertEquals(2, result.steps());
    }

    @Test
    void withoutAKernelTheCallSaysWhereItDisplays() {
        IJava.setKernelInstance(null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Notebook.display("x"));
        assertTrue(e.getMessage().startsWith("no notebook kernel runs this code"), e.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> Notebook.install("kernel"));
        assertEquals("Notebook.install expects a Jupyter kernel (JJava's or jupyter-jvm-basekernel's BaseKernel), "
                + "got java.lang.String", wrong.getMessage());
    }

    @Test
    void aKernelGivenByHandServesWhereNoIJavaIsFound() {
        IJava.setKernelInstance(null);
        Notebook.install(kernel);
        try {
            DisplayHandle handle = Notebook.display(rich("by hand"));
            assertEquals(handle.id(), next().displayId());
            assertEquals("<b>by hand</b>", kernel.getRenderer().render(rich("by hand")).getData(MIMEType.TEXT_HTML));
        } finally {
            Notebook.forget();
        }
    }
}
