package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run configs: a key given twice and a value of the wrong type are errors naming {@code file: section.key}. */
class YamlSectionTest {
    @TempDir
    Path tmp;

    private Path file(String yaml) throws IOException {
        Path f = tmp.resolve("run.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void duplicateKeysAreErrorsNamingTheirPath() throws IOException {
        Path f = file("training:\n  learning_rate: 1.0e-3\n  seed: 1\n  learning_rate: 2.0e-3\n");
        UsageException e = assertThrows(UsageException.class, () -> YamlSection.load("train", f));
        assertEquals(f + ": training.learning_rate is given twice (line 4)", e.getMessage());
        Path top = file("model:\n  path: a\nmodel:\n  path: b\n");
        e = assertThrows(UsageException.class, () -> YamlSection.load("train", top));
        assertEquals(top + ": model is given twice (line 3)", e.getMessage());
        Path nested = file("eval:\n  candidates:\n    - name: a\n      name: b\n");
        e = assertThrows(UsageException.class, () -> YamlSection.load("eval", nested));
        assertEquals(nested + ": eval.candidates[0].name is given twice (line 4)", e.getMessage());
    }

    @Test
    void wrongTypesAreNamedByTypeNeverByAJavaObject() throws IOException {
        YamlSection root = YamlSection.load("train", file("model:\n  path: !!binary aGVsbG8=\n  dtype: [a, b]\n"
                + "training:\n  seed: {a: 1}\n  learning_rate: 2001-01-01\n  sample_packing: [true]\n"));
        YamlSection model = root.section("model");
        UsageException e = assertThrows(UsageException.class, () -> model.string("path", null));
        assertTrue(e.getMessage().endsWith(": 'model.path' must be a string, got binary data (!!binary)"), e.getMessage());
        e = assertThrows(UsageException.class, () -> model.string("dtype", null));
        assertTrue(e.getMessage().endsWith(": 'model.dtype' must be a string, got a list"), e.getMessage());
        YamlSection t = root.section("training");
        e = assertThrows(UsageException.class, () -> t.integer("seed", 0));
        assertTrue(e.getMessage().endsWith(": 'training.seed' must be an integer, got a mapping"), e.getMessage());
        e = assertThrows(UsageException.class, () -> t.number("learning_rate", 0));
        assertTrue(e.getMessage().endsWith(": 'training.learning_rate' must be a number, got a timestamp"),
                e.getMessage());
        e = assertThrows(UsageException.class, () -> t.bool("sample_packing", false));
        assertTrue(e.getMessage().endsWith(": 'training.sample_packing' must be true or false, got a list"),
                e.getMessage());
    }

    @Test
    void directoriesAndSpecialFilesAreNamedAsSuch() throws Exception {
        UsageException e = assertThrows(UsageException.class, () -> Args.existingFile("train", tmp.toString()));
        assertEquals("train: file '" + tmp + "' is a directory, not a file", e.getMessage());
        Path fifo = tmp.resolve("pipe");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            e = assertThrows(UsageException.class, () -> Args.existingFile("train", fifo.toString()));
            assertTrue(e.getMessage().endsWith("is a special file (a FIFO, a device or a socket), not a regular file"),
                    e.getMessage());
        }
        e = assertThrows(UsageException.class, () -> Args.existingFile("train", tmp.resolve("none").toString()));
        assertTrue(e.getMessage().endsWith("does not exist"), e.getMessage());
    }
}
