package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.train.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceViewTest {
    @TempDir
    Path dir;

    @Test
    void showsRuntimeSeedAndEveryHashAndSaysWhenDataWereNotDeclared() throws IOException {
        String sha = "ab".repeat(32);
        Files.writeString(dir.resolve(Provenance.FILE), "{\"format\":\"" + Provenance.FORMAT + "\",\"origin\":\"code\","
                + "\"seed\":42,\"runtime\":{\"tunebook_version\":\"0.1.0\",\"git_commit\":null,\"engine\":\"PyTorch 2.7.1\","
                + "\"threads\":2,\"device\":\"cpu()\",\"cpu\":\"<Xeon>\"},"
                + "\"base_model\":{\"path\":\"../models/tiny-base\",\"files\":{\"model.safetensors\":\"" + sha + "\"}},"
                + "\"data\":[],\"artifact\":{\"path\":\"adapter\",\"files\":{\"adapter_model.safetensors\":\"cd\"}}}");
        ProvenanceView view = (ProvenanceView) Views.of(Provenance.read(dir).orElseThrow()).orElseThrow();
        String html = view.mimeBundle().html().orElseThrow();
        assertTrue(html.contains(sha) && html.contains("../models/tiny-base/model.safetensors"), html);
        assertTrue(html.contains("&lt;Xeon&gt;"), "escaped: " + html);
        assertTrue(html.contains(">42<"), html);
        assertTrue(view.toString().contains("git commit") && view.toString().contains("unknown"), view.toString());
        assertTrue(view.toString().contains("not declared"), view.toString());
        assertTrue(view.toString().contains("adapter/adapter_model.safetensors"), view.toString());
    }
}
