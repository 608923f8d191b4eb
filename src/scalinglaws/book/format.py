"""Numbers in prose: formatting and myst-nb glue.

A chapter never types a computed number into its prose. It computes the number, formats it with one of
the functions below, and glues it under a name; the prose inserts it with ``{glue:text}`name```. Re-running
the chapter with other parameters (papermill) therefore keeps every sentence true.

>>> fmt_sig(3.2178e10)
'3.22 × 10¹⁰'
>>> fmt_fixed(0.34731, 3)
'0.347'
>>> fmt_pct(0.0071)
'0.7%'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

from scalinglaws.core.errors import InputError

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class Text:
    """An already formatted string for ``{glue:text}`` / ``{glue:md}``.

    Its plain-text form is the quoted Python literal: myst-nb's ``{glue:text}`` evaluates that literal, so the
    text arrives exactly as formatted (unquoted, ``'0.050'`` stays ``0.050``, ``'9,139'`` stays ``9,139``).
    Its Markdown form is the text itself, for ``{glue:md}``.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = str(text)

    def __repr__(self) -> str:
        return repr(self.text)

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.text)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's plain-text formatter
        printer.text(repr(self.text))

    def _repr_markdown_(self) -> str:
        return self.text


def _check(x: float) -> float:
    if isinstance(x, bool) or not isinstance(x, Real):
        raise InputError(f"cannot format {x!r}: not a real number")
    x = float(x)
    if not math.isfinite(x):
        raise InputError(f"cannot format {x!r}: not a finite number")
    return x


def fmt_sig(x: float, sig: int = 3, *, sci_below: float = 1e-3, sci_above: float = 1e5) -> str:
    """``sig`` significant figures; scientific notation as ``a × 10ⁿ`` outside [sci_below, sci_above)."""
    x = _check(x)
    if x == 0:
        return "0"
    if sci_below <= abs(x) < sci_above:
        digits = max(sig - 1 - math.floor(math.log10(abs(x))), 0)
        return f"{x:,.{digits}f}"
    mantissa, exponent = f"{x:.{sig - 1}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def fmt_fixed(x: float, digits: int = 2) -> str:
    """Fixed decimals, e.g. exponents: ``fmt_fixed(0.34731, 3) == '0.347'``.

    A value that rounds to zero prints without a sign: ``fmt_fixed(-0.001, 2) == '0.00'``.
    """
    text = f"{_check(x):.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def fmt_int(x: float) -> str:
    """Rounded to an integer with thousands separators: ``fmt_int(4500) == '4,500'``."""
    return f"{round(_check(x)):,d}"


def fmt_pct(x: float, digits: int = 1) -> str:
    """A fraction as a percentage: ``fmt_pct(0.25) == '25.0%'``."""
    return f"{100 * _check(x):.{digits}f}%"


def fmt_times(x: float, sig: int = 2) -> str:
    """A multiplicative factor: ``fmt_times(4.26) == '4.3×'``."""
    return f"{fmt_sig(x, sig)}×"


def fmt_interval(lo: float, hi: float, fmt=fmt_fixed, *args) -> str:
    """An interval ``[lo, hi]`` formatted with ``fmt``: ``fmt_interval(0.1, 0.2) == '[0.10, 0.20]'``."""
    return f"[{fmt(lo, *args)}, {fmt(hi, *args)}]"


def glue_text(name: str, text: str) -> Text:
    """Glue ``text`` (already formatted) under ``name`` without displaying it; returns the glued object."""
    from myst_nb import glue  # imported lazily: the library works without the book toolchain

    value = Text(text)
    glue(name, value, display=False)
    return value


def glue_values(values: dict[str, str]) -> None:
    """Glue several formatted strings at once: ``glue_values({"alpha": fmt_fixed(a, 3)})``."""
    for name, text in values.items():
        glue_text(name, text)


class Glued(dict):
    """The texts a chapter's glue function glued (``name -> text``), for tests and a reader's inspection.

    It displays nothing as a cell's last value: the texts appear where the prose inserts them. (A trailing
    ``;`` would not do: a kernel that runs a cell without storing history, as nbval does, ignores it, and
    the dict would become an output that differs from the stored one.)
    """

    def _ipython_display_(self) -> None:
        return None


def glue_all(
    values: Mapping[str, str], claims: Mapping[str, tuple[object, str, str]] | None = None
) -> Glued:
    """Glue formatted ``values`` and each ``name -> (condition, if_true, if_false)`` :func:`claim`.

    Returns every text glued, as a :class:`Glued` dict (values first, then the claims' chosen texts).
    """
    glue_values(dict(values))
    out = Glued(values)
    for name, (condition, if_true, if_false) in (claims or {}).items():
        out[name] = claim(name, condition, if_true, if_false)
    return out


#: Every qualitative claim made with :func:`claim` in this process: name -> (condition, text glued).
CLAIMS: dict[str, tuple[bool, str]] = {}


def claim(name: str, condition: object, if_true: str, if_false: str) -> str:
    """A sentence whose wording depends on the data, chosen from the data and glued under ``name``.

    Use it for every word whose truth depends on a computed value (rises/falls, larger/smaller,
    agrees/disagrees, significant or not) *and* for the sentences that follow from it: both
    versions are written in the chapter, the data pick one, so the prose stays true when the
    chapter is re-run with other parameters. The choice is recorded in :data:`CLAIMS` and glued
    as ``<name>__holds`` ("true"/"false"), so a test can read which branch a run took.

    >>> claim("trend", 0.3 > 0, "accuracy rises", "accuracy does not rise")  # doctest: +SKIP
    'accuracy rises'
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise InputError(f"claim name must be an identifier, got {name!r}")
    for label, text in (("if_true", if_true), ("if_false", if_false)):
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"claim {name!r}: {label} must be a non-empty string")
    try:
        holds = bool(condition)
    except Exception:  # e.g. the truth value of an array
        raise InputError(f"claim {name!r}: the condition must be a single truth value") from None
    text = if_true if holds else if_false
    CLAIMS[name] = (holds, text)
    glue_text(name, text)
    glue_text(f"{name}__holds", "true" if holds else "false")
    return text
