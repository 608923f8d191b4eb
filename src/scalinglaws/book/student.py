"""Student notebooks and autograders made from the chapters (otter-grader 7; issue #14).

The chapters stay the one source of the exercises. In a chapter, an exercise is a MyST
``{exercise}`` block with a ``:label:``; its solution is either a ``{solution-start}`` …
``{solution-end}`` block with code cells, or a markdown-only ``{solution}`` block. A solution code
cell whose metadata has an ``exercise`` entry::

    "exercise": {"label": "kap-ex-2", "points": 2,
                 "answers": {"c_star": "budget where the two laws cross (PF-days)"}}

makes the exercise *autograded*: the student writes each answer name; hidden code cells that follow it
in the solution (tags ``remove-cell`` and ``exercise-test``) check the answers against the library with a
stated tolerance and carry the points, and cells tagged ``exercise-test-public`` are checks the student
can run (worth no points). Every other exercise is a question *graded by hand*, and says so.

:func:`master_notebook` turns an executed chapter into an otter-assign master notebook:

* prose kept, with MyST turned into plain Markdown (glued numbers replaced by the values of that run,
  citations by author and year, cross-references by their text, directives by a bold title);
* every code cell outside the solutions kept (the hidden ones collapsed), outputs cleared;
* solution text and code never reach the student version: graded solutions are wrapped in otter's
  ``# BEGIN SOLUTION NO PROMPT`` and replaced by ``name = ...`` prompts; manual questions keep their
  solution only in the autograder's copy.

:func:`make_student` runs ``otter assign`` on it (offline, no Docker, tests not run: the book already
runs every test cell at each execution) and writes ``<stem>.ipynb`` and ``<stem>-autograder.zip``.
The notebook's metadata records the chapter id and the run's parameters (``papermill.parameters``),
which :mod:`scalinglaws.book.grading` uses to grade each student against their own numbers.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scalinglaws.book.chapters import get_chapter, glued_values
from scalinglaws.core.errors import InputError

TEST_HIDDEN = "exercise-test"
TEST_PUBLIC = "exercise-test-public"
HIDDEN_TAGS = {"remove-cell", "remove-input"}
MANUAL_NOTE = "_This question is graded by hand._"

# a fenced directive: opening fence of 3+ backticks, {name}, argument; closed by the same fence
_FENCE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[a-zA-Z0-9:_-]+)\}[ \t]*(?P<arg>[^\n]*)$", re.M
)
_ROLE = re.compile(r"\{(?P<role>[a-z][a-z0-9:-]*)\}`(?P<body>[^`]*)`")
_OPTION = re.compile(r"^:[a-zA-Z_-]+:.*$")


@dataclass
class Question:
    """One exercise: its statement, its solution (code cells, prose) and its tests."""

    label: str
    title: str = ""
    statement: str = ""
    code: list[dict] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    points: float = 1

    @property
    def name(self) -> str:
        """The otter question name (a Python identifier)."""
        return re.sub(r"\W", "_", self.label)

    @property
    def graded(self) -> bool:
        return bool(self.answers)


# ----------------------------------------------------------------------------- MyST to Markdown


def citation_names(bib: Path) -> dict[str, str]:
    """BibTeX key -> 'First-author et al. (year)' for the prose of a student notebook."""
    from pybtex.database import parse_file

    names: dict[str, str] = {}
    for key, entry in parse_file(str(bib)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        if people:
            last = " ".join(people[0].last_names).replace("{", "").replace("}", "")
            who = last + (
                " et al."
                if len(people) > 2
                else f" and {_last(people[1])}"
                if len(people) == 2
                else ""
            )
        else:
            who = entry.fields.get("title", key).replace("{", "").replace("}", "")
        names[key] = f"{who} ({entry.fields.get('year', 'n.d.')})"
    return names


def _last(person: Any) -> str:
    return " ".join(person.last_names).replace("{", "").replace("}", "")


def section_titles(root: Path) -> dict[str, str]:
    """MyST target label -> the title of the heading it labels, over the book's pages and chapters."""
    titles: dict[str, str] = {}
    pattern = re.compile(r"^\((?P<label>[^)\s]+)\)=\s*\n+#+\s+(?P<title>.+)$", re.M)
    pages = [*sorted((root / "chapters").glob("*.ipynb")), *sorted((root / "book").glob("*.md"))]
    for page in pages:
        if page.suffix == ".ipynb":
            nb = json.loads(page.read_text(encoding="utf-8"))
            text = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
        else:
            text = page.read_text(encoding="utf-8")
        for m in pattern.finditer(text):
            titles[m["label"]] = m["title"].strip()
    return titles


def plain_markdown(
    text: str, glue: dict[str, str], cites: dict[str, str], titles: dict[str, str] | None = None
) -> str:
    """Roles and directives of MyST written as plain Markdown that Jupyter shows."""
    titles = titles or {}

    def role(m: re.Match) -> str:
        kind, body = m["role"], m["body"]
        if kind.startswith("glue"):
            return glue.get(body, f"[{body}]")
        if kind.startswith("cite"):
            keys = [k.strip() for k in body.split(",")]
            names = [cites.get(k, k) for k in keys]
            return "; ".join(names) if kind == "cite:t" else "(" + "; ".join(names) + ")"
        if kind in ("ref", "numref", "doc", "eq", "term", "download"):
            inner = re.match(r"(?s)(.*?)\s*<[^>]*>$", body)
            if inner:
                return inner[1].strip() or body
            return f"“{titles[body]}”" if body in titles else body
        if kind == "math":
            return f"${body}$"
        return body

    text = _ROLE.sub(role, text)
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        title = m["arg"].strip() or m["name"].replace("-", " ").capitalize()
        _, body, i = _fenced(lines, i, m)
        if m["name"] == "math":
            out += ["$$", *body, "$$"]
        elif m["name"] in ("code-block", "code"):
            out += ["```" + m["arg"].strip(), *body, "```"]
        else:
            out += [f"> **{title}**", ">", *[("> " + b).rstrip() for b in body]]
    return "\n".join(out)


def _fenced(lines: list[str], i: int, m: re.Match) -> tuple[dict[str, str], list[str], int]:
    """The directive opened at ``lines[i]`` (matched by ``m``): its ``:name: value`` options, its body
    lines and the index of the line after its closing fence."""
    options: dict[str, str] = {}
    body: list[str] = []
    i += 1
    while i < len(lines) and lines[i].strip() != m["fence"]:
        if _OPTION.match(lines[i]):
            name, _, value = lines[i][1:].partition(":")
            options[name] = value.strip()
        else:
            body.append(lines[i])
        i += 1
    return options, body, i + 1


# ----------------------------------------------------------------------------- chapter parsing


def _segments(text: str) -> list[tuple[str, str, str, str]]:
    """Split markdown into ('prose', text, '', '') and ('<directive>', arg, label, body) pieces for the
    exercise and solution directives; other directives stay in the prose."""
    out: list[tuple[str, str, str, str]] = []
    lines = text.split("\n")
    prose: list[str] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m or m["name"] not in ("exercise", "solution", "solution-start", "solution-end"):
            prose.append(lines[i])
            i += 1
            continue
        if prose:
            out.append(("prose", "\n".join(prose), "", ""))
            prose = []
        options, body, i = _fenced(lines, i, m)
        label = options.get("label", m["arg"].strip() if m["name"] != "exercise" else "")
        arg = m["arg"].strip() if m["name"] == "exercise" else ""
        out.append((m["name"], arg, label, "\n".join(body).strip("\n")))
    if prose:
        out.append(("prose", "\n".join(prose), "", ""))
    return out


def _source(cell: dict) -> str:
    s = cell["source"]
    return s if isinstance(s, str) else "".join(s)


def _tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def parse(nb: dict) -> list[tuple[str, Any]]:
    """The chapter as a sequence of ('markdown', text), ('code', cell) and ('question', Question)."""
    items: list[tuple[str, Any]] = []
    pending: dict[str, Question] = {}
    current: Question | None = None
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for kind, arg, label, body in _segments(_source(cell)):
                if kind == "prose":
                    if current is not None:
                        if body := arg.strip():
                            current.prose.append(body)
                    elif arg.strip():
                        items.append(("markdown", arg))
                elif kind == "exercise":
                    q = Question(
                        label=label or f"exercise-{len(pending) + 1}", title=arg, statement=body
                    )
                    pending[q.label] = q
                    items.append(("question", q))
                elif kind == "solution":
                    q = pending.get(label) or _orphan(items, pending, label)
                    q.prose.append(body)
                elif kind == "solution-start":
                    current = pending.get(label) or _orphan(items, pending, label)
                elif kind == "solution-end":
                    current = None
            continue
        if cell["cell_type"] != "code":
            continue
        if current is None:
            items.append(("code", cell))
            continue
        tags = _tags(cell)
        if TEST_HIDDEN in tags:
            current.hidden.append(_source(cell))
        elif TEST_PUBLIC in tags:
            current.public.append(_source(cell))
        else:
            current.code.append(cell)
            spec = cell.get("metadata", {}).get("exercise")
            if spec:
                current.answers.update(spec.get("answers", {}))
                current.points = spec.get("points", max(1, len(current.answers)))
    return items


def _orphan(items: list, pending: dict[str, Question], label: str) -> Question:
    q = Question(label=label)
    pending[label] = q
    items.append(("question", q))
    return q


# ----------------------------------------------------------------------------- master notebook


def _raw(text: str) -> dict:
    return {"cell_type": "raw", "metadata": {}, "source": text}


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str, metadata: dict | None = None) -> dict:
    return {
        "cell_type": "code",
        "metadata": metadata or {},
        "source": text,
        "outputs": [],
        "execution_count": None,
    }


def _test_cell(source: str, *, hidden: bool) -> dict:
    # a public check is worth nothing; otter shares the question's points among the hidden cases
    points = "" if hidden else "points: 0\n"
    config = (
        f'""" # BEGIN TEST CONFIG\nhidden: {str(hidden).lower()}\n{points}""" # END TEST CONFIG\n'
    )
    return _code(config + source.strip("\n"))


def _imports(sources: Iterable[str]) -> str:
    """The top-level import statements of ``sources``, once each, as lines ending in a newline."""
    import ast

    seen: list[str] = []
    for src in sources:
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                line = ast.unparse(node)
                if line not in seen:
                    seen.append(line)
    return "".join(line + "\n" for line in seen)


def _question_cells(q: Question, fmt) -> list[dict]:
    head = f"**Exercise {q.label}{': ' + fmt(q.title) if q.title else ''}**\n\n{fmt(q.statement)}"
    if not q.graded:
        solution = "\n\n".join(fmt(p) for p in q.prose)
        code = "\n\n".join(_source(c) for c in q.code)
        if code:
            solution += f"\n\n```python\n{code}\n```"
        return [
            _raw(f"# BEGIN QUESTION\nname: {q.name}\nmanual: true\npoints: {q.points:g}"),
            _md(head + "\n\n" + MANUAL_NOTE),
            _raw("# BEGIN SOLUTION"),
            _md("**Solution.** " + (solution.strip() or "(see the book)")),
            _raw("# END SOLUTION"),
            _raw("# END QUESTION"),
        ]
    if not q.hidden:
        raise InputError(f"exercise {q.label}: answers {sorted(q.answers)} but no hidden test cell")
    names = ", ".join(f"`{a}`" for a in q.answers)
    cells = [
        _raw(f"# BEGIN QUESTION\nname: {q.name}\npoints: {q.points:g}"),
        _md(
            head
            + f'\n\n_Autograded: assign {names}; `grader.check("{q.name}")` runs the public checks '
            + "(hidden tests compare your values with the library's, within a stated tolerance). "
            + "A part that asks why is not autograded: answer it in a Markdown cell below._"
        ),
        _raw("# BEGIN SOLUTION"),
    ]
    for cell in q.code:
        src = "# BEGIN SOLUTION NO PROMPT\n" + _source(cell).rstrip("\n") + "\n# END SOLUTION"
        if cell.get("metadata", {}).get("exercise", {}).get("answers"):
            prompt = "\n".join(f"{a} = ...  # {d}" for a, d in q.answers.items())
            src += f'\n""" # BEGIN PROMPT\n{prompt}\n"""; # END PROMPT'
        cells.append(_code(src))
    cells.append(_raw("# END SOLUTION"))
    cells.append(_raw("# BEGIN TESTS"))
    # otter runs each test case in its own copy of the student's namespace: in the book a test cell
    # sees the imports of the cells before it, so every case gets the question's imports itself
    imports = _imports([*q.public, *q.hidden, *(_source(c) for c in q.code)])
    cells += [_test_cell(imports + s, hidden=False) for s in q.public]
    cells += [_test_cell(imports + s, hidden=True) for s in q.hidden]
    cells += [_raw("# END TESTS"), _raw("# END QUESTION")]
    return cells


def master_notebook(
    nb: dict,
    *,
    name: str,
    chapter_id: str,
    cites: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
) -> dict:
    """The otter-assign master notebook of an executed chapter ``nb`` (see the module docstring)."""
    glue = glued_values(nb)
    cites = cites or {}

    def fmt(text: str) -> str:
        return plain_markdown(text, glue, cites, titles)

    config = (
        "# ASSIGNMENT CONFIG\n"
        f"name: {name}\n"
        "init_cell: true\ncheck_all_cell: false\nexport_cell: false\nrun_tests: false\n"
        "solutions_pdf: false\ntemplate_pdf: false\n"
    )
    cells = [_raw(config)]
    params = dict(nb.get("metadata", {}).get("papermill", {}).get("parameters", {}) or {})
    for kind, item in parse(nb):
        if kind == "markdown":
            cells.append(_md(fmt(item)))
        elif kind == "code":
            meta: dict[str, Any] = {}
            tags = [t for t in item.get("metadata", {}).get("tags", [])]
            if tags:
                meta["tags"] = tags
            if set(tags) & HIDDEN_TAGS:
                meta["jupyter"] = {"source_hidden": True}
            cells.append(_code(_source(item), meta))
        else:
            cells += _question_cells(item, fmt)
    metadata = copy.deepcopy(nb.get("metadata", {}))
    metadata.pop("otter", None)
    metadata["scalinglaws"] = {
        "chapter": chapter_id,
        "parameters": params,
        "questions": [
            {"name": q.name, "label": q.label, "points": q.points, "graded": q.graded}
            for q in questions(nb)
        ],
    }
    metadata.setdefault("papermill", {})["parameters"] = params
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def questions(nb: dict) -> list[Question]:
    """The exercises of a chapter notebook, in order."""
    return [item for kind, item in parse(nb) if kind == "question"]


# ----------------------------------------------------------------------------- otter assign


def make_student(
    source: Path,
    out_dir: Path,
    *,
    chapter_id: str,
    stem: str | None = None,
    bib: Path | None = None,
    root: Path | None = None,
) -> tuple[Path, Path]:
    """Write ``<stem>.ipynb`` (student) and ``<stem>-autograder.zip`` into ``out_dir`` from the executed
    chapter notebook ``source``; return both paths. Runs ``otter assign`` in a scratch folder. ``bib``
    names the citations (author, year); ``root`` (the book) gives cross-references their titles."""
    stem = stem or Path(source).stem
    nb = json.loads(Path(source).read_text(encoding="utf-8"))
    cites = citation_names(bib) if bib else {}
    titles = section_titles(root) if root else {}
    # the assignment is the chapter (one autograder serves every student's run of it)
    assignment = get_chapter(chapter_id).notebook.stem
    master = master_notebook(nb, name=assignment, chapter_id=chapter_id, cites=cites, titles=titles)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="student-") as tmp:
        work = Path(tmp)
        (work / f"{stem}.ipynb").write_text(json.dumps(master, indent=1, ensure_ascii=False))
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "otter",
                "assign",
                "--no-pdfs",
                "--no-run-tests",
                f"{stem}.ipynb",
                "dist",
            ],
            cwd=work,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise InputError(f"otter assign failed for {source}: {last}")
        zips = sorted((work / "dist" / "autograder").glob(f"{stem}-autograder*.zip"))
        if len(zips) != 1:
            raise InputError(f"otter assign wrote {len(zips)} autograder archives for {source}")
        student = out_dir / f"{stem}.ipynb"
        zipped = out_dir / f"{stem}-autograder.zip"
        shutil.copyfile(work / "dist" / "student" / f"{stem}.ipynb", student)
        shutil.copyfile(zips[0], zipped)
        solution = out_dir / "solutions" / f"{stem}.ipynb"
        solution.parent.mkdir(exist_ok=True)
        shutil.copyfile(work / "dist" / "autograder" / f"{stem}.ipynb", solution)
    return student, zipped


def solution_texts(q: Question, fmt=lambda text: text) -> Iterable[str]:
    """Pieces of a question's solution that must never appear in the student notebook: its code lines
    (12 characters or more, not comments) and its prose lines (30 or more, as ``fmt`` renders them)."""
    for cell in q.code:
        for line in _source(cell).splitlines():
            if len(line.strip()) >= 12 and not line.strip().startswith("#"):
                yield line.strip()
    for p in q.prose:
        for line in fmt(p).splitlines():
            if len(line.strip()) >= 30:
                yield line.strip()
