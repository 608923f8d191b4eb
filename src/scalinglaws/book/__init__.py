"""The book layer: numbers in prose (:mod:`.format`), charts and their theme (:mod:`.charts`), one
figure module and one glue module per chapter (:mod:`.figures`, :mod:`.glue`), the chapters' parameter
declarations and runner (:mod:`.chapters`) and the "Reproduced numbers" table (:mod:`.reproduced`).

The formatting and glue functions are re-exported here, so a chapter writes
``from scalinglaws.book import fmt_fixed, claim``.
"""

from scalinglaws.book.format import (
    CLAIMS,
    Glued,
    Text,
    claim,
    fmt_fixed,
    fmt_int,
    fmt_interval,
    fmt_pct,
    fmt_sig,
    fmt_times,
    glue_all,
    glue_text,
    glue_values,
)

__all__ = [
    "Text",
    "fmt_sig",
    "fmt_fixed",
    "fmt_int",
    "fmt_pct",
    "fmt_times",
    "fmt_interval",
    "glue_text",
    "glue_values",
    "Glued",
    "glue_all",
    "claim",
    "CLAIMS",
]
