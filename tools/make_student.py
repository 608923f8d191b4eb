"""Student notebooks and autograders for every chapter: ``_build/student/`` (``make student``; issue #14).

For each chapter this writes

* ``<stem>.ipynb``: the student version (prose with the run's numbers, visible code, each exercise a
  question; no solution text; autograded questions ask for named values and carry public checks);
* ``<stem>-autograder.zip``: otter-grader's archive with the public and hidden tests, which
  ``make grade`` (``tools/grade.py``) uses offline;
* ``solutions/<stem>.ipynb``: the solution version (for the instructor; it scores full marks).

By default the source is each chapter as stored (its default parameters). ``--source`` adds student
notebooks made from executed runs, e.g. the folder written by
``scalinglaws run CHAPTER --grid students.csv -o runs/``: each ``<stem>-<name>.ipynb`` becomes a student
notebook of the same name, with that student's parameters in its parameters cell, its prose numbers
from that run and the parameters recorded for grading.

Usage::

    python tools/make_student.py [--out DIR] [--source FILE_OR_DIR ...] [--only CHAPTER_ID ...]

Errors (an unknown chapter, a source that is not an executed chapter notebook) are one line, exit 2,
and nothing is written for that source.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from scalinglaws.book import chapters, student  # noqa: E402
from scalinglaws.core.errors import ScalingLawsError  # noqa: E402

BIB = REPO / "book" / "references.bib"


def chapter_of(path: Path) -> chapters.Chapter:
    """The chapter an executed notebook was made from (papermill's input path, else its name)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    input_path = nb.get("metadata", {}).get("papermill", {}).get("input_path") or ""
    stems = {Path(input_path).stem, path.stem, path.stem.split("-")[0]}
    for chapter in chapters.CHAPTERS.values():
        if chapter.notebook.stem in stems:
            return chapter
    raise ScalingLawsError(
        f"{path}: not an executed chapter notebook (no chapter matches its name)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "_build" / "student")
    ap.add_argument("--source", type=Path, nargs="*", default=[], help="executed chapter runs")
    ap.add_argument("--only", nargs="*", default=None, help="chapter ids (default: all)")
    args = ap.parse_args(argv)
    try:
        ids = args.only or list(chapters.CHAPTERS)
        for cid in ids:
            chapters.get_chapter(cid)
        extra: list[Path] = []
        for src in args.source:
            if src.is_dir():
                extra += sorted(p for p in src.glob("*.ipynb") if not p.name.startswith("."))
            elif src.suffix == ".ipynb" and src.is_file():
                extra.append(src)
            else:
                raise ScalingLawsError(f"--source {src}: not a folder or an .ipynb file")
        for cid in ids:
            chapter = chapters.get_chapter(cid)
            nb, zipped = student.make_student(
                chapter.notebook, args.out, chapter_id=cid, bib=BIB, root=REPO
            )
            print(
                f"{cid}: {nb.relative_to(args.out.parent) if nb.is_relative_to(args.out.parent) else nb}"
            )
        for path in extra:
            chapter = chapter_of(path)
            nb, _ = student.make_student(
                path, args.out / "runs", chapter_id=chapter.id, bib=BIB, root=REPO
            )
            print(f"{chapter.id}: {nb}")
    except ScalingLawsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
