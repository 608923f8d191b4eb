"""The book's generated back-matter pages: "Data and provenance" and "Reproduced numbers".

Each function returns Markdown that the page's notebook displays with one call, so the pages hold no
code beyond loading the tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd


def md_cell(text: Any) -> str:
    """Text safe inside a Markdown table cell (no pipes, no line breaks)."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def size_text(n_bytes: int) -> str:
    """A byte count in kB or MB (decimal units): ``size_text(2_500_000) == '2.5 MB'``."""
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e3:.1f} kB"


def chapter_titles(ids: str, titles: Mapping[str, str]) -> str:
    """Chapter ids (``"kaplan, chinchilla"``) as their titles; unknown ids are kept as they are."""
    return "; ".join(titles.get(cid, cid) for cid in (c.strip() for c in ids.split(",")))


def provenance_summary(table: pd.DataFrame) -> str:
    """One paragraph: how many data sets and raw files, and which carry no license."""
    unlicensed = table[~table["redistributable"]]
    listed = "; ".join(
        f"`{n}` ({md_cell(t)})"
        for n, t in zip(unlicensed["name"], unlicensed["title"], strict=True)
    )
    return (
        f"The registry lists **{len(table)} data sets** with **{int(table['files'].sum()):,} raw files** "
        f"({size_text(int(table['bytes'].sum()))} in all). "
        f"{len(unlicensed)} of them carry no license and are therefore only downloaded and cited: "
        f"{listed}."
    )


def provenance_table(table: pd.DataFrame, titles: Mapping[str, str]) -> str:
    """The overview table: data set, license, raw files, tidy tables, chapters using it."""
    rows = [
        "| Data set | License | Raw files | Tidy tables (rows) | Chapters |",
        "|---|---|---:|---|---|",
    ]
    for r in table.itertuples(index=False):
        license_text = r.license if r.redistributable else f"{r.license} (download and cite only)"
        rows.append(
            f"| `{r.name}` | {md_cell(license_text)} | {r.files:,} | {md_cell(r.rows)} | "
            f"{md_cell(chapter_titles(r.chapters, titles))} |"
        )
    return "\n".join(rows)


def provenance_sections(
    table: pd.DataFrame, datasets: Mapping[str, Any], titles: Mapping[str, str]
) -> str:
    """One section per data set: source at its commit, license, citation, files, use, description."""
    blocks = []
    for r in table.itertuples(index=False):
        license_line = (
            f"{r.license}"
            if r.redistributable
            else f"{r.license}: no license was found, so the files are downloaded from the source at "
            "build time and cited, never redistributed; the book shows no rows of this data set"
        )
        blocks.append(
            "\n".join(
                [
                    f"### `{r.name}`",
                    "",
                    f"{md_cell(r.title)}.",
                    "",
                    f"- **Source:** <{r.repository}> at commit `{r.commit}`",
                    f"- **License:** {license_line}",
                    f"- **Cite:** {md_cell(r.citation)}",
                    f"- **Raw files:** {r.files:,} ({size_text(int(r.bytes))}), each with its SHA-256 "
                    "in the registry",
                    f"- **Tidy tables:** {md_cell(r.rows)} rows",
                    f"- **Used in:** {md_cell(chapter_titles(r.chapters, titles))}",
                    f"- **What it is:** {md_cell(' '.join(datasets[r.name].description.split()))}",
                ]
            )
        )
    return "\n\n".join(blocks)


def reproduced_summary(results: pd.DataFrame) -> str:
    """How many published numbers, from how many sources, and which lie outside their tolerance."""
    n_within = int(results["within"].sum())
    n_papers = results["paper"].nunique()
    if n_within == len(results):
        verdict = f"all {n_within} lie within their tolerance"
    else:
        outside = ", ".join(f"`{i}`" for i in results.loc[~results["within"], "id"])
        verdict = (
            f"{n_within} lie within their tolerance and {len(results) - n_within} do not: {outside}"
        )
    return (
        f"The registry holds **{len(results)} published numbers** from {n_papers} sources, and "
        f"{verdict}. Differences are ours minus the published value, in the published units "
        "(percentage points for percentages); our values are shown to one digit more than the paper "
        "prints."
    )


def markdown_table(table: pd.DataFrame, right: tuple[str, ...] = ()) -> str:
    """A data frame as a Markdown table; the columns in ``right`` are right-aligned."""
    headers = list(table.columns)
    rows = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---:" if h in right else "---" for h in headers) + "|",
    ]
    for r in table.itertuples(index=False):
        rows.append("| " + " | ".join(md_cell(v) for v in r) + " |")
    return "\n".join(rows)
