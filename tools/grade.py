"""Grade a folder of submitted student notebooks offline: one CSV row per question (``make grade``).

Usage::

    python tools/grade.py SUBMISSIONS [--autograders DIR] [--out FILE]

``--autograders`` defaults to ``_build/student`` (written by ``make student``), ``--out`` to
``_build/grades.csv``. Each submission is graded by otter-grader (``otter run``, no Docker) against the
parameters stored in it (see :mod:`scalinglaws.book.grading`); a submission that cannot be graded gets an
``error`` row and the others are still graded. A missing or empty SUBMISSIONS folder: one line, exit 2,
nothing written.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from scalinglaws.book import grading  # noqa: E402
from scalinglaws.core.errors import ScalingLawsError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("submissions", type=Path)
    ap.add_argument("--autograders", type=Path, default=REPO / "_build" / "student")
    ap.add_argument("--out", type=Path, default=REPO / "_build" / "grades.csv")
    args = ap.parse_args(argv)
    try:
        rows = grading.grade(args.submissions, args.autograders, args.out)
    except ScalingLawsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        if r.status != "manual":
            totals[r.file][0] += r.points or 0.0
            totals[r.file][1] += r.possible or 0.0
    for name, (got, possible) in sorted(totals.items()):
        print(f"{name}: {got:g} / {possible:g} autograded points")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
