"""Grade a folder of submitted student notebooks offline (otter-grader 7, no Docker; issue #14).

Each submission is graded against *its own* parameters: the values papermill stored in the notebook's
metadata (``metadata.papermill.parameters``, written by ``scalinglaws run --grid`` and carried into the
student notebook by ``make student``) are validated against the chapter's declaration and injected again
before the notebook runs, so a student who edits the parameters cell is still graded on the numbers they
were given. ``otter run`` executes the notebook (a cell that raises does not stop it: the questions that
depend on it score zero) and runs the hidden tests; one row per question is written:
``file, chapter, question, points, possible, status`` with status ``autograded``, ``manual`` (points left
empty for the instructor) or ``error`` (the submission could not be graded; the message says why).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scalinglaws.book import chapters
from scalinglaws.core.errors import InputError, ScalingLawsError

FIELDS = ("file", "chapter", "question", "points", "possible", "status", "message")


@dataclass(frozen=True)
class Row:
    file: str
    chapter: str
    question: str
    points: float | None
    possible: float | None
    status: str
    message: str = ""


def _chapter_of(nb: dict, path: Path) -> str:
    meta = nb.get("metadata", {}).get("scalinglaws", {})
    cid = meta.get("chapter")
    if not cid:
        raise InputError(f"{path.name}: not a student notebook (no metadata.scalinglaws.chapter)")
    chapters.get_chapter(cid)  # raises a one-line error for an unknown id
    return cid


def _inject(nb: dict, cid: str) -> dict:
    """``nb`` with its stored papermill parameters validated and injected after the parameters cell."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    params = nb.get("metadata", {}).get("papermill", {}).get("parameters") or {}
    values = chapters.validate(cid, params)
    node = nbformat.from_dict(nb)
    for cell in node.cells:  # papermill reads every cell's tags
        cell.metadata.setdefault("tags", [])
    return parameterize_notebook(node, values, kernel_name="python3", language="python")


def grade_one(path: Path, autograders: Path, *, timeout: float = 1800) -> list[Row]:
    """Rows for one submission (never raises for a bad submission: an ``error`` row instead)."""
    name = path.name
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cid = _chapter_of(nb, path)
        chapter = chapters.get_chapter(cid)
        stem = chapter.notebook.stem
        archive = autograders / f"{stem}-autograder.zip"
        if not archive.is_file() or not (autograders / f"{stem}.ipynb").is_file():
            raise InputError(f"{name}: no autograder {archive} (run make student)")
        injected = _inject(nb, cid)
    except Exception as exc:  # a malformed submission must not stop the grading of the others
        why = str(exc) if isinstance(exc, ScalingLawsError) else f"{type(exc).__name__}: {exc}"
        return [Row(name, "", "", 0.0, None, "error", (why.splitlines() or [""])[0])]

    # the questions as the instructor's generated notebook lists them (never the submission's copy)
    listed = nb_source(autograders / f"{stem}.ipynb")["metadata"]["scalinglaws"]["questions"]
    questions = [_Q(q["name"], float(q["points"]), bool(q["graded"])) for q in listed]
    scored, failure = _otter_run(injected, archive, chapter, timeout)
    rows = []
    for q in questions:
        if not q.graded:
            rows.append(Row(name, cid, q.name, None, q.points, "manual"))
        elif failure:
            rows.append(Row(name, cid, q.name, 0.0, q.points, "error", failure))
        else:
            points, possible = scored.get(q.name, (0.0, q.points))
            rows.append(Row(name, cid, q.name, points, possible, "autograded"))
    return rows


def _otter_run(
    nb: Any, archive: Path, chapter: chapters.Chapter, timeout: float
) -> tuple[dict[str, tuple[float, float]], str]:
    """``otter run`` on ``nb``: (question -> (score, max score), "") or ({}, the one-line failure)."""
    import nbformat

    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        work = Path(tmp)
        sub = work / f"{chapter.notebook.stem}.ipynb"
        nbformat.write(nb, str(sub))
        cmd = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(archive)]
        try:
            proc = subprocess.run(
                [*cmd, "-o", str(work), str(sub)],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=chapter.notebook.parent,
                # otter runs the notebook in a scratch folder: the book is found through the environment
                env={**os.environ, chapters.BOOK_ROOT_ENV: str(chapter.notebook.parent.parent)},
            )
        except subprocess.TimeoutExpired:
            return {}, f"otter run failed: no result after {timeout:g} s"
        results = work / "results.json"
        if proc.returncode != 0 or not results.is_file():
            last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
            return {}, f"otter run failed: {last}"
        return {
            t["name"]: (float(t.get("score", 0.0)), float(t.get("max_score", 0.0)))
            for t in json.loads(results.read_text())["tests"]
            if "max_score" in t
        }, ""


@dataclass(frozen=True)
class _Q:
    name: str
    points: float
    graded: bool


def nb_source(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def grade(
    submissions: Path, autograders: Path, out_csv: Path, *, progress: bool = True
) -> list[Row]:
    """Grade every ``*.ipynb`` in ``submissions``; write ``out_csv``; return the rows."""
    submissions, autograders = Path(submissions), Path(autograders)
    if not submissions.is_dir():
        raise InputError(f"SUBMISSIONS: {submissions} is not a folder")
    files = sorted(p for p in submissions.glob("*.ipynb") if not p.name.startswith("."))
    if not files:
        raise InputError(f"SUBMISSIONS: no .ipynb files in {submissions}")
    from tqdm.auto import tqdm

    rows: list[Row] = []
    for path in tqdm(files, desc="grading", unit="notebook", disable=not progress):
        rows += grade_one(path, autograders)
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with out_csv.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(FIELDS)
        for r in rows:
            w.writerow(
                [
                    r.file,
                    r.chapter,
                    r.question,
                    "" if r.points is None else f"{r.points:g}",
                    "" if r.possible is None else f"{r.possible:g}",
                    r.status,
                    r.message,
                ]
            )
    return rows
