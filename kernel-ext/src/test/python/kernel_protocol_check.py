#!/usr/bin/python3
"""Talks to an installed tunebook kernel over the Jupyter protocol (Debian's python3-jupyter-client)
and checks what a notebook front end relies on: errors that name the cell line, completion,
inspection, an interrupt that stops training at a step boundary and leaves the model usable, an
interrupt that stops a busy cell, and %classpath. Exits non-zero with a message on the first failure.

usage: kernel_protocol_check.py KERNEL_NAME MODEL_DIR
"""
import sys
import time

try:
    from jupyter_client.manager import KernelManager
except ImportError:
    sys.exit("missing Python module jupyter_client: apt-get install -y --no-install-recommends python3-jupyter-client")


def check(condition, what):
    if not condition:
        sys.exit("FAILED: " + what)
    print("ok:", what.split(":")[0])


def execute(kc, code, on_iopub=None, timeout=300):
    """Runs code; returns (reply content, iopub messages of this request)."""
    msg_id = kc.execute(code)
    messages = []
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if on_iopub:
            on_iopub(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=max(1, deadline - time.monotonic()))
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=max(1, deadline - time.monotonic()))
    return reply["content"], messages


def text_of(messages, msg_types):
    return [m["content"]["data"].get("text/plain", "") for m in messages if m["msg_type"] in msg_types]


def main():
    kernel_name, model_dir = sys.argv[1], sys.argv[2]
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)

        reply, _ = execute(kc, "int a = 1;\nint b = nope + a;")
        check(reply["status"] == "error" and reply["ename"] == "CompilationError"
              and reply["evalue"] == "cell line 2: cannot find symbol", "compile error names the cell line: %s" % reply)

        reply, out = execute(kc, "void boom() {\n  throw new IllegalStateException(\"boom\");\n}\nboom();")
        errors = [m["content"] for m in out if m["msg_type"] == "error"]
        check(reply["status"] == "error" and reply["evalue"].startswith("IllegalStateException: boom (cell [")
              and "line 2)" in reply["evalue"] and any("at boom (cell [" in line for line in errors[0]["traceback"]),
              "runtime error keeps its type and cell line: %s" % reply)

        msg_id = kc.complete("Notebook.disp", 13)
        reply = kc.get_shell_msg(timeout=30)
        check("display(" in reply["content"]["matches"], "completion: %s" % reply["content"])

        kc.inspect("CausalLM.load(", 10)
        reply = kc.get_shell_msg(timeout=30)
        check(reply["content"]["found"] and "load(" in reply["content"]["data"]["text/plain"],
              "inspection: %s" % reply["content"])

        reply, _ = execute(kc, "%classpath /nonexistent/extra.jar")
        check(reply["status"] == "error" and "/nonexistent/extra.jar does not exist" in reply["evalue"],
              "%%classpath names a missing jar: %s" % reply)

        reply, _ = execute(kc, f"""
var model = CausalLM.load(Path.of("{model_dir}"));
int[] tokens = Arrays.stream(model.tokenizer().encode("Pour installer un paquet, il faut utiliser la commande apt. ".repeat(20), false))
        .mapToInt(id -> (int) id).toArray();
var arguments = TrainingArguments.builder().maxSteps(100000).loggingSteps(1).gradientAccumulationSteps(1).build();
var windows = new TokenWindows(tokens, 0, tokens.length, 2, 16, 1);
var trainer = Trainer.builder().fullFineTuning(model).arguments(arguments)
        .trainData(TrainingData.endless(() -> windows)).build();""")
        check(reply["status"] == "ok", "training set up: %s" % reply)

        updates = []

        def interrupt_after_first_update(msg):
            if msg["msg_type"] == "update_display_data":
                updates.append(msg["content"])
                if len(updates) == 1:
                    km.interrupt_kernel()

        started = time.monotonic()
        reply, out = execute(kc, "Notebook.train(trainer)", on_iopub=interrupt_after_first_update)
        check(reply["status"] == "ok", "interrupted training ends the cell normally: %s" % reply)
        result = text_of(out, ("execute_result",))
        check(result and result[0].startswith("interrupted after"), "the training result says it was interrupted: %s"
              % result)
        last = updates[-1]
        check("interrupted after" in last["data"]["text/plain"] and "data:image/png;base64," in last["data"]["text/html"]
              and last["transient"]["display_id"], "the live view says it was interrupted: %s" % last["data"]["text/plain"])
        print("   interrupt to end of cell: %.1f s, %d live updates" % (time.monotonic() - started, len(updates)))

        reply, out = execute(kc, "trainer.close();\nGenerator.of(model).generate(\"Pour installer\", "
                                 "GenerationSettings.builder().maxNewTokens(5).temperature(0).build()).text()")
        check(reply["status"] == "ok" and text_of(out, ("execute_result",)), "the model works after the interrupt: %s" % reply)

        msg_id = kc.execute("long n = 0;\nwhile (true) { n++; }")
        time.sleep(2)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=60)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=60)
        check(reply["content"]["status"] == "error" and reply["content"]["ename"] == "CellInterrupted",
              "a busy cell is stopped: %s" % reply["content"])
        reply, out = execute(kc, "40 + 2")
        check(text_of(out, ("execute_result",)) == ["42"], "the kernel runs the next cell: %s" % out)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
