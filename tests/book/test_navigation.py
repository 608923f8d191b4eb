"""Navigation between the pages: chapters say where they come from and where they go, and every link resolves.

Each chapter opens (before its first section) with an admonition "Where this comes from" and ends with a
last section "Where this goes next"; both link to other chapters, with MyST ``{ref}`` (to a label
``(name)=`` placed before a heading) or ``{doc}``. These checks read the committed sources; the strict
build (``-W -n``) checks the same references again as Sphinx resolves them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = sorted((ROOT / "book").glob("*.md")) + sorted((ROOT / "book").glob("*.ipynb"))

FROM_TITLE = "Where this comes from"
NEXT_TITLE = "Where this goes next"
FROM_BLOCK = re.compile(
    r"^(?P<fence>`{3,})\{admonition\}[ \t]+"
    + FROM_TITLE
    + r"[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)
LABEL = re.compile(r"^\((?P<name>[A-Za-z0-9_.:-]+)\)=[ \t]*$", re.M)
DIRECTIVE_LABEL = re.compile(r"^:label:[ \t]*(?P<name>\S+)[ \t]*$", re.M)
ROLE = re.compile(r"\{(?P<role>ref|doc)\}`(?P<content>[^`]+)`")
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})")


def markdown_of(path: Path) -> str:
    """The page's Markdown: a notebook's markdown cells in order, or a Markdown file."""
    if path.suffix == ".ipynb":
        return notebook_markdown(json.loads(path.read_text(encoding="utf-8")))
    return path.read_text(encoding="utf-8")


def notebook_markdown(nb: dict) -> str:
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def doc_name(path: Path) -> str:
    """Sphinx's name of a page: its path from the book root without suffix."""
    return path.relative_to(ROOT).with_suffix("").as_posix()


def headings(text: str) -> list[tuple[int, int, str]]:
    """(offset, level, title) of every heading outside fenced blocks (code and directives)."""
    out, offset, fence = [], 0, None
    for line in text.splitlines(keepends=True):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m["fence"]
        elif fence is not None and line.strip() and set(line.strip()) == {fence[0]}:
            if len(line.strip()) >= len(fence):
                fence = None
        elif fence is None and (h := re.match(r"^(#{1,6})[ \t]+(.*?)[ \t]*$", line)):
            out.append((offset, len(h[1]), h[2]))
        offset += len(line)
    return out


def labels_in(text: str) -> list[str]:
    return [m["name"] for m in LABEL.finditer(text)] + [
        m["name"] for m in DIRECTIVE_LABEL.finditer(text)
    ]


def label_index(docs: dict[str, str]) -> dict[str, list[str]]:
    """label -> the pages that define it (a label must be defined once)."""
    index: dict[str, list[str]] = {}
    for doc, text in docs.items():
        for name in labels_in(text):
            index.setdefault(name, []).append(doc)
    return index


def target(content: str) -> str:
    m = re.fullmatch(r"(?s).*<([^<>]+)>\s*", content)
    return (m[1] if m else content).strip()


def resolve_doc(doc: str, path: str) -> str:
    """A {doc} target as a page name, relative to the citing page's folder (or to the root with '/')."""
    if path.startswith("/"):
        return path.lstrip("/")
    parts: list[str] = []
    for part in (PurePosixPath(doc).parent / path).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def links(doc: str, text: str, index: dict[str, list[str]]) -> list[tuple[str, str | None]]:
    """(role target, page it points to, or None if it does not resolve) for every {ref} and {doc}."""
    out = []
    for m in ROLE.finditer(text):
        name = target(m["content"])
        if m["role"] == "ref":
            pages = index.get(name, [])
            out.append((name, pages[0] if len(pages) == 1 else None))
        else:
            out.append((name, resolve_doc(doc, name)))
    return out


def other_chapters(doc: str, text: str, index: dict[str, list[str]]) -> set[str]:
    return {
        page
        for _, page in links(doc, text, index)
        if page is not None and page.startswith("chapters/") and page != doc
    }


def navigation_problems(doc: str, text: str, index: dict[str, list[str]]) -> list[str]:
    """What is missing from a chapter's navigation (an empty list when nothing is)."""
    problems = []
    sections = [(offset, title) for offset, level, title in headings(text) if level == 2]
    first_section = sections[0][0] if sections else len(text)
    starts = list(FROM_BLOCK.finditer(text))
    if len(starts) != 1:
        problems.append(f"{doc}: {len(starts)} '{FROM_TITLE}' admonitions (want exactly one)")
    else:
        block = starts[0]
        if block.start() > first_section:
            problems.append(f"{doc}: '{FROM_TITLE}' is not at the start (before the first section)")
        if not other_chapters(doc, block["body"], index):
            problems.append(f"{doc}: '{FROM_TITLE}' links to no other chapter")
    ends = [i for i, (_, title) in enumerate(sections) if title == NEXT_TITLE]
    if len(ends) != 1:
        problems.append(f"{doc}: {len(ends)} '{NEXT_TITLE}' sections (want exactly one)")
    else:
        if ends[0] != len(sections) - 1:
            problems.append(f"{doc}: '{NEXT_TITLE}' is not the last section")
        body = text[sections[ends[0]][0] :]
        if not other_chapters(doc, body, index):
            problems.append(f"{doc}: '{NEXT_TITLE}' links to no other chapter")
    return problems


def body_without_blocks(text: str) -> str:
    """The chapter's text without its two navigation blocks."""
    text = FROM_BLOCK.sub("", text)
    cut = [offset for offset, level, title in headings(text) if level == 2 and title == NEXT_TITLE]
    return text[: cut[0]] if cut else text


def unresolved(docs: dict[str, str], index: dict[str, list[str]]) -> list[str]:
    """Every {ref} without exactly one label and every {doc} without a page."""
    problems = []
    for doc, text in docs.items():
        for name, page in links(doc, text, index):
            if page is None or page not in docs:
                problems.append(f"{doc}: unresolved reference {name!r}")
    return problems


DOCS = {doc_name(p): markdown_of(p) for p in CHAPTERS + PAGES}
INDEX = label_index(DOCS)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_says_where_it_comes_from_and_where_it_goes(path):
    assert navigation_problems(doc_name(path), DOCS[doc_name(path)], INDEX) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_links_other_chapters_where_it_uses_them(path):
    """Besides the two blocks, the text links the chapters whose results it uses (a handful each)."""
    doc = doc_name(path)
    pages = [page for _, page in links(doc, body_without_blocks(DOCS[doc]), INDEX)]
    in_text = [p for p in pages if p is not None and p.startswith("chapters/") and p != doc]
    assert len(in_text) >= 3, f"{path.stem}: {len(in_text)} links to other chapters in the text"


def test_every_reference_resolves_and_every_label_is_unique():
    assert unresolved(DOCS, INDEX) == []
    assert {name: pages for name, pages in INDEX.items() if len(pages) > 1} == {}


@pytest.mark.parametrize("path", CHAPTERS + PAGES, ids=lambda p: doc_name(p))
def test_labels_sit_right_before_headings(path):
    """A target ``(name)=`` names the heading that follows it, so {ref}`name` shows that title."""
    text = DOCS[doc_name(path)]
    for m in LABEL.finditer(text):
        following = text[m.end() :].lstrip("\n").split("\n", 1)[0]
        assert re.match(r"#{1,6} ", following), f"({m['name']})= is followed by {following!r}"


def test_front_page_links_every_chapter():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    chapters = [
        entry["file"]
        for part in toc["parts"]
        for entry in part["chapters"]
        if entry["file"].startswith("chapters/")
    ]
    assert len(chapters) == len(CHAPTERS)
    linked = {page for _, page in links("book/intro", DOCS["book/intro"], INDEX)}
    assert set(chapters) <= linked


def test_how_to_run_says_where_the_source_is():
    text = DOCS["book/how-to-run"]
    sections = headings(text)
    titles = [title for _, _, title in sections]
    assert "Where the source is" in titles
    start = next(o for o, _, t in sections if t == "Where the source is")
    section = text[start : next(o for o, _, _ in sections if o > start)]
    # the download button the text describes is switched on
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["html"]["use_download_button"] is True
    assert "Download this page" in section and ".ipynb" in section
    assert "`scalinglaws run`" in section
    # every path in the layout table exists in the repository
    paths = re.findall(r"^\| `([^`]+)`(?:, `([^`]+)`)? \|", section, re.M)
    listed = [p for pair in paths for p in pair if p]
    assert {"chapters/", "book/", "src/scalinglaws/", "tests/"} <= set(listed)
    for p in listed:
        assert (ROOT / p).exists(), p


# -- the checks above can fail ------------------------------------------------------------------------------


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": []}


FAKE_FROM = "```{admonition} Where this comes from\n:class: seealso\nSee {ref}`chapter 2 <kap-frontier>`.\n```"
FAKE_NEXT = "## Where this goes next\n\nOn to {doc}`04_chinchilla`."


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # a chapter without either block
        (
            [_md("# Fake\n\nIntro."), _code("x = 1"), _md("## A section\n\nText.")],
            ["0 'Where this comes from", "0 'Where this goes next"],
        ),
        # the blocks are there but link nowhere else
        (
            [
                _md(
                    "# Fake\n\n```{admonition} Where this comes from\n:class: seealso\nNothing.\n```"
                ),
                _md("## A section\n\n" + "Text."),
                _md("## Where this goes next\n\nSee {doc}`../book/intro`."),
            ],
            [
                "'Where this comes from' links to no other chapter",
                "'Where this goes next' links to no other chapter",
            ],
        ),
        # the opening block after the first section, the closing section not last
        (
            [
                _md("# Fake\n\nIntro."),
                _md("## A section\n\n" + FAKE_FROM),
                _md(FAKE_NEXT),
                _md("## Exercises\n\nMore."),
            ],
            ["is not at the start", "is not the last section"],
        ),
    ],
)
def test_navigation_check_fails_on_a_chapter_without_its_blocks(cells, expected):
    text = notebook_markdown({"cells": cells})
    problems = navigation_problems("chapters/99_fake", text, INDEX)
    assert len(problems) == len(expected)
    for problem, words in zip(problems, expected, strict=True):
        assert words in problem
    # and a fake with both blocks passes, so the failures above are the blocks' doing
    good = notebook_markdown(
        {"cells": [_md("# Fake\n\n" + FAKE_FROM), _md("## A\n\nx"), _md(FAKE_NEXT)]}
    )
    assert navigation_problems("chapters/99_fake", good, INDEX) == []


def test_navigation_check_fails_on_a_real_chapter_with_a_block_removed():
    doc = doc_name(CHAPTERS[3])
    text = DOCS[doc]
    assert navigation_problems(doc, FROM_BLOCK.sub("", text), INDEX) == [
        f"{doc}: 0 '{FROM_TITLE}' admonitions (want exactly one)"
    ]
    cut = next(o for o, lvl, t in headings(text) if lvl == 2 and t == NEXT_TITLE)
    assert navigation_problems(doc, text[:cut], INDEX) == [
        f"{doc}: 0 '{NEXT_TITLE}' sections (want exactly one)"
    ]


def test_reference_check_fails_on_unknown_labels_pages_and_duplicates():
    docs = {
        "chapters/98_a": "(dup)=\n## A\n\n{ref}`no-such-label` and {doc}`99_missing` and {ref}`fine <dup>`",
        "chapters/99_b": "(dup)=\n## B\n\n{ref}`text <b-only>`\n\n```{exercise} X\n:label: b-only\n```",
    }
    index = label_index(docs)
    assert index["dup"] == ["chapters/98_a", "chapters/99_b"]
    assert index["b-only"] == ["chapters/99_b"]
    assert unresolved(docs, index) == [
        "chapters/98_a: unresolved reference 'no-such-label'",
        "chapters/98_a: unresolved reference '99_missing'",
        "chapters/98_a: unresolved reference 'dup'",
    ]
    assert resolve_doc("book/intro", "../chapters/01_power_laws") == "chapters/01_power_laws"
    assert resolve_doc("chapters/03_gpt_series", "04_chinchilla") == "chapters/04_chinchilla"


def test_headings_inside_fences_are_not_sections():
    text = "# T\n\n```python\n## not a heading\n```\n\n````{solution-start} x\n## nor this\n````\n\n## Real\n"
    assert [(level, title) for _, level, title in headings(text)] == [(1, "T"), (2, "Real")]
