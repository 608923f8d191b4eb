"""Study time of a chapter, computed from the chapter's own source (the "In this chapter" block).

Every chapter opens with its learning objectives, its prerequisites and an estimated time to read it and
to do its exercises. The time is not typed: :func:`study_time` counts, in the notebook itself,

- the **prose words**: whitespace-separated words (holding a letter or digit, so a heading's ``#`` is not
  one) of the markdown cells, outside the solutions, without MyST syntax lines (directive fences with their
  titles, ``:option:`` lines, ``(label)=`` targets); a glued number counts as one word;
- the **shown code cells**: code cells not tagged ``remove-cell`` (the parameters cell included; a cell tagged
  ``remove-input`` still shows its chart), outside the solutions: each is read with its output (a table, a
  chart);
- the **exercises**: ``{exercise}`` directives,

and :func:`reading_minutes` / :func:`exercise_minutes` turn the counts into minutes with the constants
below. They are conventions for planning a class, not measurements, and are stated as such in the book:

- :data:`WORDS_PER_MINUTE` = 200, a planning speed for technical prose with equations;
- :data:`MINUTES_PER_CODE_CELL` = 2, to read a short call and its table or chart;
- :data:`MINUTES_PER_EXERCISE` = 15, to do one exercise and compare with its solution.

Times are rounded up to :data:`ROUND_MINUTES` minutes, so the glued text does not change with a word.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scalinglaws.book.format import Glued, glue_all

__all__ = [
    "MINUTES_PER_CODE_CELL",
    "MINUTES_PER_EXERCISE",
    "ROUND_MINUTES",
    "WORDS_PER_MINUTE",
    "StudyTime",
    "fmt_minutes",
    "glue_time",
    "study_time",
    "time_text",
]

#: Reading speed for the chapters' prose (words per minute); a planning convention.
WORDS_PER_MINUTE = 200
#: Minutes to read one shown code cell and its output; a planning convention.
MINUTES_PER_CODE_CELL = 2
#: Minutes to do one exercise and compare with its solution; a planning convention.
MINUTES_PER_EXERCISE = 15
#: Times are rounded up to a multiple of this many minutes.
ROUND_MINUTES = 5

HIDDEN_TAGS = frozenset({"remove-cell"})
_MARK = re.compile(r"^`{3,}\{solution-(start|end)\}.*$", re.M)
_SOLUTION_BLOCK = re.compile(r"^(`{3,})\{solution\}.*?^\1[ \t]*$", re.M | re.S)
_SYNTAX_LINE = re.compile(r"^\s*(`{3,}.*|:[\w-]+:.*|\([\w-]+\)=)\s*$")
_WORD = re.compile(r"\S*\w\S*")
_EXERCISE = re.compile(r"^`{3,}\{exercise\}", re.M)


@dataclass(frozen=True)
class StudyTime:
    """What a chapter asks of a reader: prose ``words``, shown ``code_cells`` and ``exercises``."""

    words: int
    code_cells: int
    exercises: int

    @property
    def reading_minutes(self) -> float:
        """Minutes to read the prose and the shown code cells with their outputs."""
        return self.words / WORDS_PER_MINUTE + self.code_cells * MINUTES_PER_CODE_CELL

    @property
    def exercise_minutes(self) -> float:
        """Minutes to do every exercise."""
        return self.exercises * MINUTES_PER_EXERCISE


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def _prose_words(text: str) -> int:
    text = _SOLUTION_BLOCK.sub("", text)
    lines = [line for line in text.splitlines() if not _SYNTAX_LINE.match(line)]
    return len(_WORD.findall("\n".join(lines)))


def study_time(nb: Mapping[str, Any] | str | Path) -> StudyTime:
    """Count a notebook's prose words, shown code cells and exercises (see the module's docstring).

    ``nb`` is a notebook as a mapping (``nbformat`` or parsed JSON) or the path of an ``.ipynb`` file.
    Text between ``{solution-start}`` and ``{solution-end}`` (and inside a ``{solution}`` block) is part
    of the exercise time, not of the reading.
    """
    if isinstance(nb, str | Path):
        nb = json.loads(Path(nb).read_text(encoding="utf-8"))
    words = code_cells = exercises = 0
    inside = False
    for cell in nb["cells"]:
        text = _source(cell)
        if cell["cell_type"] == "markdown":
            exercises += len(_EXERCISE.findall(text))
            start = 0
            for mark in _MARK.finditer(text):
                if not inside:
                    words += _prose_words(text[start : mark.start()])
                inside = mark.group(1) == "start"
                start = mark.end()
            if not inside:
                words += _prose_words(text[start:])
        elif cell["cell_type"] == "code" and not inside:
            tags = set(cell.get("metadata", {}).get("tags", []))
            code_cells += not tags & HIDDEN_TAGS
    return StudyTime(words=words, code_cells=code_cells, exercises=exercises)


def fmt_minutes(minutes: float) -> str:
    """``minutes`` rounded up to :data:`ROUND_MINUTES`, as "40 minutes", "1 hour", "1 hour 25 minutes"."""
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"minutes must be finite and non-negative, got {minutes!r}")
    total = ROUND_MINUTES * math.ceil(minutes / ROUND_MINUTES - 1e-9)
    hours, rest = divmod(total, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours > 1 else ""))
    if rest or not hours:
        parts.append(f"{rest} minutes")
    return " ".join(parts)


def time_text(t: StudyTime) -> str:
    """One phrase for the block: "about 45 minutes of reading and 1 hour for the 4 exercises"."""
    n = "exercise" if t.exercises == 1 else f"{t.exercises} exercises"
    return (
        f"about {fmt_minutes(t.reading_minutes)} of reading and "
        f"{fmt_minutes(t.exercise_minutes)} for the {n}"
    )


def glue_time(chapter_id: str, prefix: str) -> Glued:
    """Glue ``<prefix>_time``: the study time of chapter ``chapter_id``, counted from its notebook source."""
    from scalinglaws.book.chapters import get_chapter

    return glue_all({f"{prefix}_time": time_text(study_time(get_chapter(chapter_id).notebook))})
