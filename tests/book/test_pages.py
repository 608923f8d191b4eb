"""The generated back-matter pages (scalinglaws.book.pages) on small hand-made tables."""

from __future__ import annotations

import pandas as pd

from scalinglaws.book import pages


def test_md_cell_and_sizes():
    assert pages.md_cell("a|b\nc") == "a\\|b c"
    assert pages.size_text(2_500_000) == "2.5 MB"
    assert pages.size_text(1_500) == "1.5 kB"
    assert pages.chapter_titles("kaplan, x", {"kaplan": "Kaplan"}) == "Kaplan; x"


def test_provenance_summary_names_the_unlicensed_sets():
    table = pd.DataFrame(
        {
            "name": ["a", "b"],
            "title": ["A set", "B|set"],
            "redistributable": [True, False],
            "files": [3, 1200],
            "bytes": [1_000, 2_000_000],
        }
    )
    text = pages.provenance_summary(table)
    assert text.startswith(
        "The registry lists **2 data sets** with **1,203 raw files** (2.0 MB in all)."
    )
    assert text.endswith(
        "1 of them carry no license and are therefore only downloaded and cited: `b` (B\\|set)."
    )


def test_reproduced_summary_and_table():
    results = pd.DataFrame(
        {"id": ["x", "y", "z"], "paper": ["P1", "P1", "P2"], "within": [True, False, True]}
    )
    text = pages.reproduced_summary(results)
    assert (
        "**3 published numbers** from 2 sources, and 2 lie within their tolerance and 1 do not: `y`."
        in text
    )
    all_in = pages.reproduced_summary(results.assign(within=True))
    assert "and all 3 lie within their tolerance." in all_in
    md = pages.markdown_table(pd.DataFrame({"Quantity": ["a|b"], "Ours": [1.5]}), right=("Ours",))
    assert md.splitlines() == ["| Quantity | Ours |", "|---|---:|", "| a\\|b | 1.5 |"]


# ------------------------------------------------------------------ committed page weights
def test_committed_page_weights_cover_every_page_within_the_goals():
    """book/_data/page_weights.json (tools/measure_pages.py --out, shown on the page "Page weights"):
    every _toc page measured, dated, on a stated machine, each within its goal."""
    import json
    import re
    from pathlib import Path

    import yaml

    repo = Path(__file__).resolve().parents[2]
    data = json.loads((repo / "book" / "_data" / "page_weights.json").read_text(encoding="utf-8"))
    toc = yaml.safe_load((repo / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]]
    for part in toc["parts"]:
        docs += [c["file"] for c in part["chapters"]]
    docs = [re.sub(r"\.(md|ipynb)$", "", d) for d in docs]
    assert list(data["pages"]) == docs, "re-measure: python tools/measure_pages.py --out ..."
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", data["date"])
    assert "CPU" in data["machine"] and "Chromium" in data["machine"]
    assert data["goals"] == {"no_charts": 1_000_000, "charts": 2_500_000}
    for doc, page in data["pages"].items():
        b = page["bytes"]
        assert b["total"] == sum(b[k] for k in ("html", "js", "css", "font", "other")), doc
        goal = data["goals"]["charts" if page["charts"] else "no_charts"]
        assert 100_000 < b["total"] < goal, (doc, b["total"], goal)
        assert page["vega"] == bool(page["charts"]) and not page["mathjax"], doc
        if page["charts"]:
            assert page["drawn"] >= page["charts"] and 0 < page["last_chart_ms"] < 30_000, doc
        else:
            assert page["last_chart_ms"] is None, doc
    assert any(p["charts"] for p in data["pages"].values())
