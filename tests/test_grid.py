"""``scalinglaws run CHAPTER --grid GRID.csv -o OUTDIR``: one papermill run per grid row.

Bad grids are refused before anything runs (exit 2, one line naming row and column, nothing
written); a toy chapter checks the runner itself (parallel rows, a failing row that does not stop
the others, the summary); one slow test runs a real chapter twice with different seeds.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest

from scalinglaws.book import chapters
from scalinglaws.book.chapters import (
    GRID_SUMMARY,
    HEADLINE_GLUE,
    Chapter,
    Param,
    glued_values,
    read_grid,
    run_grid,
)
from scalinglaws.cli import main
from scalinglaws.core.errors import InputError, ParameterError

REPO = Path(__file__).resolve().parents[1]


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_bad(capsys, *argv, words=()):
    """Exit 2, nothing on stdout, exactly one 'scalinglaws: error:' line on stderr."""
    code, out, err = cli(capsys, *argv)
    assert code == 2, (argv, out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("scalinglaws: error: ")
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def read_summary(folder: Path) -> list[dict[str, str]]:
    with open(folder / GRID_SUMMARY, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in an empty folder and check afterwards that nothing but the grids was written."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    yield cwd
    assert sorted(p.name for p in cwd.iterdir() if p.suffix != ".csv") == []


@pytest.fixture
def work(tmp_path, monkeypatch):
    """Run in an empty folder (runs write into it)."""
    cwd = tmp_path / "work"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


# ----------------------------------------------------------------------------- bad grids

# (grid text, chapter, words the one-line error must contain). power-laws declares n_boot in
# [50, 5000], seed >= 0 and porian_dataset in {rw, owt2}; gpt-series has the dates trend_start <
# trend_end (chapters/*.params.yaml).
BAD_GRIDS = {
    "out of range": (
        "seed,n_boot\n1,200\n2,5\n",
        "power-laws",
        ("bad.csv, row 2 (line 3)", "column 'n_boot'", "[50, 5000]", "'5'"),
    ),
    "non-numeric": ("seed\n1\nabc\n", "power-laws", ("row 2 (line 3)", "'seed'", "'abc'")),
    "not an integer": ("seed\n1.5\n", "power-laws", ("row 1 (line 2)", "'seed'", "integer")),
    "negative": ("seed\n-1\n", "power-laws", ("row 1", "'seed'", ">= 0")),
    "nan": ("n_boot\nnan\n", "power-laws", ("row 1", "'n_boot'")),
    "not a choice": ("porian_dataset\nc4\n", "power-laws", ("row 1", "'rw'", "'owt2'", "'c4'")),
    "unknown column": ("seed,nope\n1,2\n", "power-laws", ("line 1", "unknown column 'nope'")),
    "duplicate column": ("seed,seed\n1,2\n", "power-laws", ("column 'seed' appears twice",)),
    "unnamed column": ("seed,\n1,2\n", "power-laws", ("header column 2 has no name",)),
    "empty file": ("", "power-laws", ("file is empty",)),
    "blank lines only": ("\n\n", "power-laws", ("file is empty",)),
    "header only": ("seed,n_boot\n", "power-laws", ("no data rows",)),
    "ragged row": ("seed,n_boot\n1\n", "power-laws", ("row 1 (line 2)", "1 cell,", "2 columns")),
    "empty cell": ("seed,n_boot\n1,\n", "power-laws", ("row 1", "'n_boot'", "empty cell")),
    "bad name": ("name,seed\n../x,1\n", "power-laws", ("row 1", "'name'", "'../x'")),
    "duplicate name": ("name,seed\nal,1\nAL,2\n", "power-laws", ("row 2", "'AL'", "row 1")),
    "dates out of order": (
        "trend_start,trend_end\n2010-01-01,2024-05-31\n2020-01-01,2015-01-01\n",
        "gpt-series",
        ("row 2 (line 3)", "trend_start", "before", "trend_end"),
    ),
    "not a date": ("trend_start\n2010-13-01\n", "gpt-series", ("row 1", "trend_start", "date")),
    "binary file": ("seed\n1\x00\n", "power-laws", ("NUL",)),
    "unknown chapter": ("seed\n1\n", "chapter-99", ("unknown chapter 'chapter-99'",)),
}


@pytest.mark.parametrize("case", sorted(BAD_GRIDS))
def test_bad_grid_exits_2_and_writes_nothing(capsys, in_tmp, case):
    text, chapter, words = BAD_GRIDS[case]
    (in_tmp / "bad.csv").write_text(text, encoding="utf-8")
    assert_bad(capsys, "run", chapter, "--grid", "bad.csv", "-o", in_tmp / "out", words=words)
    assert not (in_tmp / "out").exists()


def test_missing_grid_file(capsys, in_tmp):
    assert_bad(capsys, "run", "power-laws", "--grid", "none.csv", "-o", "out", words=("none.csv",))
    assert_bad(capsys, "run", "power-laws", "--grid", in_tmp, "-o", "out", words=("not a file",))


@pytest.mark.parametrize(
    "argv,words",
    [
        (["-o", "out", "-p", "seed", "1"], ("-p cannot be combined with --grid",)),
        ([], ("--grid needs -o",)),
        (["-o", "out", "--jobs", "0"], ("--jobs", "[1, 1024]", "'0'")),
        (["-o", "out", "--jobs", "two"], ("--jobs",)),
    ],
)
def test_bad_options_exit_2(capsys, in_tmp, argv, words):
    (in_tmp / "good.csv").write_text("seed\n1\n", encoding="utf-8")
    assert_bad(capsys, "run", "power-laws", "--grid", "good.csv", *argv, words=words)
    assert_bad(capsys, "run", "power-laws", "--jobs", "2", words=("--jobs needs --grid",))


def test_bad_output_folders_are_refused(capsys, in_tmp):
    (in_tmp / "good.csv").write_text("seed\n1\n", encoding="utf-8")
    grid = ("run", "power-laws", "--grid", "good.csv", "-o")
    before = sorted(p.name for p in (REPO / "chapters").iterdir())
    assert_bad(capsys, *grid, REPO / "chapters" / "runs", words=("refusing to write inside",))
    assert sorted(p.name for p in (REPO / "chapters").iterdir()) == before
    assert_bad(capsys, *grid, in_tmp / "no" / "such", words=("parent does not exist",))
    (in_tmp / "file.csv").write_text("x\n", encoding="utf-8")
    assert_bad(capsys, *grid, in_tmp / "file.csv", words=("output folder is a file",))
    (in_tmp / "good.csv").rename(in_tmp / GRID_SUMMARY)
    assert_bad(capsys, "run", "power-laws", "--grid", GRID_SUMMARY, "-o", ".", words=("overwrite",))


def test_read_grid_rows_lines_defaults_and_names(tmp_path):
    """Row k counts data rows from 1 and names its notebook; blank lines are skipped but keep the
    file's line numbers; a UTF-8 byte-order mark (spreadsheets write one) is not part of the first
    column; omitted columns take the notebook's defaults; values are parsed to the cell's types."""
    grid = tmp_path / "g.csv"
    grid.write_text("\ufeffseed, porian_dataset\n\n7,owt2\n\n 8 ,rw\n", encoding="utf-8")
    rows = read_grid("power-laws", grid)
    defaults = chapters.get_chapter("power-laws").defaults()
    assert [(r.row, r.line) for r in rows] == [(1, 3), (2, 5)]
    assert [r.notebook for r in rows] == ["01_power_laws-row1.ipynb", "01_power_laws-row2.ipynb"]
    assert rows[0].values == {**defaults, "seed": 7, "porian_dataset": "owt2"}
    assert rows[1].values == {**defaults, "seed": 8, "porian_dataset": "rw"}
    assert type(rows[1].values["seed"]) is int
    grid.write_text("name,seed\nalice,1\nbob-2,2\n", encoding="utf-8")
    assert [r.notebook for r in read_grid("power-laws", grid)] == [
        "01_power_laws-alice.ipynb",
        "01_power_laws-bob-2.ipynb",
    ]


def test_read_grid_error_types(tmp_path):
    grid = tmp_path / "g.csv"
    grid.write_text("seed\n-3\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"row 1 \(line 2\), column 'seed'"):
        read_grid("power-laws", grid)
    grid.write_text("bogus\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown column 'bogus'"):
        read_grid("power-laws", grid)


def test_headline_names_are_glued_by_the_stored_chapters():
    """Every headline name of the summary is glued by its chapter's notebook (a renamed glue name
    would leave an empty column), and every chapter has headline numbers."""
    assert set(HEADLINE_GLUE) == set(chapters.CHAPTERS)
    for cid, names in HEADLINE_GLUE.items():
        glued = glued_values(chapters.get_chapter(cid).notebook)
        missing = [n for n in names if n not in glued]
        assert not missing, (cid, missing)
        assert len(set(names)) == len(names)


# ----------------------------------------------------------------------------- toy chapter


@pytest.fixture
def toy_chapter(tmp_path, monkeypatch):
    """A two-parameter chapter that glues 2 x seed and fails (AssertionError) at seed 13."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("seed = 42\nlabel = 'x'\n")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [
        cell,
        nbformat.v4.new_code_cell("assert seed != 13, 'unlucky seed'"),
        nbformat.v4.new_code_cell(
            "from scalinglaws.book import glue_text\n"
            "glue_text('toy_double', f'{2 * seed:,}')\n"
            "glue_text('toy_label', label)"
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "src_nb" / "toy.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, str(path))
    chapter = Chapter("toy", "Toy", path, (Param("seed", int, 42, min=0), Param("label", str, "x")))
    monkeypatch.setitem(chapters.CHAPTERS, "toy", chapter)
    return chapter


def test_toy_grid_runs_each_row_and_survives_a_failing_one(capsys, work, toy_chapter):
    (work / "grid.csv").write_text("seed,label\n500,a\n13,b\n7,c\n", encoding="utf-8")
    code, out, err = cli(
        capsys, "run", "toy", "--grid", "grid.csv", "-o", "out", "--jobs", "2", "--json"
    )
    assert code == 1, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("scalinglaws: error: 1 of 3 runs failed")
    assert "row 2" in lines[0] and "unlucky seed" in lines[0]
    data = json.loads(out)
    folder = work / "out"
    assert data["summary"] == str(folder / GRID_SUMMARY) and data["n_failed"] == 1
    assert [r["status"] for r in data["runs"]] == ["ok", "failed", "ok"]
    # the failed run wrote no notebook; the others did, each with its own row's parameters
    assert sorted(p.name for p in folder.iterdir()) == [
        GRID_SUMMARY,
        "toy-row1.ipynb",
        "toy-row3.ipynb",
    ]
    for k, seed, label in ((1, 500, "a"), (3, 7, "c")):
        nb = nbformat.read(str(folder / f"toy-row{k}.ipynb"), as_version=4)
        assert nb.metadata.papermill.parameters == {"seed": seed, "label": label}
        assert glued_values(folder / f"toy-row{k}.ipynb") == {
            "toy_double": f"{2 * seed:,}",
            "toy_label": label,
        }
    summary = read_summary(folder)
    assert list(summary[0]) == ["row", "notebook", "seed", "label", "status", "error"] + [
        "toy_double",
        "toy_label",
    ]
    assert [(r["row"], r["notebook"], r["seed"], r["label"], r["status"]) for r in summary] == [
        ("1", "toy-row1.ipynb", "500", "a", "ok"),
        ("2", "toy-row2.ipynb", "13", "b", "failed"),
        ("3", "toy-row3.ipynb", "7", "c", "ok"),
    ]
    # 2 x 500 = 1,000 (glued with a thousands separator, unquoted); the failed row glued nothing
    assert [r["toy_double"] for r in summary] == ["1,000", "", "14"]
    assert summary[0]["error"] == "" and "AssertionError: unlucky seed" in summary[1]["error"]


def test_toy_grid_all_ok_text_output_and_rerun(capsys, work, toy_chapter):
    """Exit 0 when every run succeeded; a second run into the same folder replaces its files."""
    (work / "grid.csv").write_text("name,seed\nann,1\nbo,2\n", encoding="utf-8")
    code, out, err = cli(capsys, "run", "toy", "--grid", "grid.csv", "-o", "out")
    assert code == 0 and err == ""
    assert "2 of 2 runs ok" in out and "toy-ann.ipynb" in out
    assert sorted(p.name for p in (work / "out").iterdir()) == [
        GRID_SUMMARY,
        "toy-ann.ipynb",
        "toy-bo.ipynb",
    ]
    results = run_grid("toy", work / "grid.csv", work / "out", jobs=1, progress=False)
    assert [(r.row, r.status, r.glued["toy_double"]) for r in results] == [
        (1, "ok", "2"),
        (2, "ok", "4"),
    ]
    with pytest.raises(InputError, match="jobs"):
        run_grid("toy", work / "grid.csv", work / "out", jobs=0)


# ----------------------------------------------------------------------------- a real chapter


@pytest.mark.slow
@pytest.mark.executes
def test_power_laws_grid_two_seeds(capsys, work):
    """Two runs of the power-laws chapter (the fastest: about 30 s at its smallest bootstrap)
    differing only in the bootstrap seed: each notebook holds its own row's parameters and glues
    them back; point estimates do not depend on the seed, bootstrap intervals do."""
    (work / "grid.csv").write_text("seed,n_boot,n_sim\n1,50,20\n2,50,20\n", encoding="utf-8")
    code, out, err = cli(
        capsys, "run", "power-laws", "--grid", "grid.csv", "-o", "out", "--jobs", "2"
    )
    assert code == 0, err
    assert err == ""
    folder = work / "out"
    names = ["01_power_laws-row1.ipynb", "01_power_laws-row2.ipynb"]
    assert sorted(p.name for p in folder.iterdir()) == sorted([GRID_SUMMARY, *names])
    summary = read_summary(folder)
    defaults = chapters.get_chapter("power-laws").defaults()
    for seed, name, line in zip((1, 2), names, summary, strict=True):
        # every parameter is injected (the row's values, the defaults for the others), so the
        # notebook records the complete set it ran with
        nb = nbformat.read(str(folder / name), as_version=4)
        expected = {**defaults, "seed": seed, "n_boot": 50, "n_sim": 20}
        assert nb.metadata.papermill.parameters == expected
        glued = glued_values(folder / name)
        # the chapter glues its bootstrap size and simulation count back into its prose
        assert glued["pl_n_boot"] == "50" and glued["pl_n_sim"] == "20"
        assert line["seed"] == str(seed) and line["n_boot"] == "50" and line["status"] == "ok"
        assert {n: line[n] for n in HEADLINE_GLUE["power-laws"]} == {
            n: glued[n] for n in HEADLINE_GLUE["power-laws"]
        }
    first, second = summary
    assert first["pl_pythia_alpha"] == second["pl_pythia_alpha"]  # the fit itself: no seed
    assert first["pl_repro_alpha"] == second["pl_repro_alpha"]
    intervals = ("pl_pythia_alpha_ci", "pl_repro_alpha_ci", "pl_err_far_sat_ci")
    assert any(first[n] != second[n] for n in intervals)


def test_progress_bar_only_on_a_terminal_unless_quiet(monkeypatch):
    import sys

    from scalinglaws.book.chapters import _show_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("SCALINGLAWS_QUIET", "1")
    assert _show_progress(None) is False and _show_progress(True) is True
    monkeypatch.setenv("SCALINGLAWS_QUIET", "0")
    assert _show_progress(None) is True and _show_progress(False) is False
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert _show_progress(None) is False
