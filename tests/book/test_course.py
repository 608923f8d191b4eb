"""The course edition: study times counted from a chapter's source, and every chapter's opening block."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from scalinglaws.book import chapters as chapter_registry
from scalinglaws.book import course

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("0*.ipynb"))
PREFIX = {
    "power-laws": "pl",
    "kaplan": "kap",
    "gpt-series": "gpt",
    "chinchilla": "chin",
    "slowdown": "slow",
    "reasoning": "rsn",
    "what-next": "next",
}


def toy_notebook() -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    hidden = code("_ = glue()")
    hidden.metadata["tags"] = ["remove-cell"]
    figure = code("figure()")
    figure.metadata["tags"] = ["remove-input"]
    params = code("seed = 1")
    params.metadata["tags"] = ["parameters"]
    cells = [
        md("# A title\n\nfive words of prose here."),  # 2 + 5 words ("#" is not a word)
        params,  # shown
        md("(toy-label)=\n## One section\n\nthree more words"),  # 2 + 3 words; the label is syntax
        hidden,  # not shown
        figure,  # shown: its chart is read
        md(
            "```{exercise} Two words\n:label: toy-ex-1\n\nSay four words here.\n```"
        ),  # 4 words: the fence and its title are syntax
        md(
            "```{solution-start} toy-ex-1\n:class: dropdown\n```\n\nNine words of solution are not read as prose"
        ),
        code("print(1)"),  # inside the solution: exercise time
        md("```{solution-end}\n```\n\nback to prose"),  # 3 words
        md(
            "````{exercise} Another\n:label: toy-ex-2\n\nOne.\n````\n\n```{solution} toy-ex-2\n:class: dropdown\nHidden words.\n```"
        ),  # 1 word
    ]
    return nbformat.v4.new_notebook(cells=cells)


def test_study_time_counts_a_toy_notebook_by_hand():
    t = course.study_time(toy_notebook())
    # words: 7 + 5 + 4 + 3 + 1 = 20 (fences, options and labels are not words; solutions are not prose)
    assert (t.words, t.code_cells, t.exercises) == (20, 2, 2)
    assert t.reading_minutes == pytest.approx(20 / 200 + 2 * 2)
    assert t.exercise_minutes == 30


def test_study_time_reads_a_file(tmp_path):
    path = tmp_path / "toy.ipynb"
    nbformat.write(toy_notebook(), path)
    assert course.study_time(path) == course.study_time(toy_notebook())
    assert course.study_time(json.loads(path.read_text())) == course.study_time(toy_notebook())


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 minutes"),
        (0.2, "5 minutes"),
        (5, "5 minutes"),
        (41, "45 minutes"),
        (60, "1 hour"),
        (61, "1 hour 5 minutes"),
        (120, "2 hours"),
        (143, "2 hours 25 minutes"),
    ],
)
def test_fmt_minutes_rounds_up_to_five(minutes, text):
    assert course.fmt_minutes(minutes) == text


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_fmt_minutes_rejects_bad_values(bad):
    with pytest.raises(ValueError):
        course.fmt_minutes(bad)


def test_time_text():
    t = course.StudyTime(words=4000, code_cells=5, exercises=3)  # 20 + 10 min; 45 min
    assert course.time_text(t) == "about 30 minutes of reading and 45 minutes for the 3 exercises"
    one = course.StudyTime(words=0, code_cells=0, exercises=1)
    assert course.time_text(one).endswith("15 minutes for the exercise")


REF = re.compile(r"\{ref\}`(?:[^`<]*<([\w-]+)>|([\w-]+))`")


def _refs(text: str) -> list[str]:
    return [a or b for a, b in REF.findall(text)]


def _labels(nb: dict) -> set[str]:
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return set(re.findall(r"^\(([\w-]+)\)=", text, re.M)) | set(
        re.findall(r"^:label: ([\w-]+)", text, re.M)
    )


def _all_labels() -> set[str]:
    labels: set[str] = set()
    for path in CHAPTERS:
        labels |= _labels(json.loads(path.read_text()))
    for path in (ROOT / "book").glob("*.md"):
        labels |= set(re.findall(r"^\(([\w-]+)\)=", path.read_text(), re.M))
    return labels


def test_prefixes_cover_every_chapter():
    assert set(PREFIX) == set(chapter_registry.CHAPTERS)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_opens_with_objectives_prerequisites_and_time(path):
    nb = json.loads(path.read_text())
    chapter_id = next(
        cid for cid, c in chapter_registry.CHAPTERS.items() if c.notebook.name == path.name
    )
    prefix = PREFIX[chapter_id]
    first = "".join(nb["cells"][0]["source"])
    block = re.search(r"```\{admonition\} In this chapter\n(.*?)\n```", first, re.S)
    assert block, "the chapter's first cell holds the 'In this chapter' block"
    title, first_paragraph = first.split("\n\n")[:2]
    assert title.startswith("# ") and first.index(block.group(0)) > len(title) + len(
        first_paragraph
    )
    text = block.group(1)
    objectives = re.findall(r"^- (.*)$", text, re.M)
    assert 3 <= len(objectives) <= 5
    own, every = _labels(nb), _all_labels()
    for objective in objectives:
        refs = _refs(objective)
        assert refs and all(r in own for r in refs), (
            f"objective not tied to this chapter: {objective}"
        )
    assert "**Prerequisites:**" in text and "Math:" in text
    for ref in _refs(text):
        assert ref in every, f"{ref!r} is not a label of the book"
    assert f"{{glue:md}}`{prefix}_time`" in text
    glue_cells = [
        "".join(c["source"])
        for c in nb["cells"]
        if c["cell_type"] == "code"
        and f'glue_time("{chapter_id}", "{prefix}")' in "".join(c["source"])
    ]
    assert len(glue_cells) == 1
    hidden = [c for c in nb["cells"] if f'glue_time("{chapter_id}"' in "".join(c["source"])]
    assert hidden[0]["metadata"].get("tags") == ["remove-cell"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_stored_time_is_the_one_computed_from_the_source(path):
    nb = json.loads(path.read_text())
    chapter_id = next(
        cid for cid, c in chapter_registry.CHAPTERS.items() if c.notebook.name == path.name
    )
    name = f"{PREFIX[chapter_id]}_time"
    stored = [
        "".join(text)
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if o.get("metadata", {}).get("scrapbook", {}).get("name") == name
        for mime, text in o["data"].items()
        if mime.endswith("text/markdown")
    ]
    assert stored == [course.time_text(course.study_time(path))]
