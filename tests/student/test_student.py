"""Student notebooks and autograding (issue #14): run by ``make student-check`` after ``make student``.

What an instructor relies on:

* every chapter has a student notebook and an otter-grader autograder, with one question per exercise;
* the student notebook contains no solution text (code, prose or hidden test) and no MyST left unrendered;
* the solution scores full marks; a wrong answer loses exactly that question's points; a notebook that
  raises scores zero on the questions that depend on the failing cell, and grading still finishes;
* each submission is graded against the parameters stored in it; a bad submission is an ``error`` row,
  never a crash; bad command-line input is one line, exit 2, nothing written.
"""

from __future__ import annotations

import copy
import csv
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scalinglaws.book import chapters, grading, student

pytestmark = pytest.mark.student

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "_build" / "student"
IDS = sorted(chapters.CHAPTERS)
#: The chapter whose autograding is exercised end to end (each grading executes it once).
GRADED = "kaplan"


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _stem(cid: str) -> str:
    return chapters.get_chapter(cid).notebook.stem


@pytest.fixture(scope="module")
def built() -> Path:
    if not (OUT / f"{_stem(GRADED)}-autograder.zip").is_file():
        pytest.fail("no student notebooks in _build/student: run `make student` first")
    return OUT


@pytest.mark.parametrize("cid", IDS)
def test_student_notebook_and_autograder_per_chapter(built, cid):
    stem = _stem(cid)
    chapter_nb = _nb(chapters.get_chapter(cid).notebook)
    nb = _nb(built / f"{stem}.ipynb")
    meta = nb["metadata"]["scalinglaws"]
    assert meta["chapter"] == cid
    labels = [q.label for q in student.questions(chapter_nb)]
    assert [q["label"] for q in meta["questions"]] == labels
    assert len(labels) >= 3, "every chapter ends with at least three exercises"
    graded = [q for q in student.questions(chapter_nb) if q.graded]
    with zipfile.ZipFile(built / f"{stem}-autograder.zip") as z:
        names = set(z.namelist())
        for q in graded:
            test = z.read(f"tests/{q.name}.py").decode()
            assert "'hidden': True" in test, f"{q.label}: no hidden test in the autograder"
    public = nb["metadata"]["otter"]["tests"]
    for q in graded:
        cases = public[q.name]["suites"][0]["cases"]
        assert cases and not any(c["hidden"] for c in cases), f"{q.label}: public checks only"
        assert sum(c.get("points", 0) for c in cases) == 0
        prompt = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        for answer in q.answers:
            assert re.search(rf"^{answer} = \.\.\.", prompt, re.M), (
                f"{q.label}: no prompt for {answer}"
            )
    assert "run_autograder" in names
    # the parameters cell is the chapter's
    params = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    src = [c for c in chapter_nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert params and "".join(params[0]["source"]) == "".join(src[0]["source"])


def _visible_sources(chapter_nb: dict) -> set[str]:
    lines: set[str] = set()
    inside_ids = {id(c) for q in student.questions(chapter_nb) for c in q.code}
    for c in chapter_nb["cells"]:
        if c["cell_type"] == "code" and id(c) not in inside_ids:
            lines |= {line.strip() for line in "".join(c["source"]).splitlines()}
    return lines


@pytest.mark.parametrize("cid", IDS)
def test_no_solution_text_and_no_myst_in_student_notebook(built, cid):
    chapter_nb = _nb(chapters.get_chapter(cid).notebook)
    nb = _nb(built / f"{_stem(cid)}.ipynb")
    text = json.dumps(nb, ensure_ascii=False)
    cells = "\n".join("".join(c["source"]) for c in nb["cells"])
    visible = _visible_sources(chapter_nb)
    glue = chapters.glued_values(chapter_nb)

    def fmt(s: str) -> str:
        return student.plain_markdown(s, glue, {})

    for q in student.questions(chapter_nb):
        for piece in student.solution_texts(q, fmt):
            if piece in visible:
                continue  # the same line is in the chapter's visible code
            assert piece not in cells, (
                f"{q.label}: solution text in the student notebook: {piece!r}"
            )
        for hidden in q.hidden:
            body = [ln.strip() for ln in hidden.splitlines() if len(ln.strip()) > 15]
            for line in body:
                if line not in visible:
                    assert json.dumps(line)[1:-1] not in text, (
                        f"{q.label}: hidden test leaked: {line!r}"
                    )
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert not re.search(r"\{(glue|cite|ref|numref|doc)[:a-z]*\}`", markdown), "MyST role left"
    assert "```{" not in markdown, "MyST directive left"
    assert "solution" not in " ".join(t for c in nb["cells"] for t in c["metadata"].get("tags", []))


def test_manual_questions_say_so(built):
    nb = _nb(built / f"{_stem(GRADED)}.ipynb")
    chapter_nb = _nb(chapters.get_chapter(GRADED).notebook)
    manual = [q for q in student.questions(chapter_nb) if not q.graded]
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert markdown.count(student.MANUAL_NOTE) == len(manual)


# ------------------------------------------------------------------------------- grading


def _answer_cell(nb: dict, answer: str) -> dict:
    for c in nb["cells"]:
        src = "".join(c["source"])
        if (
            c["cell_type"] == "code"
            and "# BEGIN SOLUTION NO PROMPT" in src
            and f"{answer} = ..." in src
        ):
            return c
    raise AssertionError(f"no answer cell for {answer}")


def _graded_questions() -> list[student.Question]:
    return [q for q in student.questions(_nb(chapters.get_chapter(GRADED).notebook)) if q.graded]


def _grade_cli(submissions, autograders: Path, out: Path) -> subprocess.CompletedProcess:
    """``tools/grade.py SUBMISSIONS --autograders DIR --out FILE`` (what ``make grade`` runs)."""
    cmd = [sys.executable, str(REPO / "tools" / "grade.py"), str(submissions)]
    cmd += ["--autograders", str(autograders), "--out", str(out)]
    return subprocess.run(cmd, capture_output=True, text=True)


def _grade(tmp_path: Path, built: Path, nb: dict, name: str) -> list[dict]:
    sub = tmp_path / "submissions"
    sub.mkdir()
    (sub / name).write_text(json.dumps(nb))
    out = tmp_path / "grades.csv"
    proc = _grade_cli(sub, built, out)
    assert proc.returncode == 0, proc.stderr
    with out.open() as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def solution(built) -> dict:
    return _nb(built / "solutions" / f"{_stem(GRADED)}.ipynb")


@pytest.mark.parametrize("cid", IDS)
def test_solution_scores_full_marks(tmp_path, built, cid):
    """Every chapter's solution notebook, graded by its autograder, gets every autograded point."""
    solution_nb = _nb(built / "solutions" / f"{_stem(cid)}.ipynb")
    rows = _grade(tmp_path, built, solution_nb, "solution.ipynb")
    chapter_nb = _nb(chapters.get_chapter(cid).notebook)
    graded = {q.name: q for q in student.questions(chapter_nb) if q.graded}
    if cid == GRADED:
        assert len(graded) >= 2, "the end-to-end chapter has at least two autograded questions"
    auto = {r["question"]: r for r in rows if r["status"] == "autograded"}
    assert set(auto) == set(graded)
    for name, r in auto.items():
        assert float(r["points"]) == float(r["possible"]) == graded[name].points, r
    manual = [r for r in rows if r["question"] not in graded]
    assert all(r["status"] == "manual" and r["points"] == "" for r in manual)


def test_wrong_answer_loses_exactly_that_question(tmp_path, built, solution):
    q = _graded_questions()[-1]
    nb = copy.deepcopy(solution)
    cell = _answer_cell(nb, next(iter(q.answers)))
    src = "".join(cell["source"])
    wrong = "".join(f"{a} = {a} * 1.5 + 1.0\n" for a in q.answers)
    cell["source"] = src.replace("# END SOLUTION\n", "# END SOLUTION\n" + wrong, 1)
    rows = {r["question"]: r for r in _grade(tmp_path, built, nb, "wrong.ipynb")}
    assert float(rows[q.name]["points"]) == 0.0
    for other in _graded_questions():
        if other.name != q.name:
            assert float(rows[other.name]["points"]) == other.points


def test_raising_notebook_scores_zero_there_and_grading_finishes(tmp_path, built, solution):
    q = _graded_questions()[0]
    nb = copy.deepcopy(solution)
    cell = _answer_cell(nb, next(iter(q.answers)))
    cell["source"] = 'raise RuntimeError("a student\'s bug")\n' + "".join(cell["source"])
    rows = {r["question"]: r for r in _grade(tmp_path, built, nb, "raises.ipynb")}
    assert float(rows[q.name]["points"]) == 0.0
    later = [o for o in _graded_questions() if o.name != q.name]
    assert later and all(rows[o.name]["status"] == "autograded" for o in later)


# ------------------------------------------------------------------------ parameters, bad input


def test_grader_injects_the_stored_parameters(built):
    nb = _nb(built / f"{_stem(GRADED)}.ipynb")
    nb["metadata"]["papermill"]["parameters"] = {"seed": 7}
    injected = grading._inject(nb, GRADED)
    cells = [c for c in injected.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1 and "seed = 7" in cells[0].source


def test_bad_submissions_are_error_rows_and_the_rest_is_graded(tmp_path, built):
    sub = tmp_path / "subs"
    sub.mkdir()
    (sub / "a_not_json.ipynb").write_text("{ not json")
    (sub / "b_not_student.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    bad = _nb(built / f"{_stem(GRADED)}.ipynb")
    bad["metadata"]["papermill"]["parameters"] = {"n_boot": -5}
    (sub / "c_bad_param.ipynb").write_text(json.dumps(bad))
    rows = grading.grade(sub, built, tmp_path / "g.csv", progress=False)
    assert [r.status for r in rows] == ["error"] * 3
    assert "metadata.scalinglaws.chapter" in rows[1].message
    assert "n_boot" in rows[2].message and "\n" not in rows[2].message


@pytest.mark.parametrize("argv", [["/nonexistent/folder"], ["{empty}"]])
def test_grade_cli_bad_input_is_one_line_and_writes_nothing(tmp_path, built, argv):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "g.csv"
    args = [a.replace("{empty}", str(empty)) for a in argv]
    proc = _grade_cli(*args, built, out)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: SUBMISSIONS")
    assert not out.exists()


def test_master_carries_a_runs_parameters():
    """A student notebook made from a grid run keeps that run's parameters (cell and metadata)."""
    chapter_nb = _nb(chapters.get_chapter(GRADED).notebook)
    run = copy.deepcopy(chapter_nb)
    run["metadata"]["papermill"] = {"parameters": {"seed": 3}, "input_path": "02_kaplan.ipynb"}
    i = next(k for k, c in enumerate(run["cells"]) if "parameters" in c["metadata"].get("tags", []))
    run["cells"].insert(
        i + 1,
        {
            "cell_type": "code",
            "metadata": {"tags": ["injected-parameters"]},
            "source": "seed = 3\n",
            "outputs": [],
            "execution_count": None,
        },
    )
    master = student.master_notebook(run, name="02_kaplan-alice", chapter_id=GRADED)
    assert master["metadata"]["papermill"]["parameters"] == {"seed": 3}
    assert master["metadata"]["scalinglaws"]["parameters"] == {"seed": 3}
    assert any(
        "".join(c["source"]) == "seed = 3\n" for c in master["cells"] if c["cell_type"] == "code"
    )


def test_a_students_own_run_becomes_their_notebook_and_grades_full(tmp_path, built):
    """The per-student path end to end: a grid row (name ada, her own seed and bootstrap size) is run,
    turned into her student notebook (her parameters in its cell and metadata, her run's numbers in its
    prose), and her solution is graded against her parameters with full marks."""
    cid = "gpt-series"
    grid = tmp_path / "students.csv"
    grid.write_text("name,seed,n_boot\nada,3,60\n")
    runs = tmp_path / "runs"
    [result] = chapters.run_grid(cid, grid, runs, jobs=1, progress=False)
    assert result.status == "ok", result.error
    ran = runs / f"{_stem(cid)}-ada.ipynb"
    out = tmp_path / "student"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "make_student.py"),
            "--only",
            cid,
            "--out",
            str(out),
            "--source",
            str(ran),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    nb = _nb(out / "runs" / ran.name)
    stored = nb["metadata"]["papermill"]["parameters"]  # the run's full parameter set
    assert stored["seed"] == 3 and stored["n_boot"] == 60
    assert stored == {**chapters.validate(cid, {}), "seed": 3, "n_boot": 60}
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and "seed = 3" in "".join(injected[0]["source"])
    glue = chapters.glued_values(_nb(ran))
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert glue["gpt_n_boot"] == "60" and "60 resamples" in markdown
    rows = _grade(tmp_path, out, _nb(out / "runs" / "solutions" / ran.name), ran.name)
    auto = [r for r in rows if r["status"] == "autograded"]
    assert auto, rows
    assert all(float(r["points"]) == float(r["possible"]) for r in auto), auto
