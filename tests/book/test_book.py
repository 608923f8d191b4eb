"""The book's structure: table of contents, chapter contract, registry consistency, data policy.

These checks read the committed files only (no execution); nbval and the strict build check the rest.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from scalinglaws import data
from scalinglaws.book import chapters as chapter_registry
from scalinglaws.data.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]
CHAPTER_NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part.get("chapters", [])]
    return files


def notebook(path: Path) -> dict:
    return json.loads(path.read_text())


def source(cell: dict) -> str:
    return "".join(cell["source"])


def markdown_text(nb: dict) -> str:
    return "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def code_text(nb: dict) -> str:
    return "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "code")


def test_every_toc_entry_exists_and_every_chapter_is_listed():
    files = toc_files()
    for entry in files:
        matches = [p for p in (ROOT / f"{entry}.md", ROOT / f"{entry}.ipynb") if p.is_file()]
        assert len(matches) == 1, (
            f"_toc.yml entry {entry!r} must match exactly one .md or .ipynb file"
        )
    for nb in CHAPTER_NOTEBOOKS:
        assert f"chapters/{nb.stem}" in files, f"{nb.name} is not listed in _toc.yml"


def test_chapter_registry_matches_the_chapter_folder():
    registered = {c.notebook.resolve() for c in chapter_registry.CHAPTERS.values()}
    assert registered == {p.resolve() for p in CHAPTER_NOTEBOOKS}


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_contract(path):
    nb = notebook(path)
    cells = nb["cells"]
    md, code = markdown_text(nb), code_text(nb)
    assert source(cells[0]).startswith("# "), "a chapter opens with its title"
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    chapter_id = next(
        cid for cid, c in chapter_registry.CHAPTERS.items() if c.notebook.name == path.name
    )
    assert f'check("{chapter_id}", globals())' in code, (
        "parameters are validated right after the cell"
    )
    assert chapter_registry.spec_matches_notebook(chapter_id) == []
    n_exercises = len(re.findall(r"```\{exercise\}", md))
    n_solutions = len(re.findall(r"```\{solution(?:-start)?\}", md))
    minimum = 2 if chapter_id == "power-laws" else 3
    assert n_exercises >= minimum and n_solutions >= n_exercises
    assert re.search(r"\{cite:[pt]\}", md), "the chapter cites its sources"
    assert re.search(r"\{glue:(text|md)\}", md), "numbers in prose are glued"
    aliases = re.findall(r"from scalinglaws(?:\.book)?\.figures import [a-z_]+ as ([a-z_]+)", code)
    aliases += re.findall(r"import scalinglaws(?:\.book)?\.figures\.[a-z_]+ as ([a-z_]+)", code)
    calls = [r"figures\.[a-z_]+\.[a-z_]+\("] + [rf"\b{a}\.[a-z_]+\(" for a in aliases]
    assert "charts.figure(" in code or any(re.search(c, code) for c in calls), (
        "charts go through the shared figure API (title, caption, alt text): "
        "charts.figure(...) or a tested scalinglaws.book.figures function"
    )
    assert "scalinglaws.data" in code or "data.load(" in code, "the chapter uses real data"
    assert "import chapters" not in code and "from chapters" not in code, (
        "no chapter imports another"
    )


def _glued(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for cell in notebook(path)["cells"]:
        for o in cell.get("outputs", []):
            scrap = o.get("metadata", {}).get("scrapbook", {})
            if "name" in scrap:
                data = o.get("data", {})
                out[scrap["name"]] = "".join(data.get("text/markdown", data.get("text/plain", "")))
    return out


def test_one_value_per_quantity_across_the_book():
    """A quantity several chapters state is glued under one shared name (prefix ``book_``) from one
    library computation, and every chapter that glues it shows the same value; every other glue
    name belongs to one notebook."""
    seen: dict[str, tuple[str, str]] = {}
    for path in [*CHAPTER_NOTEBOOKS, *sorted((ROOT / "book").glob("*.ipynb"))]:
        for name, value in _glued(path).items():
            if name in seen:
                first, v0 = seen[name]
                assert name.startswith("book_"), (
                    f"glue name {name!r} used in {first} and {path.name}: shared quantities "
                    "are named book_*"
                )
                assert value == v0, f"{name!r} is {v0!r} in {first} but {value!r} in {path.name}"
            else:
                seen[name] = (path.name, value)
    assert len(seen) > 100


def test_registry_chapters_match_what_the_notebooks_load():
    loads: dict[str, set[str]] = {}
    for cid, chapter in chapter_registry.CHAPTERS.items():
        code = code_text(notebook(chapter.notebook))
        for name in re.findall(r'load\("([a-z0-9_]+)"', code):
            loads.setdefault(name, set()).add(cid)
    for name, dataset in load_registry().items():
        assert set(dataset.chapters) == loads.get(name, set()), name


def test_no_data_file_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    forbidden = [f for f in tracked if re.search(r"\.(csv|pickle\.xz|pkl|parquet|yml)$", f)]
    # the book's configuration and the CI workflows are YAML too, and are not data
    forbidden = [
        f
        for f in forbidden
        if f not in {"_toc.yml", "_config.yml"} and not f.startswith(".github/workflows/")
    ]
    assert forbidden == []
    hashes = {f.sha256 for d in load_registry().values() for f in d.files}
    small = [f for f in tracked if (ROOT / f).is_file() and (ROOT / f).stat().st_size > 2048]
    for f in small:
        assert hashlib.sha256((ROOT / f).read_bytes()).hexdigest() not in hashes, f


def test_unlicensed_data_are_never_shown_as_rows():
    """The data sets without a license are charted and cited, never printed as tables of raw rows."""
    unlicensed = [name for name, d in load_registry().items() if not d.redistributable]
    assert sorted(unlicensed) == [
        "chinchilla_epoch_svg",
        "goyal_data_filtering",
        "o1_aime_reconstruction",
    ]
    # Goyal et al.'s fitted constants appear only through derived curves: no bucket key and no
    # half-life tau (6 significant digits, as charts store numbers) is in any output.
    goyal = data.load("goyal_data_filtering", "pools")
    taus = {f"{t:.6g}" for t in goyal["tau"] if len(f"{t:.6g}") > 4}  # 6.72727, not 6
    for path in CHAPTER_NOTEBOOKS:
        for cell in notebook(path)["cells"]:
            for out in cell.get("outputs", []):
                text = json.dumps(out.get("data", {})) + "".join(out.get("text", ""))
                assert "tmars_" not in text, path.name
                assert not any(t in text for t in taus), path.name
    for path in CHAPTER_NOTEBOOKS:
        for cell in notebook(path)["cells"]:
            for out in cell.get("outputs", []):
                html = "".join(out.get("data", {}).get("text/html", ""))
                if "<table" in html:
                    assert "svg_extracted" not in html and "hex_color" not in html
                    assert "avg_tokens_used" not in html, f"raw o1 rows shown in {path.name}"


@pytest.mark.parametrize(
    ("name", "notebooks"),
    [
        # Porian et al.'s reproduction of Kaplan's frontier exponent (RefinedWeb), one WLS fit
        ("book_porian_kaplan_a", ("02_kaplan", "04_chinchilla")),
        # Ruan et al.'s base models with a published training compute (123 of the 148 released)
        ("book_ruan_n_compute", ("03_gpt_series", "05_slowdown")),
    ],
)
def test_shared_quantities_are_stated_once(name, notebooks):
    values = {nb: _glued(ROOT / "chapters" / f"{nb}.ipynb").get(name) for nb in notebooks}
    assert None not in values.values(), f"{name} is not glued in {values}"
    assert len(set(values.values())) == 1, values
