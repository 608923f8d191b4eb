"""Every exercise can be started from what the web page shows.

A reader of the HTML book sees the visible code cells (those not tagged ``remove-cell`` or
``remove-input``) and the exercises. For each chapter this test executes *only* the parameters cell and the
visible cells outside the solutions, in order, then every solution's code cells: a solution that uses a name
defined only in a hidden cell fails here. It also checks the chapter-size rules of the book's design
(CONTRIBUTING.md): at most 200 code lines per chapter (an exercise's hidden test cells, tagged
``exercise-test`` or ``exercise-test-public``, do not count; each has at most 10), no cell over 25 lines, no
function or lambda defined in a chapter.

The executions are marked ``corners`` (they run with ``make corners``, in parallel); the size rules run
with the unit tests.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
HIDDEN = {"remove-cell", "remove-input"}
START = re.compile(r"```\{solution-start\}")
END = re.compile(r"```\{solution-end\}")
MAX_CHAPTER_LINES = 200
MAX_CELL_LINES = 25
#: Tags of the hidden cells that check an exercise's answers (scalinglaws.book.student).
TEST_TAGS = {"exercise-test", "exercise-test-public"}
MAX_TEST_LINES = 10


def _code_lines(source: str) -> int:
    return sum(
        1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#")
    )


def classify(nb: dict) -> tuple[list[str], list[list[str]]]:
    """(visible setup cells in order, [code cells of each solution])."""
    setup: list[str] = []
    solutions: list[list[str]] = []
    inside = False
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            # the last marker in a markdown cell decides whether the code after it is in a solution
            marks = [(m.start(), True) for m in START.finditer(source)]
            marks += [(m.start(), False) for m in END.finditer(source)]
            if marks:
                was = inside
                inside = max(marks)[1]
                if inside and (not was or len(marks) > 1):
                    solutions.append([])
            continue
        if cell["cell_type"] != "code":
            continue
        tags = set(cell["metadata"].get("tags", []))
        if inside:
            solutions[-1].append(source)
        elif "parameters" in tags or not tags & HIDDEN:
            setup.append(source)
    return setup, [s for s in solutions if s]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_size(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    total = 0
    problems = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        n = _code_lines(source)
        if set(cell["metadata"].get("tags", [])) & TEST_TAGS:
            # an exercise's autograding check (hidden; becomes an otter test): short, not chapter code
            if n > MAX_TEST_LINES:
                problems.append(f"cell {i}: a test cell of {n} code lines (max {MAX_TEST_LINES})")
        else:
            total += n
        if n > MAX_CELL_LINES:
            problems.append(f"cell {i}: {n} code lines (max {MAX_CELL_LINES})")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                problems.append(
                    f"cell {i}: defines a {type(node).__name__} (move it to the library)"
                )
    if total > MAX_CHAPTER_LINES:
        problems.append(f"{total} code lines in the chapter (max {MAX_CHAPTER_LINES})")
    assert not problems, "\n".join(problems)


def test_classify_finds_solutions():
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "a = 1"},
            {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "source": "hidden = 2"},
            {"cell_type": "code", "metadata": {}, "source": "b = a"},
            {"cell_type": "markdown", "metadata": {}, "source": "```{solution-start} ex-1\n```"},
            {"cell_type": "code", "metadata": {}, "source": "s1 = b"},
            {"cell_type": "markdown", "metadata": {}, "source": "```{solution-end}\n```"},
            {"cell_type": "code", "metadata": {}, "source": "c = 3"},
            {"cell_type": "markdown", "metadata": {}, "source": "```{solution-start} ex-2\n```"},
            {"cell_type": "code", "metadata": {}, "source": "s2 = c"},
        ]
    }
    setup, solutions = classify(nb)
    assert setup == ["a = 1", "b = a", "c = 3"]
    assert solutions == [["s1 = b"], ["s2 = c"]]


@pytest.mark.corners
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercises_run_from_visible_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    setup, solutions = classify(nb)
    assert solutions, f"{path.name} has no exercise solutions with code"
    cells = [nbformat.v4.new_code_cell(s) for s in setup]
    cells += [nbformat.v4.new_code_cell(s) for sol in solutions for s in sol]
    run = nbformat.v4.new_notebook(cells=cells, metadata=nb.get("metadata", {}))
    client = NotebookClient(
        run, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
