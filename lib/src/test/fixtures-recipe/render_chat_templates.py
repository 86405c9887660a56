#!/usr/bin/python3
"""Reference renderings of the chat templates in src/test/resources/chat-templates, made by jinja2.

The environment is the one transformers builds in `_compile_jinja_template` (apply_chat_template):
an ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, the loopcontrols extension,
the `tojson` filter that keeps non-ASCII characters, and the globals `raise_exception` and
`strftime_now`; `render` gets `messages`, `tools=None`, `documents=None`, `add_generation_prompt`,
the special tokens and any extra keyword arguments. transformers itself is not needed.

    /usr/bin/python3 lib/src/test/fixtures-recipe/render_chat_templates.py   # (needs python3-jinja2)

writes src/test/resources/chat-templates/reference.json; ChatTemplateTest compares Jinjava with it.
"""
import json
import pathlib
from datetime import datetime

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = pathlib.Path(__file__).resolve().parent.parent / "resources" / "chat-templates"


class TemplateError(Exception):
    pass


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    spec = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
    env = environment()
    out = []
    for case in spec["cases"]:
        name = case["template"]
        source = (HERE / (name + ".jinja")).read_text(encoding="utf-8")
        messages = spec["conversations"][case["conversation"]]
        kwargs = dict(spec["special_tokens"][name])
        kwargs.update(case.get("kwargs", {}))
        result = dict(case)
        try:
            result["rendered"] = env.from_string(source).render(
                messages=messages, tools=None, documents=None,
                add_generation_prompt=case.get("add_generation_prompt", False), **kwargs)
        except TemplateError as e:
            result["error"] = str(e)
        out.append(result)
    text = json.dumps({"jinja2": jinja2.__version__, "renderings": out}, ensure_ascii=False, indent=1)
    (HERE / "reference.json").write_text(text + "\n", encoding="utf-8")
    print(f"{len(out)} renderings by jinja2 {jinja2.__version__} written to {HERE / 'reference.json'}")


if __name__ == "__main__":
    main()
