package io.tunebook.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ollama's {@code Modelfile} for a GGUF export: {@code FROM} the file, the chat template translated
 * from the model's Jinja template into Ollama's Go-template syntax, a {@code PARAMETER stop} per
 * end-of-turn token, and the system prompt when one is given. Translated families: ChatML
 * (Qwen2/2.5/3, tunebook's tiny-base; recognised by {@code <|im_start|>}), Llama 3
 * ({@code <|start_header_id|>}) and Mistral-Instruct ({@code [INST]}, the system prompt before the
 * first user message). The BOS token is not in the templates: llama.cpp adds it when it tokenizes
 * the prompt, as the GGUF's {@code tokenizer.ggml.add_bos_token} says. For another template no
 * {@code TEMPLATE} is written and Ollama falls back to the one the GGUF file carries. What the
 * translations leave out: a default system prompt the Jinja template inserts when there is none
 * (Qwen2.5's; give it as the system prompt), Llama 3.1's date header and tool calls.
 */
public final class Modelfile {
    /** A chat-template family with its Go template and end-of-turn tokens. */
    public enum Family {
        CHATML("<|im_start|>", """
                {{- range .Messages }}<|im_start|>{{ .Role }}
                {{ .Content }}<|im_end|>
                {{ end }}<|im_start|>assistant
                """, List.of("<|im_start|>", "<|im_end|>")),
        LLAMA3("<|start_header_id|>", """
                {{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>

                {{ .Content }}<|eot_id|>
                {{- end }}<|start_header_id|>assistant<|end_header_id|>

                """, List.of("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>")),
        MISTRAL("[INST]", """
                {{- range $i, $_ := .Messages }}
                {{- if eq .Role "user" }}
                {{- if and $.System (le $i 1) }}[INST] {{ $.System }}

                {{ .Content }} [/INST]
                {{- else }}[INST] {{ .Content }} [/INST]
                {{- end }}
                {{- else if eq .Role "assistant" }}{{ .Content }}EOS
                {{- end }}
                {{- end }}""", List.of("[INST]", "[/INST]"));

        private final String marker;
        private final String template;
        private final List<String> stops;

        Family(String marker, String template, List<String> stops) {
            this.marker = marker;
            this.template = template;
            this.stops = stops;
        }

        /** The Go template, with {@code eos} where Mistral ends an assistant turn. */
        public String template(String eos) {
            return template.replace("EOS", eos);
        }

        public List<String> stops() {
            return stops;
        }

        /** The family of a Jinja chat template, if it is one Modelfile translates. */
        public static Optional<Family> of(String jinja) {
            for (Family f : values()) {
                if (jinja.contains(f.marker)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    private Modelfile() {
    }

    /**
     * The Modelfile's text.
     *
     * @param gguf the GGUF file's name, beside the Modelfile
     * @param chatTemplate the model's Jinja chat template, if any
     * @param eos the EOS token's text (Mistral's turns end with it, and it stops every family)
     */
    public static String render(String gguf, Optional<String> chatTemplate, Optional<String> eos, Optional<String> system) {
        StringBuilder b = new StringBuilder("# Ollama: ollama create NAME -f Modelfile\n");
        b.append("FROM ./").append(gguf).append('\n');
        Optional<Family> family = chatTemplate.flatMap(Family::of);
        if (family.isPresent()) {
            b.append("TEMPLATE \"\"\"").append(family.get().template(eos.orElse(""))).append("\"\"\"\n");
            List<String> stops = new ArrayList<>(family.get().stops());
            eos.filter(e -> !stops.contains(e)).ifPresent(stops::add);
            for (String s : stops) {
                b.append("PARAMETER stop \"").append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
            }
        } else {
            b.append("# No TEMPLATE: the chat template is not one tunebook translates (ChatML, Llama 3, Mistral);\n"
                    + "# Ollama uses the one stored in the GGUF file.\n");
        }
        if (system.isPresent() && system.get().contains("\"\"\"")) {
            throw new IllegalArgumentException("the system prompt cannot contain \"\"\" (it ends a Modelfile string)");
        }
        system.ifPresent(s -> b.append("SYSTEM \"\"\"").append(s).append("\"\"\"\n"));
        return b.toString();
    }
}
