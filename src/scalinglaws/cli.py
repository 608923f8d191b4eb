"""The ``scalinglaws`` command line (also ``python -m scalinglaws``).

Subcommands: ``optimal``, ``loss``, ``fit``, ``pass-at-k``, ``data {list,verify,info}``
and ``run``. Each takes ``--json`` for machine-readable output on stdout; otherwise
it prints a small table. Bad input exits with code 2 and ONE line on stderr
(``scalinglaws: error: ...``); success exits 0. Output has no timestamps. ``run --grid``
exits 1 (after writing its summary, with one line on stderr) when some of its runs failed.

Limits (bad input beyond them is refused with exit 2, see "How to run"): budgets
``--flops`` in [1e6, 1e35] FLOP; ``--params``, ``--tokens`` and ``--unique-tokens`` in
[1, 1e30]; ``pass-at-k`` counts up to 2**53; ``fit`` files up to 200 MB of text and
100,000 rows, ``--bootstrap`` up to 20,000 resamples and 2e7 resampled points in all.
Error messages quote at most 80 characters of any input.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from scalinglaws.core.errors import InputError, ScalingLawsError
from scalinglaws.core.laws import DEFAULT_LAW

PROG = "scalinglaws"

#: Physically meaningful ranges (inclusive) of the numeric options: a training budget from a
#: laptop minute (1e6 FLOP) to far beyond any planned run (1e35 FLOP); parameter and token
#: counts from 1 to 1e30. Outside them the laws' numbers overflow or mean nothing.
FLOPS_RANGE = (1e6, 1e35)
COUNT_RANGE = (1.0, 1e30)

#: ``fit`` input limits: file size (bytes), data rows, bootstrap resamples, resamples x rows.
MAX_CSV_BYTES = 200_000_000
MAX_FIT_ROWS = 100_000
MAX_BOOTSTRAP = 20_000
MAX_BOOTSTRAP_POINTS = 20_000_000

#: Longest quotation of user input in an error message (characters).
QUOTE_WIDTH = 80

#: Longest error message (characters; the rest is cut with "...").
MAX_MESSAGE = 600
LAWS_HELP = (
    "epoch (default: Besiroglu et al. 2024's refit of Hoffmann et al.'s data, the book's canonical "
    "law), hoffmann (Hoffmann et al. 2022's printed constants, rejected by their own data), "
    "hoffmann-tex or kaplan"
)


# ----------------------------------------------------------------------------- argparse glue


class _UsageError(Exception):
    """Raised instead of argparse's multi-line usage + exit."""


#: Anything that looks like a (signed) number, inf or nan: a value, never an option name, so
#: ``--flops -1e23`` and ``--tokens -inf`` reach the range check instead of argparse's
#: "expected one argument".
_NUMBER_LIKE = re.compile(
    r"^-(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE
)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (``scalinglaws: error: ...``), exit 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NUMBER_LIKE

    def error(self, message: str) -> NoReturn:
        raise _UsageError(" ".join(str(message).split()))


def quote(text: Any, width: int = QUOTE_WIDTH) -> str:
    """``repr(text)`` cut to ``width`` characters (an error message never echoes a huge input)."""
    shown = repr(text)
    return shown if len(shown) <= width else shown[: width - 3] + "..."


def _positive_float(text: str) -> float:
    """A positive finite number (no range)."""
    try:
        value = float(text) if len(text) <= 400 else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {quote(text)}")
    return value


_positive_float.__name__ = "positive number"


def _bounded_float(low: float, high: float, unit: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = _positive_float(text)
        if not (low <= value <= high):
            raise argparse.ArgumentTypeError(
                f"must be a positive finite number in [{low:g}, {high:g}] {unit}, got {quote(text)}"
            )
        return value

    parse.__name__ = "positive number"
    return parse


def _int_at_least(low: int, high: int | None = None) -> Callable[[str], int]:
    what = f"an integer >= {low}" if high is None else f"an integer in [{low}, {high}]"

    def parse(text: str) -> int:
        try:
            value = int(text) if len(text.strip()) <= 40 else None
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {what}, got {quote(text)}")
        return value

    parse.__name__ = f"integer >= {low}"
    return parse


def _law_name(text: str) -> str:
    """A law name: never empty (``--law ""`` is an error, not the default law)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "must name a law (epoch, hoffmann, hoffmann-tex or kaplan), got ''"
        )
    if len(text) > QUOTE_WIDTH:
        raise argparse.ArgumentTypeError(f"unknown law {quote(text)}")
    return text


# ----------------------------------------------------------------------------- output


def _jsonable(x: Any) -> Any:
    """Plain JSON types (numpy scalars/arrays converted, NaN/inf -> None, tuples -> lists)."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple | np.ndarray):
        return [_jsonable(v) for v in (x.tolist() if isinstance(x, np.ndarray) else x)]
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, int | np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        x = float(x)
        return x if math.isfinite(x) else None
    if isinstance(x, Path):
        return str(x)
    return x


def fmt(x: Any) -> str:
    """A number with 4 significant figures (``3.221e+10``, ``93.06``, ``0.3``); others as str."""
    if isinstance(x, bool | np.bool_):
        return "yes" if x else "no"
    if isinstance(x, int | np.integer):
        return str(int(x))
    if isinstance(x, float | np.floating):
        x = float(x)
        if x == 0 or not math.isfinite(x):
            return str(x)
        return format(x, ".4g")
    if x is None:
        return "-"
    return str(x)


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str] | None = None) -> str:
    cells = [[fmt(v) for v in row] for row in rows]
    if header is not None:
        cells.insert(0, list(header))
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    if header is not None:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        print(json.dumps(_jsonable(data), indent=2, allow_nan=False))
    else:
        print(text)


def _as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, dict):
        return dict(obj)
    if hasattr(obj, "to_dict"):
        return dict(obj.to_dict())
    import dataclasses

    if dataclasses.is_dataclass(obj):
        return dataclasses.asdict(obj)
    return dict(vars(obj))


# ----------------------------------------------------------------------------- optimal, loss

_ALLOCATION_LABELS = [
    ("law", "law"),
    ("flops", "compute C (FLOP)"),
    ("params", "params N_opt"),
    ("tokens", "tokens D_opt"),
    ("tokens_per_param", "tokens per param D/N"),
    ("loss", "predicted loss (nats/token)"),
    ("unique_tokens", "unique tokens used"),
    ("epochs", "epochs over unique data"),
    ("converged", "optimizer converged"),
]


def _cmd_optimal(args: argparse.Namespace) -> int:
    if args.unique_tokens is not None:
        if args.law is not None:
            raise InputError(
                "--law cannot be combined with --unique-tokens (the data-constrained law of "
                "Muennighoff et al. 2023 is used)"
            )
        from scalinglaws.analyses.data_constrained import optimal_under_unique_tokens

        result = _as_dict(optimal_under_unique_tokens(args.flops, args.unique_tokens))
        # the search spans N = sqrt(C/6) x [1e-6, 1e6], i.e. D/N in [1e-12, 1e12]: an optimum
        # within 1 % of either end is the window's edge, not an optimum
        ratio = float(result.get("tokens_per_param", 1.0))
        if not (1.01e-12 < ratio < 0.99e12):
            result["converged"] = False
    else:
        from scalinglaws.core.allocation import compute_optimal

        result = _as_dict(
            compute_optimal(args.flops, law=DEFAULT_LAW if args.law is None else args.law)
        )
    values = [v for v in result.values() if isinstance(v, float | np.floating)]
    if not all(math.isfinite(float(v)) for v in values):
        raise InputError(
            f"no finite compute-optimal allocation for {args.flops:g} FLOP"
            + (f" and {args.unique_tokens:g} unique tokens" if args.unique_tokens else "")
        )
    rows = [(label, result[key]) for key, label in _ALLOCATION_LABELS if key in result]
    _emit(args, result, _table(rows))
    return 0


def _cmd_loss(args: argparse.Namespace) -> int:
    from scalinglaws.core.laws import get_law

    law = get_law(args.law)
    value = float(law.loss(args.params, args.tokens))
    if not math.isfinite(value):
        raise InputError(
            f"the loss of law {law.name} is not finite at N = {args.params:g}, D = {args.tokens:g}"
        )
    data = {"law": law.name, "params": args.params, "tokens": args.tokens, "loss": value}
    rows = [
        ("law", law.name),
        ("params N", args.params),
        ("tokens D", args.tokens),
        ("loss (nats/token)", value),
    ]
    _emit(args, data, _table(rows))
    return 0


# ----------------------------------------------------------------------------- fit


def read_fit_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read ``params,tokens,loss`` (or ``params,flops,loss``) from a CSV file.

    ``tokens = flops / (6 params)`` when only ``flops`` is given. Every cell must
    be a positive finite number. Returns float64 arrays ``(N, D, L)``.

    Raises
    ------
    InputError
        Missing or unreadable file, empty or malformed CSV, missing column,
        non-numeric, empty, NaN, inf, zero or negative cell (one line, naming
        the column and the file line).
    """
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}")
    if not p.is_file():
        raise InputError(f"not a file: {p}")
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if size > MAX_CSV_BYTES:
        raise InputError(
            f"{p}: file is {size:,} bytes; fit reads CSV files of at most {MAX_CSV_BYTES:,} bytes"
        )
    if b"\x00" in head:
        raise InputError(f"{p}: not a text CSV file (it contains NUL bytes)")
    try:
        frame = pd.read_csv(
            p, dtype=str, keep_default_na=False, skipinitialspace=True, nrows=MAX_FIT_ROWS + 1
        )
    except pd.errors.EmptyDataError:
        raise InputError(f"{p}: file is empty (expected a header params,tokens,loss)") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{p}: malformed CSV: {_clip(str(exc))}") from None
    except ValueError as exc:  # e.g. a NUL byte past the first 64 KiB
        raise InputError(f"{p}: not a readable CSV file: {_clip(str(exc))}") from None
    except UnicodeDecodeError:
        raise InputError(f"{p}: not a UTF-8 text CSV file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "params" not in frame or "loss" not in frame or not ({"tokens", "flops"} & set(frame)):
        missing = [c for c in ("params", "loss") if c not in frame]
        if not ({"tokens", "flops"} & set(frame)):
            missing.append("tokens (or flops)")
        raise InputError(
            f"{p}: missing column(s) {', '.join(missing)}; need params,tokens,loss or "
            f"params,flops,loss, got {_clip(','.join(frame.columns))}"
        )
    if len(frame) == 0:
        raise InputError(f"{p}: no data rows after the header")
    if len(frame) > MAX_FIT_ROWS:
        raise InputError(f"{p}: more than {MAX_FIT_ROWS:,} data rows; fit reads at most that many")
    second = "tokens" if "tokens" in frame else "flops"
    values = {}
    for col in ("params", second, "loss"):
        raw = frame[col].astype(str).str.strip()
        for i, cell in enumerate(raw):
            line = i + 2  # header is line 1
            try:
                x = float(cell)
            except ValueError:
                what = "is empty" if cell == "" else f"is not a number: {quote(cell)}"
                raise InputError(f"{p}, line {line}: column {col!r} {what}") from None
            if not math.isfinite(x) or x <= 0:
                raise InputError(
                    f"{p}, line {line}: column {col!r} must be a positive finite number, "
                    f"got {quote(cell)}"
                )
        values[col] = raw.astype(float).to_numpy(dtype=np.float64)
    N = values["params"]
    with np.errstate(over="ignore", under="ignore"):
        D = values["tokens"] if second == "tokens" else values["flops"] / (6.0 * N)
    if not np.all(np.isfinite(D) & (D > 0)):
        i = int(np.flatnonzero(~(np.isfinite(D) & (D > 0)))[0])
        raise InputError(
            f"{p}, line {i + 2}: tokens = flops / (6 params) is not a positive finite number"
        )
    return N, D, values["loss"]


def _clip(text: str, width: int = 160) -> str:
    """One line of at most ``width`` characters (pandas and OS messages can quote the input)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def _cmd_fit(args: argparse.Namespace) -> int:
    N, D, L = read_fit_csv(args.file)
    if args.bootstrap * len(N) > MAX_BOOTSTRAP_POINTS:
        raise InputError(
            f"--bootstrap {args.bootstrap} on {len(N):,} rows would resample "
            f"{args.bootstrap * len(N):,} points; at most {MAX_BOOTSTRAP_POINTS:,} "
            f"(use --bootstrap {max(0, MAX_BOOTSTRAP_POINTS // len(N))} or fewer)"
        )
    from scalinglaws.fitting.parametric import fit_parametric, identification

    fit = fit_parametric(N, D, L)
    ident = identification(fit, N, D, L)
    # allocation exponents a = beta/(alpha+beta), b = alpha/(alpha+beta) need both exponents
    ident["a"] = ident["b"] = ident["alpha"] and ident["beta"]
    names = ("E", "A", "B", "alpha", "beta", "a", "b")
    not_identified = [k for k in names if not ident[k]]
    falls = fit.alpha > 0 and fit.beta > 0
    reasons = []
    if not fit.converged:
        reasons.append("the optimizer did not converge")
    if not fit.interior:
        reasons.append("the optimum lies on or beyond the edge of the start grid")
    if not falls:
        reasons.append("the fitted loss does not fall with both N and D (an exponent <= 0)")
    if not_identified:
        reasons.append("not identified: " + ", ".join(not_identified))
    data = _as_dict(fit)
    # the fit's log coefficients are ln E, ln A, ln B; "a" and "b" in this output are only ever the
    # allocation exponents (N_opt ∝ C^a, D_opt ∝ C^b), as in the table and in "allocation_exponents"
    for short, name in (("e", "log_E"), ("a", "log_A"), ("b", "log_B")):
        data[name] = data.pop(short)
    data["optimizer_converged"] = data.pop("converged")
    data["converged"] = not reasons
    intervals: dict[str, Any] = {}
    std_err: dict[str, Any] = {}
    boot_info: dict[str, Any] = {}
    if args.bootstrap > 0:
        from scalinglaws.fitting.bootstrap import bootstrap_parametric

        boot = bootstrap_parametric(
            N,
            D,
            L,
            n_boot=args.bootstrap,
            seed=args.seed,
            fit=fit,
            restarts=min(args.bootstrap, max(10, args.bootstrap // 10)),
        )
        for k, v in dict(boot.intervals).items():
            ok = ident.get(k, True) and math.isfinite(v[0]) and math.isfinite(v[1])
            intervals[k] = [float(v[0]), float(v[1])] if ok else None
            std_err[k] = float(boot.std_err[k]) if ok else None
        boot_info = {
            "level": boot.level,
            "n_converged": boot.n_converged,
            "n_restarted": boot.n_restarted,
            "n_left_basin": boot.n_left_basin,
        }
        if boot.n_left_basin:
            reasons.append(
                f"{boot.n_left_basin} of {boot.n_restarted} restarted resamples found another "
                "optimum (the objective is multimodal)"
            )
            data["converged"] = False
    data.update(
        {
            "file": str(args.file),
            "n_boot": args.bootstrap,
            "seed": args.seed,
            "intervals": intervals,
            "std_err": std_err,
            "identified": {k: bool(ident[k]) for k in names},
            "not_identified": not_identified,
            "loss_falls_with_scale": bool(falls),
            "caveats": reasons,
            **boot_info,
        }
    )
    point = {**{k: data[k] for k in ("E", "A", "B", "alpha", "beta")}}
    with np.errstate(all="ignore"):
        point["a"] = data["beta"] / (data["alpha"] + data["beta"])  # N_opt ∝ C^a (Hoffmann eq 4)
        point["b"] = data["alpha"] / (data["alpha"] + data["beta"])  # D_opt ∝ C^b
    data["allocation_exponents"] = {"a": point["a"], "b": point["b"]}
    rows = []
    for name, value in point.items():
        if not ident[name]:
            rows.append((name, value, "not identified", "-", "-"))
            continue
        lo, hi = intervals.get(name) or (None, None)
        rows.append((name, value, std_err.get(name), lo, hi))
    level = boot_info.get("level")
    ci = f"{level:.0%} interval" if level else "interval"
    text = _table(rows, header=("param", "estimate", "std err", f"{ci} lo", f"{ci} hi"))
    extra = [
        ("points", len(N)),
        ("objective (Huber)", data.get("objective")),
        ("converged", "yes" if not reasons else "no: " + "; ".join(reasons)),
        ("optimizer converged", data["optimizer_converged"]),
        ("starts reaching optimum", f"{data.get('n_reached')}/{data.get('n_starts')}"),
        ("bootstrap resamples", args.bootstrap),
    ]
    if boot_info:
        extra.append(("resamples converged", f"{boot_info['n_converged']}/{args.bootstrap}"))
        extra.append(
            (
                "resamples leaving the estimate's basin",
                f"{boot_info['n_left_basin']}/{boot_info['n_restarted']} restarted from a grid",
            )
        )
    if "interior" in data:
        extra.insert(4, ("optimum inside start grid", data["interior"]))
    _emit(args, data, text + "\n\n" + _table(extra))
    return 0


# ----------------------------------------------------------------------------- pass@k


def _cmd_pass_at_k(args: argparse.Namespace) -> int:
    # closed form in log space (scalinglaws.core.passk): no array of size n, any n up to 2**53
    from scalinglaws.core.passk import pass_at_k_scalar

    values = [pass_at_k_scalar(args.n, args.c, k) for k in args.k]
    results = [{"k": k, "pass_at_k": float(v)} for k, v in zip(args.k, values, strict=True)]
    data = {"n": args.n, "c": args.c, "results": results}
    rows = [(r["k"], r["pass_at_k"]) for r in results]
    _emit(
        args, data, f"n = {args.n} samples, c = {args.c} correct\n" + _table(rows, ("k", "pass@k"))
    )
    return 0


# ----------------------------------------------------------------------------- data


def _cmd_data_list(args: argparse.Namespace) -> int:
    from scalinglaws import data as data_module
    from scalinglaws.data.registry import load_registry

    reg = load_registry()
    records = []
    for name in data_module.datasets():
        ds = reg[name]
        records.append(
            {
                "name": name,
                "title": ds.title,
                "license": ds.license,
                "files": ds.n_files,
                "bytes": ds.total_bytes,
                "chapters": list(ds.chapters),
            }
        )
    columns = ["name", "files", "license", "chapters", "title"]
    rows = [[_short(r[c], 50) for c in columns] for r in records]
    _emit(args, records, _table(rows, columns) if rows else "(no data sets)")
    return 0


def _short(value: Any, width: int = 60) -> Any:
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) > width:
        return value[: width - 3] + "..."
    return value


def _quiet_downloads() -> None:
    """Keep pooch's "Downloading data from ..." log lines off stderr (errors still reported)."""
    import pooch

    pooch.get_logger().setLevel("WARNING")


def _cmd_data_verify(args: argparse.Namespace) -> int:
    from scalinglaws.data.registry import verify

    _quiet_downloads()

    results = [_as_dict(r) for r in verify(name=args.name)]
    bad = [r for r in results if not r.get("ok")]
    if args.json:
        print(
            json.dumps(
                _jsonable({"ok": not bad, "n_files": len(results), "results": results}), indent=2
            )
        )
    if bad:
        first = bad[0]
        where = f"{first.get('dataset')}/{first.get('path')}"
        if first.get("actual"):
            msg = (
                f"sha256 mismatch for {where}: expected {first.get('expected')}, "
                f"got {first.get('actual')}"
            )
        else:
            msg = f"cannot verify {where}: {first.get('error') or 'file missing'}"
        if len(bad) > 1:
            msg += f" (and {len(bad) - 1} more of {len(results)} files failed)"
        raise ScalingLawsError(msg)
    n_sets = len({r.get("dataset") for r in results})
    if not args.json:
        print(f"all {len(results)} files of {n_sets} data set(s) match the registry sha256")
    return 0


def _cmd_data_info(args: argparse.Namespace) -> int:
    from scalinglaws.data.registry import info

    data = info(args.name)
    rows = []
    for key, value in data.items():
        if key in ("files", "citation_fields"):
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        rows.append((key, _short(value, 100)))
    text = _table(rows)
    files = data.get("files") or []
    if files:
        frows = [(f.get("path"), f.get("bytes"), str(f.get("sha256", ""))[:12]) for f in files]
        text += "\n\n" + _table(frows, ("file", "bytes", "sha256 (first 12)"))
    _emit(args, data, text)
    return 0


# ----------------------------------------------------------------------------- run


def _cmd_run(args: argparse.Namespace) -> int:
    from scalinglaws.book.chapters import get_chapter, run, validate

    if args.grid is not None:
        return _run_grid(args)
    if args.jobs is not None:
        raise InputError("--jobs needs --grid (a single run uses one kernel)")
    chapter = get_chapter(args.chapter)
    params: dict[str, str] = {}
    for name, value in args.param or []:
        if name in params:
            raise InputError(f"parameter {name!r} given twice")
        params[name] = value
    values = validate(chapter.id, params)  # exit 2 with one line before anything runs
    out = run(chapter.id, params, output=args.output)
    data = {"chapter": chapter.id, "output": str(out), "parameters": values}
    _emit(args, data, f"executed {chapter.id} -> {out}")
    return 0


def _run_grid(args: argparse.Namespace) -> int:
    """``run CHAPTER --grid GRID.csv -o OUTDIR``: exit 0 when every run succeeded, 1 when some
    failed (their lines in summary.csv say why), 2 on bad input (nothing run or written)."""
    from scalinglaws.book.chapters import (
        GRID_SUMMARY,
        get_chapter,
        grid_columns,
        run_grid,
    )

    if args.param:
        raise InputError(
            "-p cannot be combined with --grid: give the parameter a column in the grid"
        )
    if args.output is None:
        raise InputError("--grid needs -o OUTDIR, the folder for the notebooks and summary.csv")
    chapter = get_chapter(args.chapter)
    results = run_grid(chapter.id, args.grid, args.output, jobs=args.jobs)
    folder = results[0].notebook.parent
    summary = folder / GRID_SUMMARY
    names = grid_columns(chapter.id, results)
    failed = [r for r in results if r.status != "ok"]
    data = {
        "chapter": chapter.id,
        "output": str(folder),
        "summary": str(summary),
        "n_runs": len(results),
        "n_failed": len(failed),
        "runs": [
            {
                "row": r.row,
                "notebook": str(r.notebook),
                "status": r.status,
                "error": r.error,
                "parameters": r.values,
                "glued": {name: r.glued.get(name) for name in names},
            }
            for r in results
        ],
    }
    rows = [(r.row, r.notebook.name, r.status if r.status == "ok" else r.error) for r in results]
    text = _table(rows, ("row", "notebook", "status"))
    text += f"\n\n{len(results) - len(failed)} of {len(results)} runs ok; summary: {summary}"
    _emit(args, data, text)
    if failed:
        first = failed[0]
        _error(
            f"{len(failed)} of {len(results)} runs failed (row {first.row}: {first.error}); "
            f"see {summary}"
        )
        return 1
    return 0


# ----------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    from scalinglaws.book.chapters import CHAPTERS

    try:  # the chapter ids come from the book's declarations; the other commands need no book
        chapter_ids = ", ".join(CHAPTERS)
    except ScalingLawsError as exc:
        chapter_ids = f"none found ({exc})"
    parser = _Parser(
        prog=PROG,
        description="Scaling Laws, Reproduced: compute-optimal allocation, losses, fits, "
        "pass@k, data sets and chapter runs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    json_help = "print machine-readable JSON on stdout"

    p = sub.add_parser("optimal", help="compute-optimal N and D for a FLOP budget")
    p.add_argument(
        "--flops",
        type=_bounded_float(*FLOPS_RANGE, "FLOP"),
        required=True,
        help="training compute C (FLOP, 1e6 to 1e35)",
    )
    p.add_argument("--law", type=_law_name, default=None, help=LAWS_HELP)
    p.add_argument(
        "--unique-tokens",
        type=_bounded_float(*COUNT_RANGE, "tokens"),
        default=None,
        help="unique tokens available: use the data-constrained law (Muennighoff et al. 2023)",
    )
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=_cmd_optimal)

    p = sub.add_parser("loss", help="predicted loss L(N, D) under a law")
    p.add_argument(
        "--params",
        type=_bounded_float(*COUNT_RANGE, "parameters"),
        required=True,
        help="parameters N (1 to 1e30)",
    )
    p.add_argument(
        "--tokens",
        type=_bounded_float(*COUNT_RANGE, "tokens"),
        required=True,
        help="training tokens D (1 to 1e30)",
    )
    p.add_argument("--law", type=_law_name, default=DEFAULT_LAW, help=LAWS_HELP)
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=_cmd_loss)

    p = sub.add_parser(
        "fit",
        help="fit L = E + A/N^alpha + B/D^beta to a CSV (Hoffmann et al. 2022 App. D.2)",
        description="FILE has columns params,tokens,loss or params,flops,loss "
        "(tokens = flops / (6 params)); loss in nats/token.",
    )
    p.add_argument("file", type=Path, help="CSV file")
    p.add_argument(
        "--bootstrap",
        type=_int_at_least(0, MAX_BOOTSTRAP),
        default=1000,
        help="bootstrap resamples for 95%% percentile intervals (default 1000; 0 = none; at "
        "most 20000, and resamples x rows at most 2e7)",
    )
    p.add_argument(
        "--seed", type=_int_at_least(0, 2**63 - 1), default=42, help="bootstrap seed (default 42)"
    )
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser("pass-at-k", help="unbiased pass@k (Chen et al. 2021)")
    p.add_argument(
        "--n", type=_int_at_least(1, 2**53), required=True, help="samples per problem (<= 2**53)"
    )
    p.add_argument("--c", type=_int_at_least(0, 2**53), required=True, help="correct samples")
    p.add_argument("--k", type=_int_at_least(1, 2**53), nargs="+", required=True, help="budgets k")
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=_cmd_pass_at_k)

    p = sub.add_parser("data", help="list, verify and describe the registered data sets")
    dsub = p.add_subparsers(dest="data_command", required=True, metavar="{list,verify,info}")
    q = dsub.add_parser("list", help="list the data sets")
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=_cmd_data_list)
    q = dsub.add_parser("verify", help="check raw files against the registry sha256")
    q.add_argument("name", nargs="?", default=None, help="one data set (default: all)")
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=_cmd_data_verify)
    q = dsub.add_parser("info", help="everything the registry knows about a data set")
    q.add_argument("name", help="data set name")
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=_cmd_data_info)

    p = sub.add_parser(
        "run",
        help="execute a chapter notebook with papermill (once, or once per row of a --grid)",
        description="Chapters: " + chapter_ids + ". Parameters are validated against the "
        "declarations next to each notebook (chapters/*.params.yaml) before anything runs. "
        "With --grid GRID.csv -o OUTDIR the chapter runs once per row of GRID.csv (a header of "
        "parameter names, one column each, e.g. seed,n_boot; one row per run, e.g. per "
        "student; an optional column 'name' names the notebooks): every row is checked first "
        "(a bad cell: one line naming its row and column, exit 2, nothing run), then the runs "
        "go in parallel over the CPU cores, writing OUTDIR/<stem>-row<k>.ipynb (k from 1, or "
        "<stem>-<name>.ipynb) and OUTDIR/summary.csv (each row's parameters, status ok/failed "
        "with the one-line error, and the chapter's headline glued numbers). A failed run does "
        "not stop the others; the exit code is then 1.",
    )
    p.add_argument("chapter", help="chapter id")
    p.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a chapter parameter (repeatable)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="executed notebook (default <chapter stem>.out.ipynb here); with --grid: the "
        "output folder (required; created if missing)",
    )
    p.add_argument(
        "--grid",
        type=Path,
        default=None,
        metavar="GRID.csv",
        help="run once per row of this CSV of parameter values (columns = parameter names)",
    )
    p.add_argument(
        "--jobs",
        type=_int_at_least(1, 1024),
        default=None,
        help="parallel runs with --grid (default: the usable CPU cores)",
    )
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=_cmd_run)
    return parser


def _error(message: str) -> int:
    text = " ".join(str(message).split())
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 3] + "..."
    print(f"{PROG}: error: {text}", file=sys.stderr)
    return 2


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        # numerical warnings (overflow in a diverging start, a flat objective) are handled by
        # the code that produces them and reported in the result, never leaked to stderr
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return int(args.func(args) or 0)
    except _UsageError as exc:
        return _error(str(exc))
    except ScalingLawsError as exc:
        return _error(str(exc))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except MemoryError:
        return _error("out of memory; use a smaller input or fewer --bootstrap resamples")
    except RecursionError:
        return _error("input too deeply nested")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 2 bad input)."""
    try:
        return _main(argv)
    except BrokenPipeError:  # piped into `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        return _error(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
