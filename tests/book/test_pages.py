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
