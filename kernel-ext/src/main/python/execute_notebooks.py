#!/usr/bin/python3
"""Executes notebooks headless against an installed Jupyter kernel with nbclient (Debian's
python3-nbclient), writes each executed notebook and its HTML export (python3-nbconvert), and a
summary.json that the Java integration test checks: errors, MIME types of every output, timings,
and the verdict of every exercise check cell (display.Check's data-check attribute).

With --solutions DIR, each notebook's exercise cells are first replaced by the sources in
DIR/NAME.json ({"notebook": ..., "cells": {cell id: source}}), and the cells after the last check
cell are left out (they run in the notebook as shipped; the solved run is about the checks).

With --render, the notebooks run as shipped and each executed copy is written to DIR as the
rendering a reader browses in the repository (`bin/tunebook notebooks render` writes
notebooks/rendered/): no HTML, no timings in the cells' metadata, and in the notebook's metadata
tunebook.rendered = {source_sha256, date}, the hash of the source notebook it was made from, which
RenderedNotebooksTest compares. A notebook whose run fails is not written (exit 1).

usage: execute_notebooks.py --kernel NAME --out DIR [--solutions DIR | --render] NOTEBOOK.ipynb...
"""
import argparse
import datetime
import hashlib
import json
import pathlib
import re
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


CHECK = re.compile(r'class="tunebook-check" data-check="([a-z-]+)"')


def checks_of(cell):
    """The verdicts the cell's outputs show, in order."""
    return [m.group(1) for out in outputs_of(cell) for m in CHECK.finditer(out["html"])]


def apply_solutions(nb, path, solutions_dir):
    """Replaces the exercise cells by their solutions; drops the cells after the last check cell."""
    file = solutions_dir / (path.stem + ".json")
    if not file.exists():
        return 0
    cells = json.loads(file.read_text(encoding="utf-8"))["cells"]
    by_id = {c.get("id"): c for c in nb.cells}
    missing = sorted(set(cells) - set(by_id))
    if missing:
        raise SystemExit(f"{file}: no cell with id {', '.join(missing)} in {path.name}")
    for cell_id, source in cells.items():
        by_id[cell_id].source = source
    last_check = max((i for i, c in enumerate(nb.cells) if "check" in c.metadata.get("tags", [])), default=-1)
    if last_check >= 0:
        del nb.cells[last_check + 1:]
    return len(cells)


def render(path, kernel, out_dir):
    """Runs the notebook as shipped and writes its executed copy, stamped with its source's hash."""
    source = path.read_bytes()
    nb = nbformat.reads(source.decode("utf-8"), as_version=4)
    # No timestamps in the cells: a rendering that did not change should not show up in a diff.
    client = NotebookClient(nb, kernel_name=kernel, timeout=600, startup_timeout=120, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as e:
        print(f"{path.name}: not rendered, a cell failed:\n{e}", file=sys.stderr)
        return False
    nb.metadata.setdefault("tunebook", {})["rendered"] = {
        "source_sha256": hashlib.sha256(source).hexdigest(),
        "date": datetime.date.today().isoformat(),
    }
    nbformat.write(nb, out_dir / path.name)
    print(f"{path.name}: rendered in {time.monotonic() - start:.1f} s")
    return True


def run(path, kernel, out_dir, solutions_dir=None):
    nb = nbformat.read(path, as_version=4)
    solved = apply_solutions(nb, path, solutions_dir) if solutions_dir else None
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
        "solutions_applied": solved,
        "check_cells": sum(1 for c in nb.cells if "check" in c.metadata.get("tags", [])),
        "checks": [v for c in nb.cells for v in checks_of(c)],
        "cells": [{"index": i, "type": c.cell_type, "outputs": list(outputs_of(c))}
                  for i, c in enumerate(nb.cells)],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--solutions", type=pathlib.Path)
    parser.add_argument("--render", action="store_true")
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.render:
        failed = [p.name for p in args.notebooks if not render(p.resolve(), args.kernel, args.out)]
        sys.exit(f"not rendered: {', '.join(failed)}" if failed else 0)
    summary = [run(p.resolve(), args.kernel, args.out, args.solutions) for p in args.notebooks]
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    for s in summary:
        checks = f", checks {' '.join(s['checks'])}" if s["checks"] else ""
        print(f"{s['notebook']}: {s['seconds']} s, {'ERROR' if s['error'] else 'ok'}{checks}")


if __name__ == "__main__":
    main()
