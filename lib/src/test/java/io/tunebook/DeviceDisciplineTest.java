package io.tunebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every tensor of a run lives on the model's device: the code that runs a model never names a
 * device and never opens an NDManager of its own, it derives sub-managers from the model's (which
 * inherit its device) or from an array's. A GPU run would otherwise fail, or silently copy, where
 * a CPU-only machine like this one cannot notice: hence a scan of the sources rather than a run.
 */
class DeviceDisciplineTest {
    /** The packages whose code creates and uses a model's tensors. */
    static final Set<String> SCANNED = Set.of("model", "lora", "quant", "train", "eval", "serve");

    /** A call that picks a device or a manager by itself, and why it breaks the rule. */
    record Rule(Pattern pattern, String why) {
    }

    static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("\\bnewBaseManager\\s*\\(\\s*\\)"),
                    "newBaseManager() with no device: the engine's default device, not the model's"),
            new Rule(Pattern.compile("\\bnewBaseManager\\s*\\("),
                    "a base manager not derived from the model's (use model.manager().newSubManager())"),
            new Rule(Pattern.compile("\\bDevice\\s*\\.\\s*(cpu|gpu|of|fromName)\\s*\\("),
                    "a hard-coded device (use the model's: model.manager().getDevice())"),
            new Rule(Pattern.compile("\\bdefaultDevice\\s*\\("),
                    "the engine's default device where the model's should be used"));

    /**
     * Where a rule is broken on purpose: file (relative to io/tunebook) and rule index, with the reason.
     * CausalLM's load and initialize are where a model comes to be: they open its base manager on the
     * device the caller chose, or on the engine's default when the caller chose none. ScriptedOps keeps
     * its TorchScript modules for the JVM's life on a manager of their own: they hold no tensor, and
     * run on the device of the arrays given to them.
     */
    static final Map<String, Set<Integer>> ALLOWED = Map.of("model/CausalLM.java", Set.of(1, 3),
            "model/ScriptedOps.java", Set.of(0, 1));

    static List<String> violations(String file, String code) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < RULES.size(); r++) {
            if (ALLOWED.getOrDefault(file, Set.of()).contains(r)) {
                continue;
            }
            Matcher m = RULES.get(r).pattern().matcher(code);
            while (m.find()) {
                int line = 1 + (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                out.add(file + ":" + line + ": " + m.group() + " - " + RULES.get(r).why());
            }
        }
        return out;
    }

    @Test
    void modelCodeCreatesTensorsOnlyOnTheModelsDevice() {
        List<String> found = new ArrayList<>();
        int scanned = 0;
        for (Path file : SourceFiles.under(SourceFiles.LIB)) {
            if (SCANNED.contains(SourceFiles.stage(SourceFiles.LIB, file))) {
                scanned++;
                String name = SourceFiles.LIB.relativize(file).toString().replace('\\', '/');
                found.addAll(violations(name, SourceFiles.code(file)));
            }
        }
        assertTrue(scanned > 50, "scanned only " + scanned + " files");
        assertEquals(List.of(), found, String.join("\n", found));
    }

    @Test
    void theAllowListStillMatchesSomething() {
        // An exception nobody needs any more should go, not linger as a hole in the rule.
        for (Map.Entry<String, Set<Integer>> e : ALLOWED.entrySet()) {
            String code = SourceFiles.code(SourceFiles.LIB.resolve(e.getKey()));
            for (int r : e.getValue()) {
                assertTrue(RULES.get(r).pattern().matcher(code).find(), e.getKey() + " no longer needs rule " + r);
            }
        }
    }

    @Test
    void theScanCatchesEachKindOfSlip() {
        // The detector itself, on code that breaks each rule, and on prose and strings that only mention it.
        assertEquals(2, violations("train/X.java", "NDManager m = NDManager.newBaseManager();").size());
        assertEquals(2, violations("train/X.java", "NDManager.newBaseManager(Device.cpu())").size());
        assertEquals(1, violations("lora/X.java", "x.toDevice(Device.gpu(0), false)").size());
        assertEquals(1, violations("eval/X.java", "Device d = Device.fromName(name);").size());
        assertEquals(1, violations("quant/X.java", "Engine.getInstance().defaultDevice()").size());
        assertEquals(List.of(), violations("model/CausalLM.java", "NDManager.newBaseManager(device); defaultDevice()"));
        String mentions = "/** never Device.cpu() */ int a; // nor newBaseManager()\n"
                + "String s = \"Device.gpu() // not code\"; char c = '\"'; String t = \"defaultDevice()\";";
        assertEquals("  int a; \nString s = \"\"; char c = ' '; String t = \"\";", SourceFiles.strip(mentions));
        assertEquals(List.of(), violations("train/X.java", SourceFiles.strip(mentions)));
    }
}
