package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The command line's refusals; the server itself is tested in {@code io.tunebook.serve}. */
class ServeCommandTest {
    @Test
    void helpNamesTheEndpointsAndTheLoopbackDefault() {
        CliTest.Outcome o = CliTest.run("serve", "--help");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("/v1/chat/completions") && o.out().contains("127.0.0.1"), o.out());
    }

    @Test
    void badPortsAndPathsAreUsageErrors() {
        CliTest.Outcome port = CliTest.run("serve", "../models/tiny-base", "--port", "70000");
        assertEquals(2, port.code());
        assertTrue(port.err().contains("port"), port.err());
        CliTest.Outcome missing = CliTest.run("serve", "no/such/model");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no/such/model"), missing.err());
    }
}
