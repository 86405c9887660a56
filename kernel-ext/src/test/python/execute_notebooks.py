#!/usr/bin/python3
"""Executes notebooks headless against an installed Jupyter kernel with nbclient (Debian's
python3-nbclient), writes each executed notebook and its HTML export (python3-nbconvert), and a
summary.json that the Java integration test checks: errors, MIME types of every output, timings.

usage: execute_notebooks.py --kernel NAME --out DIR NOTEBOOK.ipynb...
"""
import argparse
import json
import pathlib
import sys
import time

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter
except ImportError as e:
    sys.exit(f"missing Python module {e.name}: apt-get install -y --no-install-recommends "
             "python3-nbclient python3-nbconvert")


def outputs_of(cell):
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        yield {
            "output_type": out["output_type"],
            "mime_types": sorted(data),
            "text": data.get("text/plain", out.get("text", "")),
            "html": data.get("text/html", ""),
            "ename": out.get("ename"),
            "evalue": out.get("evalue"),
        }


def run(path, kernel, out_dir):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=600, startup_timeout=120,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.monotonic()
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = str(e)
    seconds = time.monotonic() - start
    nbformat.write(nb, out_dir / path.name)
    # No scripts fetched from the network: the page must render offline.
    exporter = HTMLExporter(mathjax_url="", require_js_url="", jquery_url="")
    html, _ = exporter.from_notebook_node(nb)
    html_path = out_dir / (path.stem + ".html")
    html_path.write_text(html, encoding="utf-8")
    return {
        "notebook": path.name,
        "seconds": round(seconds, 2),
        "error": error,
        "html": str(html_path),
        "cells": [{"index": i, "type": c.cell_type, "outputs": list(outputs_of(c))}
                  for i, c in enumerate(nb.cells)],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    summary = [run(p.resolve(), args.kernel, args.out) for p in args.notebooks]
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    for s in summary:
        print(f"{s['notebook']}: {s['seconds']} s, {'ERROR' if s['error'] else 'ok'}")


if __name__ == "__main__":
    main()
