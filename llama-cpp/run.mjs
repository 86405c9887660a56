// Runs a GGUF file through llama.cpp (node-llama-cpp's prebuilt binaries, CPU only) and prints what
// it did as one JSON object on stdout. tunebook's export tests and notebook 07 call it:
//   node run.mjs REQUEST.json
// REQUEST: {"model": "file.gguf",
//           "tokenize": ["text", ...],                      token ids, no BOS (llama.cpp's tokenizer)
//           "greedy": {"prompt": [ids], "steps": 32},        free-running greedy decoding, with log-probs
//           "score": {"prompt": [ids], "continuation": [ids]},   teacher-forced: each token's log-prob
//           "chat": {"messages": [{"role", "content"}], "add_generation_prompt": true},
//           "answer": {"prompt": [ids], "max_tokens": 48}}  greedy until an end-of-generation token, as text
//           "exact": true (default; see below) or false
// Greedy means the most probable token of the full distribution (temperature 1, no top-k/top-p cut),
// so the log-probabilities are those of the model itself.
import fs from "node:fs";
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const request = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: request.model, gpuLayers: 0});
const out = {
    architecture: model.fileInfo.metadata.general.architecture,
    file_type: model.fileInfo.metadata.general.file_type,
    bos: model.tokens.bos,
    eos: model.tokens.eos,
    eot: model.tokens.eot,
    should_prepend_bos: model.tokens.shouldPrependBosToken,
    chat_template: model.fileInfo.metadata.tokenizer?.chat_template ?? null
};

if (request.tokenize)
    out.tokenize = request.tokenize.map((text) => model.tokenize(text, false));

// By default attention runs in float32 (an F32 KV cache, no flash attention, whose CPU kernel rounds to F16), so that a
// comparison with tunebook measures the file and not llama.cpp's shortcuts; "exact": false keeps llama.cpp's defaults.
const precision = request.exact === false ? {} : {experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32",
    flashAttention: false};
const full = {temperature: 1, topK: 0, topP: 1, minP: 0};
async function nextDistribution(sequence, tokens) {
    const items = tokens.map((t, i) => i === tokens.length - 1
        ? [t, {generateNext: {probabilities: true, options: full}}]
        : t);
    const results = await sequence.controlledEvaluate(items);
    return results[results.length - 1].next.probabilities;
}

async function withSequence(prompt, steps, body) {
    const context = await model.createContext({contextSize: Math.max(256, prompt.length + steps + 8), sequences: 1,
        batchSize: 512, threads: 1, ...precision}); // one thread: a tiny model gains nothing from more, and spinning threads stall on busy cores
    try {
        return await body(context.getSequence());
    } finally {
        await context.dispose();
    }
}

if (request.greedy) {
    const {prompt, steps} = request.greedy;
    out.greedy = await withSequence(prompt, steps, async (sequence) => {
        const ids = [], logprobs = [], margins = [];
        let input = prompt;
        for (let s = 0; s < steps; s++) {
            const probs = [...(await nextDistribution(sequence, input)).entries()];
            ids.push(probs[0][0]);
            logprobs.push(Math.log(probs[0][1]));
            margins.push(Math.log(probs[0][1]) - Math.log(probs[1][1]));
            input = [probs[0][0]];
        }
        return {ids, logprobs, margins};
    });
}

if (request.score) {
    const {prompt, continuation} = request.score;
    out.score = await withSequence(prompt, continuation.length, async (sequence) => {
        const top = [], logprobs = [];
        let input = prompt;
        for (const token of continuation) {
            const probs = await nextDistribution(sequence, input);
            top.push(probs.keys().next().value);
            logprobs.push(Math.log(probs.get(token) ?? 0));
            input = [token];
        }
        return {top, logprobs};
    });
}

if (request.answer) {
    const {prompt, max_tokens} = request.answer;
    out.answer = await withSequence(prompt, max_tokens, async (sequence) => {
        const ids = [];
        for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
            if (model.isEogToken(token) || ids.length >= max_tokens)
                break;
            ids.push(token);
        }
        return {ids, text: model.detokenize(ids)};
    });
}

if (request.chat) {
    // llama.cpp's own Jinja engine (what its chat API renders templates with), on the template the GGUF file carries.
    const renderer = new llama._bindings.AddonJinjaRenderer(out.chat_template);
    out.chat = renderer.render({
        messages: request.chat.messages,
        add_generation_prompt: request.chat.add_generation_prompt ?? true,
        bos_token: out.bos == null ? "" : model.detokenize([out.bos], true),
        eos_token: out.eos == null ? "" : model.detokenize([out.eos], true)
    });
}

await model.dispose();
await llama.dispose();
process.stdout.write(JSON.stringify(out) + "\n");
