"""Tests for scalinglaws.book.chapters: registry, parameter validation, check(), run()."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from scalinglaws.book import chapters
from scalinglaws.book.chapters import (
    BOOK_ROOT_ENV,
    CHAPTERS,
    Chapter,
    NotebookParameterError,
    Param,
    book_root,
    check,
    get_chapter,
    load_chapter,
    parameters_cell,
    run,
    spec_matches_notebook,
    validate,
)
from scalinglaws.core.errors import InputError, ParameterError, ScalingLawsError

EXPECTED_NOTEBOOKS = {
    "power-laws": "chapters/01_power_laws.ipynb",
    "kaplan": "chapters/02_kaplan.ipynb",
    "gpt-series": "chapters/03_gpt_series.ipynb",
    "chinchilla": "chapters/04_chinchilla.ipynb",
    "slowdown": "chapters/05_slowdown.ipynb",
    "reasoning": "chapters/06_reasoning.ipynb",
    "what-next": "chapters/07_what_next.ipynb",
}


def make_notebook(path: Path, params_source: str, body: str = "x = 1") -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params_source)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# test"), cell, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """A registered toy chapter with one parameter of each type, and its notebook."""
    nb = make_notebook(
        tmp_path / "toy.ipynb",
        "seed = 42\nn_boot = 1000\nrate = 0.5\nlaw = 'hoffmann'\nfast = False\n",
        body=(
            "import json\n"
            "with open('seen.json', 'w') as fh:\n"
            "    json.dump({'seed': seed, 'n_boot': n_boot, 'rate': rate, 'law': law,"
            " 'fast': fast}, fh)\n"
            "print(seed * 2)"
        ),
    )
    chapter = Chapter(
        "toy",
        "Toy",
        nb,
        (
            Param("seed", int, 42, min=0),
            Param("n_boot", int, 1000, min=10, max=20000),
            Param("rate", float, 0.5, min=0.0, max=1.0),
            Param("law", str, "hoffmann", choices=("hoffmann", "epoch")),
            Param("fast", bool, False),
        ),
    )
    monkeypatch.setitem(CHAPTERS, "toy", chapter)
    return chapter


# ------------------------------------------------------------------------------- registry


ROOT = Path(__file__).resolve().parents[2]


def test_registry_ids_and_paths():
    assert list(CHAPTERS) == list(EXPECTED_NOTEBOOKS)
    assert book_root() == ROOT and chapters.REPO_ROOT == ROOT
    assert (ROOT / "_toc.yml").is_file()
    for cid, rel in EXPECTED_NOTEBOOKS.items():
        chapter = get_chapter(cid)
        assert chapter.notebook == chapter.path == ROOT / rel
        assert chapter.declaration == ROOT / rel.replace(".ipynb", ".params.yaml")
        assert chapter.declaration.is_file()
        names = [p.name for p in CHAPTERS[cid].params]
        assert names[:2] == ["seed", "n_boot"]
        assert len(set(names)) == len(names)


def test_registry_reads_every_declaration_in_the_chapters_folder():
    declared = sorted((ROOT / "chapters").glob("*.params.yaml"))
    assert [c.declaration for c in CHAPTERS.values()] == declared
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    assert [c.notebook for c in CHAPTERS.values()] == notebooks  # one declaration per chapter


# ------------------------------------------------------------------------------ book root


def test_book_root_search_and_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(BOOK_ROOT_ENV, raising=False)
    assert book_root(ROOT / "chapters" / "01_power_laws.ipynb") == ROOT
    book = tmp_path / "book"
    (book / "chapters" / "deep").mkdir(parents=True)
    (book / "_toc.yml").write_text("format: jb-book\n")
    assert book_root(book / "chapters" / "deep") == book
    monkeypatch.chdir(book / "chapters" / "deep")
    assert book_root() == book
    monkeypatch.setenv(BOOK_ROOT_ENV, str(ROOT))
    assert book_root() == ROOT  # the environment overrides the search from the current folder


def test_book_root_not_found_is_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv(BOOK_ROOT_ENV, raising=False)
    with pytest.raises(InputError) as info:
        book_root(tmp_path)
    msg = str(info.value)
    assert "cannot find the book's root" in msg and BOOK_ROOT_ENV in msg and "\n" not in msg
    monkeypatch.setenv(BOOK_ROOT_ENV, str(tmp_path))
    with pytest.raises(InputError, match=f"{BOOK_ROOT_ENV}=.* is not the book's root"):
        book_root()
    # the registry reports the same line when it cannot find the book (nothing is cached)
    monkeypatch.setattr(CHAPTERS, "_data", None)
    with pytest.raises(InputError, match="is not the book's root"):
        get_chapter("kaplan")


def test_every_spec_default_is_valid():
    for cid, chapter in CHAPTERS.items():
        assert validate(cid, {}) == chapter.defaults()
        for p in chapter.params:
            assert p.type in (int, float, str, bool)
            assert type(p.default) is p.type


def test_unknown_chapter_lists_ids():
    with pytest.raises(InputError) as info:
        get_chapter("nope")
    assert "nope" in str(info.value) and "kaplan" in str(info.value)


def test_existing_notebooks_match_their_spec():
    """Every chapter notebook that exists has a parameters cell equal to its spec."""
    problems = []
    for cid, chapter in CHAPTERS.items():
        if chapter.notebook.is_file():
            problems += spec_matches_notebook(cid)
    assert problems == []


# ----------------------------------------------------------------------------- validation


def test_validate_coerces_strings_and_fills_defaults(toy):
    out = validate("toy", {"seed": "7", "rate": "0.25", "fast": "true", "law": "epoch"})
    assert out == {"seed": 7, "n_boot": 1000, "rate": 0.25, "law": "epoch", "fast": True}
    assert type(out["seed"]) is int and type(out["rate"]) is float
    assert validate("toy", {"rate": 1, "n_boot": 20000.0})["rate"] == 1.0
    assert validate("toy", {"fast": "no"})["fast"] is False


@pytest.mark.parametrize(
    "name,value",
    [
        ("seed", "abc"),
        ("seed", 1.5),
        ("seed", "1.5"),
        ("seed", True),
        ("seed", -1),
        ("seed", float("nan")),
        ("n_boot", 9),
        ("n_boot", 20001),
        ("n_boot", "inf"),
        ("rate", "nan"),
        ("rate", float("inf")),
        ("rate", 1.5),
        ("rate", "x"),
        ("rate", False),
        ("law", "kaplan"),
        ("law", 3),
        ("fast", 1),
        ("fast", "maybe"),
    ],
)
def test_validate_rejects_bad_values(toy, name, value):
    with pytest.raises(ParameterError) as info:
        validate("toy", {name: value})
    msg = str(info.value)
    assert "\n" not in msg
    assert "'toy'" in msg and repr(name) in msg and "must be" in msg


def test_validate_message_names_range(toy):
    with pytest.raises(ParameterError, match=r"n_boot.*\[10, 20000\].*got 5"):
        validate("toy", {"n_boot": 5})


def test_validate_rejects_unknown_name(toy):
    with pytest.raises(ParameterError, match="has no parameter 'nboot'.*seed, n_boot"):
        validate("toy", {"nboot": 10})


def test_check_returns_frozen_params(toy):
    ns = {"seed": 3, "n_boot": 500, "rate": 0.1, "law": "epoch", "fast": True, "other": object()}
    P = check("toy", ns)
    assert P.seed == 3 and P["n_boot"] == 500 and dict(P)["law"] == "epoch"
    assert set(P) == {"seed", "n_boot", "rate", "law", "fast"}
    with pytest.raises(AttributeError):
        P.seed = 4
    with pytest.raises(TypeError):
        P["seed"] = 4
    with pytest.raises(ParameterError, match="n_boot"):
        check("toy", {**ns, "n_boot": -5})
    with pytest.raises(ParameterError, match="rate"):
        check("toy", {k: v for k, v in ns.items() if k != "rate"})


def test_check_real_chapter_defaults():
    for cid, chapter in CHAPTERS.items():
        P = check(cid, chapter.defaults())
        assert dict(P) == chapter.defaults()
        assert P.seed == chapter.defaults()["seed"]


# ------------------------------------------------------------------------ parameters cell


def test_parameters_cell_reads_literals(tmp_path):
    nb = make_notebook(
        tmp_path / "a.ipynb", "# comment\nseed = 42\nn_boot: int = 1000\nlaw = 'x'\nf = -1.5e3\n"
    )
    assert parameters_cell(nb) == {"seed": 42, "n_boot": 1000, "law": "x", "f": -1500.0}


@pytest.mark.parametrize(
    "source", ["seed = 40 + 2 * x", "import os", "a, b = 1, 2", "seed = ", "x.y = 3"]
)
def test_parameters_cell_rejects_non_literals(tmp_path, source):
    nb = make_notebook(tmp_path / "a.ipynb", source)
    with pytest.raises(InputError):
        parameters_cell(nb)


def test_parameters_cell_missing_or_bad_notebook(tmp_path):
    with pytest.raises(InputError, match="not found"):
        parameters_cell(tmp_path / "none.ipynb")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid"):
        parameters_cell(bad)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("seed = 1")]
    nbformat.write(nb, str(tmp_path / "untagged.ipynb"))
    with pytest.raises(InputError, match="no cell tagged"):
        parameters_cell(tmp_path / "untagged.ipynb")


def test_spec_matches_notebook_reports_differences(toy, tmp_path, monkeypatch):
    assert spec_matches_notebook("toy") == []
    other = make_notebook(tmp_path / "b.ipynb", "seed = 42\nn_boot = 100\nrate = 1\nextra = 3\n")
    monkeypatch.setitem(CHAPTERS, "toy", Chapter("toy", "Toy", other, toy.params))
    problems = spec_matches_notebook("toy")
    assert len(problems) == 5, problems
    joined = "\n".join(problems)
    for word in ("'n_boot'", "'rate'", "'extra'", "'law'", "'fast'"):
        assert word in joined
    monkeypatch.setitem(CHAPTERS, "toy", Chapter("toy", "Toy", tmp_path / "x.ipynb", toy.params))
    assert "does not exist" in spec_matches_notebook("toy")[0]


# ------------------------------------------------------------------------------------- run


def test_run_executes_with_papermill(toy, tmp_path, monkeypatch):
    """End to end: papermill injects the validated, typed values (cwd = the chapter folder)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    out = run("toy", {"seed": "5", "rate": "0.75", "fast": "yes"})
    assert out == work / "toy.out.ipynb" and out.is_file()
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert seen == {"seed": 5, "n_boot": 1000, "rate": 0.75, "law": "hoffmann", "fast": True}
    executed = nbformat.read(str(out), as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any(o.get("text", "").strip() == "10" for o in outputs)
    text = out.read_text()
    assert "start_time" not in text and "end_time" not in text and "iopub" not in text


def test_run_relative_output_is_relative_to_current_folder(toy, tmp_path, monkeypatch):
    work = tmp_path / "work2"
    (work / "sub").mkdir(parents=True)
    monkeypatch.chdir(work)
    out = run("toy", {"seed": "1"}, output=Path("sub") / "r.ipynb")
    assert out == work / "sub" / "r.ipynb" and out.is_file()
    assert not (tmp_path / "sub").exists()  # not written beside the chapter (papermill cwd)


@pytest.mark.parametrize(
    "params",
    [{"seed": "abc"}, {"n_boot": "5"}, {"bogus": "1"}, {"rate": "nan"}, {"seed": "1.5"}],
)
def test_run_validates_before_writing(toy, tmp_path, monkeypatch, params):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError):
        run("toy", params, output=tmp_path / "o.ipynb")
    assert not (tmp_path / "o.ipynb").exists()
    assert not (tmp_path / "toy.out.ipynb").exists()
    assert not (tmp_path / "seen.json").exists()


def test_run_refuses_source_and_bad_outputs(toy, tmp_path):
    before = toy.notebook.read_bytes()
    with pytest.raises(InputError, match="refusing to overwrite"):
        run("toy", {}, output=toy.notebook)
    with pytest.raises(InputError, match="refusing to overwrite"):
        run("toy", {}, output=tmp_path / "." / "toy.ipynb")
    with pytest.raises(InputError, match="folder does not exist"):
        run("toy", {}, output=tmp_path / "missing" / "o.ipynb")
    with pytest.raises(InputError, match=r"\.ipynb"):
        run("toy", {}, output=tmp_path / "o.txt")
    assert toy.notebook.read_bytes() == before
    with pytest.raises(InputError, match="unknown chapter"):
        run("nope", {})


def test_run_missing_notebook(tmp_path, monkeypatch):
    monkeypatch.setitem(CHAPTERS, "ghost", Chapter("ghost", "Ghost", tmp_path / "ghost.ipynb", ()))
    with pytest.raises(InputError, match="does not exist"):
        run("ghost", {}, output=tmp_path / "o.ipynb")
    assert not (tmp_path / "o.ipynb").exists()


def test_run_reports_notebook_failure_in_one_line(tmp_path, monkeypatch):
    nb = make_notebook(tmp_path / "boom.ipynb", "seed = 42\n", body="raise ValueError('boom here')")
    monkeypatch.setitem(
        CHAPTERS, "boom", Chapter("boom", "Boom", nb, (Param("seed", int, 42, min=0),))
    )
    with pytest.raises(ScalingLawsError) as info:
        run("boom", {}, output=tmp_path / "o.ipynb")
    assert "ValueError: boom here" in str(info.value) and "\n" not in str(info.value)


# ------------------------------------------------------------------- declarations (.params.yaml)

TOY_DECLARATION = """\
id: toy-decl
title: "Toy: declared"
parameters:
  seed:
    min: 0
    help: the seed
  n_boot:
    min: 10
    max: 20000
    help: resamples
  law:
    choices: [hoffmann, epoch]
  scale:
    min: 1.0e+3
    max: 1.0e+6
"""


def declared_toy(tmp_path: Path, params_source: str, declaration: str = TOY_DECLARATION):
    nb = make_notebook(tmp_path / "09_toy.ipynb", params_source)
    (tmp_path / "09_toy.params.yaml").write_text(declaration)
    return load_chapter(nb)


def test_load_chapter_takes_names_defaults_and_types_from_the_cell(tmp_path):
    chapter = declared_toy(
        tmp_path, "seed = 42\nn_boot = 1000\nlaw = 'epoch'\nscale = 5e3  # a papermill help\n"
    )
    assert (chapter.id, chapter.title) == ("toy-decl", "Toy: declared")
    assert chapter.declaration == tmp_path / "09_toy.params.yaml"
    assert chapter.params == (
        Param("seed", int, 42, min=0, help="the seed"),
        Param("n_boot", int, 1000, min=10, max=20000, help="resamples"),
        Param("law", str, "epoch", choices=("hoffmann", "epoch")),
        Param("scale", float, 5000.0, min=1000.0, max=1e6),
    )
    assert chapter.schema()["properties"]["n_boot"] == {
        "type": "integer",
        "minimum": 10,
        "maximum": 20000,
    }
    assert chapter.schema()["additionalProperties"] is False


def test_declaration_and_cell_must_agree(tmp_path, monkeypatch):
    """A declared name missing from the cell, an undeclared cell parameter, a default outside
    its declared range: each is one line of spec_matches_notebook."""
    chapter = declared_toy(tmp_path, "seed = 42\nn_boot = 5\nscale = 5e3\nextra = 1\n")
    monkeypatch.setitem(CHAPTERS, chapter.id, chapter)
    problems = spec_matches_notebook(chapter.id)
    joined = "\n".join(problems)
    assert len(problems) == 3, problems
    assert "'law' is in the spec but not in the parameters cell" in joined
    assert "'extra' is in the parameters cell but not in the spec" in joined
    assert "default of 'n_boot' breaks its declaration" in joined and "got 5" in joined
    assert all("\n" not in p for p in problems)


def test_declared_default_must_be_a_supported_literal(tmp_path, monkeypatch):
    chapter = declared_toy(tmp_path, "seed = 42\nn_boot = 100\nlaw = None\nscale = 5e3\n")
    monkeypatch.setitem(CHAPTERS, chapter.id, chapter)
    assert [p.name for p in chapter.params] == ["seed", "n_boot", "scale"]
    assert spec_matches_notebook(chapter.id) == [
        "toy-decl: default of 'law' is None, not an int, float, str or bool"
    ]


@pytest.mark.parametrize(
    ("declaration", "words"),
    [
        ("id: x\ntitle: X\nparameters:\n  seed:\n    min: 1e15\n", ("must be a number", "1.0e+15")),
        ("id: x\ntitle: X\nparameters:\n  seed:\n    minimum: 0\n", ("may declare only",)),
        ("id: x\ntitle: X\nparameters:\n  seed:\n    choices: 3\n", ("must be a list",)),
        ("title: X\n", ("'id'",)),
        ("id: x\ntitle: [X]\n", ("'title' must be text",)),
        ("id: x\n  title: : :\n", ("cannot read",)),
    ],
)
def test_bad_declarations_are_one_line_errors(tmp_path, declaration, words):
    with pytest.raises(InputError) as info:
        declared_toy(tmp_path, "seed = 42\n", declaration)
    msg = str(info.value)
    assert "\n" not in msg and all(w in msg for w in words), msg


def test_every_default_satisfies_its_declaration():
    """validate() checks given values, not defaults: check each default explicitly."""
    for cid, chapter in CHAPTERS.items():
        assert validate(cid, chapter.defaults()) == chapter.defaults()


def test_parameters_cell_rejects_lines_papermill_cannot_read(tmp_path):
    nb = make_notebook(tmp_path / "a.ipynb", "seed = 42\nlaw = 'a=b'\n")
    with pytest.raises(InputError, match="one 'name = literal' assignment per line"):
        parameters_cell(nb)


# ---------------------------------------------------------------- plain papermill, bad value


def test_check_error_renders_as_one_line_in_a_kernel():
    with pytest.raises(NotebookParameterError) as info:
        check("power-laws", {**CHAPTERS["power-laws"].defaults(), "n_boot": -5})
    assert isinstance(info.value, ParameterError)
    allowed = get_chapter("power-laws").param("n_boot").allowed()
    assert allowed.startswith("an integer in [")
    assert info.value._render_traceback_() == [
        f"ParameterError: chapter 'power-laws': parameter 'n_boot' must be {allowed}, got -5"
    ]
    with pytest.raises(NotebookParameterError, match="unknown chapter"):
        check("nope", {})


def test_plain_papermill_with_a_bad_value_reports_one_line(tmp_path):
    """`papermill chapter.ipynb out.ipynb -p n_boot -5`: the kernel reports the one line of
    check(), with no stack of library frames (papermill's own traceback of its CLI remains)."""
    out = tmp_path / "o.ipynb"
    env = {k: v for k, v in os.environ.items() if k != BOOK_ROOT_ENV}
    notebook, chapters_dir = ROOT / "chapters" / "01_power_laws.ipynb", ROOT / "chapters"
    argv = [sys.executable, "-m", "papermill", str(notebook), str(out), "-p", "n_boot", "-5"]
    argv += ["--cwd", str(chapters_dir), "--no-progress-bar", "--start-timeout", "300"]
    proc = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    allowed = get_chapter("power-laws").param("n_boot").allowed()  # "an integer in [50, 5000]"
    line = f"ParameterError: chapter 'power-laws': parameter 'n_boot' must be {allowed}, got -5"
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert line in text.splitlines()
    assert "chapters.py" not in text and "validate(" not in text  # no frames of the library
    errors = [
        o
        for c in nbformat.read(str(out), as_version=4).cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert len(errors) == 1 and errors[0].traceback == [line]
