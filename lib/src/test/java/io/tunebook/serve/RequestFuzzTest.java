package io.tunebook.serve;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import io.tunebook.Mutations;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ChatEncoding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated request bodies for {@code /v1/chat/completions} and {@code /v1/completions}: each parses into a
 * request or is refused with an {@link ApiError} (a 4xx naming the field); never another exception.
 */
class RequestFuzzTest {
    private static final List<String> SEEDS = List.of(
            "{\"model\":\"tiny-base\",\"messages\":[{\"role\":\"system\",\"content\":\"Bref.\"},"
                    + "{\"role\":\"user\",\"content\":\"Bonjour\"}],\"max_tokens\":4,\"temperature\":0.7,\"top_p\":0.9,"
                    + "\"stop\":[\"\\n\"],\"stream\":true,\"stream_options\":{\"include_usage\":true},\"seed\":3}",
            "{\"model\":\"tiny-base\",\"prompt\":[\"Il était\",\"Une fois\"],\"max_tokens\":3,\"n\":1,"
                    + "\"presence_penalty\":0.5,\"frequency_penalty\":0.1,\"logprobs\":null}");
    static CausalLM model;
    static RequestParser parser;

    @BeforeAll
    static void load() {
        model = CausalLM.load(OpenAiServerTest.MODEL);
        ServerConfig config = ServerConfig.builder("tiny-base").maxTokens(8).defaultMaxTokens(4).build();
        parser = new RequestParser(config, model, ChatEncoding.of(model));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void aBodyThatIsNotJsonIsNamedWithoutTheParsersAdviceToItsProgrammers() {
        for (String body : List.of("{'messages': []}", "{\"messages\": [", "{\"a\": 1,}")) {
            try {
                RequestParser.parseBody(body.getBytes(StandardCharsets.UTF_8));
                fail(body + " was accepted");
            } catch (ApiError e) {
                String message = e.getMessage();
                org.junit.jupiter.api.Assertions.assertTrue(message.startsWith("the request body is not valid JSON: ")
                        && message.contains("line 1") && !message.contains("Strictness") && !message.contains("http"),
                        body + ": " + message);
            }
        }
    }

    @Test
    void mutatedBodiesParseOrAreRefusedWithAnApiError() {
        Mutations m = new Mutations(5);
        int cases = Mutations.cases(500);
        int accepted = 0;
        for (int i = 0; i < cases; i++) {
            String seed = SEEDS.get(i % SEEDS.size());
            byte[] body = m.mutate(seed.getBytes(StandardCharsets.UTF_8));
            try {
                JsonObject o = RequestParser.parseBody(body);
                CompletionRequest r = i % 2 == 0 ? parser.chat(o) : parser.text(o);
                accepted += r == null ? 0 : 1;
            } catch (ApiError refused) {
                if (refused.status < 400 || refused.status >= 500) {
                    fail("case " + i + ": status " + refused.status + " " + refused.getMessage());
                }
            } catch (RuntimeException | StackOverflowError e) {
                fail("case " + i + " (seed 5): " + e + "\nbody: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }
        System.err.println("RequestFuzzTest: " + cases + " mutated bodies, " + accepted + " accepted");
    }
}
