"""Re-execute notebooks in place, deterministically (the `make execute` target).

Each notebook runs top to bottom in a fresh kernel started in its own folder; notebooks run in parallel over
the CPU cores (``SCALINGLAWS_JOBS`` to choose how many; they are independent, so the result does not depend
on it). Stored outputs are replaced; nothing time-dependent is written (no timing metadata, cell ids kept), so
running this twice in a row gives byte-identical files and `git status` stays clean when nothing changed.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def normalise(nb: nbformat.NotebookNode) -> None:
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"  # stable ids: position-based, never random
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if cell.cell_type == "code":
            cell["outputs"] = merge_streams(cell.get("outputs", []))
            for out in cell["outputs"]:
                out.get("metadata", {}).pop("execution", None)


def merge_streams(outputs: list) -> list:
    """Merge consecutive stdout (or stderr) chunks: how printed text is split depends on timing."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == out.get("name")
        ):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        allow_errors=False,
    )
    client.execute()
    normalise(nb)
    nbformat.validate(nb)
    text = nbformat.writes(nb) + "\n"
    if path.read_text() != text:
        path.write_text(text)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: execute_notebooks.py NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    jobs = int(os.environ.get("SCALINGLAWS_JOBS") or len(os.sched_getaffinity(0)))
    paths = [Path(name) for name in argv]
    status = 0
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(paths)))) as pool:
        futures = [pool.submit(execute, path) for path in paths]
        for name, future in zip(argv, futures, strict=True):
            try:
                print(f"{name}: executed in {future.result():.1f} s")
            except Exception as exc:  # report every notebook, then fail
                last = (str(exc).strip().splitlines() or [""])[-1]
                print(f"{name}: FAILED: {type(exc).__name__}: {last}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
