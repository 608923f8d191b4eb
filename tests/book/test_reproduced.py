"""Every published number in scalinglaws.book.reproduced.REGISTRY against its printed value.

Each entry carries the paper, the location, the value as printed, its printed precision, the tolerance and the
one-line justification of that tolerance; our value is recomputed here by library functions from data or first
principles (never a copy of the printed value).
"""

from __future__ import annotations

import functools
import math
import re

import pytest

from scalinglaws.book import reproduced
from scalinglaws.book.chapters import CHAPTERS
from scalinglaws.core.errors import InputError

REGISTRY = reproduced.REGISTRY


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.id)
def test_published_number_reproduced(entry):
    ours = float(entry.ours())
    assert math.isfinite(ours)
    assert abs(ours - entry.value) <= entry.tolerance, (
        f"{entry.paper}, {entry.location}: printed {entry.printed}, ours {ours!r}, "
        f"|difference| {abs(ours - entry.value):.3g} > tolerance {entry.tolerance:.3g} "
        f"({entry.justification})"
    )


def test_registry_is_complete_and_well_formed():
    assert len(REGISTRY) >= 30
    ids = [e.id for e in REGISTRY]
    assert len(set(ids)) == len(ids), "ids are distinct"
    for e in REGISTRY:
        assert re.fullmatch(r"[a-z0-9_]+", e.id.lower()), e.id
        for text in (e.quantity, e.paper, e.location, e.printed, e.justification):
            assert isinstance(text, str) and text.strip(), e.id
        assert re.search(r"\d{4}", e.paper), f"{e.id}: the citation has a year"
        assert e.chapter in CHAPTERS, e.id
        assert callable(e.ours), e.id
        # the printed precision is a power of ten, and the tolerance includes at least half of it
        assert e.unit > 0 and abs(math.log10(e.unit) - round(math.log10(e.unit))) < 1e-9, e.id
        assert e.tolerance >= e.unit / 2 * (1 - 1e-12), e.id
        assert e.extra_digits in (0, 1, 2), e.id


def _constants(f) -> list:
    """Literal numbers a callable carries: its code's constants (and a partial's bound arguments)."""
    if isinstance(f, functools.partial):
        return [*f.args, *f.keywords.values(), *_constants(f.func)]
    code = getattr(f, "__code__", None)
    return list(code.co_consts) if code is not None else []


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.id)
def test_ours_is_not_a_copy_of_the_printed_value(entry):
    """The callable does not carry the printed number as a literal: it is computed."""
    for c in _constants(entry.ours):
        if isinstance(c, int | float) and not isinstance(c, bool) and c != 0:
            assert not math.isclose(c, entry.value, rel_tol=1e-12), (entry.id, c)


def test_get_and_errors():
    assert reproduced.get("besiroglu_lr_statistic").printed == "84.00"
    with pytest.raises(InputError):
        reproduced.get("nope")


def test_significant_digits():
    sd = reproduced.significant_digits
    assert sd(84.00, 0.01) == 4
    assert sd(3.14e23, 1e21) == 3
    assert sd(600_000, 100_000) == 1
    assert sd(12.85e9, 1e7) == 4
    assert sd(0.015826, 1e-6) == 5


@pytest.fixture(scope="module")
def results():
    return reproduced.evaluate()


def test_evaluate_and_display_table(results):
    assert list(results["id"]) == [e.id for e in REGISTRY]
    assert results["within"].all()
    table = reproduced.display_table(results)
    assert list(table.columns) == [
        "Quantity",
        "Published",
        "Ours",
        "Difference",
        "Tolerance",
        "Why this tolerance",
        "Paper and location",
        "Chapter",
    ]
    assert len(table) == len(REGISTRY)
    assert list(table["Published"]) == [e.printed for e in REGISTRY]
    row = table.set_index("Published").loc["84.00"]
    assert (row["Ours"], row["Difference"], row["Tolerance"]) == (
        "83.9955",
        "\u22120.0045",
        "0.0050",
    )
    assert table.set_index("Published").loc["17%", "Ours"] == "16.3%"


@pytest.mark.parametrize("factor", [1 + 1e-8, 1 - 1e-8])
def test_display_does_not_depend_on_the_last_bits(results, factor):
    """The page's text is unchanged when every value moves by 1e-8 relative: far more than the
    certified fits move between BLAS kernels and engines (~1e-9), so nbval sees the same text."""
    moved = results.copy()
    moved["ours"] = results["ours"] * factor
    moved["difference"] = moved["ours"] - moved["value"]
    a = reproduced.display_table(results)
    b = reproduced.display_table(moved)
    assert a.equals(b), a[(a != b).any(axis=1)].to_dict("records")
