package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.Message;
import io.tunebook.eval.TestAdapters;
import io.tunebook.eval.client.ChatRequest;
import io.tunebook.eval.client.LocalChatBackend;
import io.tunebook.eval.client.OpenAiClient;
import io.tunebook.eval.client.OpenAiClientConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunebook serve MODEL --adapter DIR} over loopback: the adapted model answers, merged or not. */
class ServeAdapterTest {
    static final ChatRequest ASK = ChatRequest.builder()
            .messages(List.of(Message.user("Bonjour, où en est ma commande CMD-12345 ?"))).maxTokens(12).build();

    @TempDir
    static Path tmp;
    static Path adapter;

    @BeforeAll
    static void makeAdapter() {
        adapter = TestAdapters.randomAdapter(tmp.resolve("my-adapter"), 3);
    }

    static String overHttp(String... argv) throws Exception {
        try (ServeCommand.Served served = new ServeCommand().open(argv)) {
            OpenAiClient client = new OpenAiClient(OpenAiClientConfig.builder(served.server().baseUrl().toString(),
                    served.server().config().modelId()).build());
            return client.chat(ASK).text();
        }
    }

    @Test
    void theAdapterAnswersOverHttpAsInProcessMergedOrNot() throws Exception {
        String base = TestAdapters.TINY_BASE.toString();
        String expected;
        String plain;
        try (CausalLM model = CausalLM.load(TestAdapters.TINY_BASE)) {
            plain = new LocalChatBackend(model, "tiny-base").chat(ASK).text();
            try (LoraModel lora = LoraModel.load(model, adapter)) {
                expected = new LocalChatBackend(model, "tiny-base+adapter").chat(ASK).text();
            }
        }
        assertNotEquals(plain, expected, "the random adapter changes the answer");
        assertEquals(expected, overHttp(base, "--adapter", adapter.toString(), "--port", "0"));
        assertEquals(expected, overHttp(base, "--adapter", adapter.toString(), "--merge", "--port", "0"));
        assertEquals(plain, overHttp(base, "--port", "0"));
    }

    @Test
    void theServedNameSaysWhichAdapter() throws Exception {
        try (ServeCommand.Served served = new ServeCommand().open(new String[] {TestAdapters.TINY_BASE.toString(),
                "--adapter", adapter.toString(), "--port", "0"})) {
            assertEquals("tiny-base+my-adapter", served.server().config().modelId());
        }
    }

    @Test
    void refusalsAreUsageErrors() {
        CliTest.Outcome merge = CliTest.run("serve", "../models/tiny-base", "--merge");
        assertEquals(2, merge.code());
        assertTrue(merge.err().contains("--merge needs --adapter"), merge.err());
        CliTest.Outcome missing = CliTest.run("serve", "../models/tiny-base", "--adapter", "no/such/adapter");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no/such/adapter"), missing.err());
        CliTest.Outcome template = CliTest.run("serve", "../models/tiny-base", "--chat-template", "vicuna");
        assertEquals(2, template.code());
        assertTrue(template.err().contains("chatml"), template.err());
    }
}
