"""The book's number formatting (scalinglaws.book.format): what a reader sees in the prose."""

from __future__ import annotations

import math

import pytest

from scalinglaws.book import fmt_fixed, fmt_int, fmt_interval, fmt_pct, fmt_sig, fmt_times
from scalinglaws.core.errors import InputError


def test_formats():
    assert fmt_sig(3.2178e10) == "3.22 × 10¹⁰"
    assert fmt_sig(0.000123, 2) == "1.2 × 10⁻⁴"
    assert fmt_sig(12.345, 3) == "12.3"
    assert fmt_fixed(0.34731, 3) == "0.347"
    assert fmt_int(4500) == "4,500"
    assert fmt_pct(0.0071) == "0.7%"
    assert fmt_times(4.26) == "4.3×"
    assert fmt_interval(0.1, 0.2) == "[0.10, 0.20]"


def test_no_negative_zero():
    """A value that rounds to zero is printed without a sign (an interval read '[-0.68, -0.00]')."""
    assert fmt_fixed(-0.001, 2) == "0.00"
    assert fmt_fixed(-0.0, 1) == "0.0"
    assert fmt_interval(-0.68, -0.004, fmt_fixed, 2) == "[-0.68, 0.00]"
    assert fmt_fixed(-0.006, 2) == "-0.01"


@pytest.mark.parametrize("bad", [math.nan, math.inf, "1", None, True])
def test_bad_values_are_refused(bad):
    with pytest.raises(InputError):
        fmt_fixed(bad)
