"""The ``scalinglaws`` command line (also ``python -m scalinglaws``).

Subcommands: ``optimal``, ``loss``, ``fit``, ``pass-at-k``, ``data {list,verify,info}``
and ``run``. Each takes ``--json`` for machine-readable output on stdout; otherwise
it prints a small table. Bad input exits with code 2 and ONE line on stderr
(``scalinglaws: error: ...``); success exits 0. Output has no timestamps.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from .errors import InputError, ScalingLawsError
from .laws import DEFAULT_LAW

PROG = "scalinglaws"
LAWS_HELP = (
    "epoch (default: Besiroglu et al. 2024's refit of Hoffmann et al.'s data, the book's canonical "
    "law), hoffmann (Hoffmann et al. 2022's printed constants, rejected by their own data), "
    "hoffmann-tex or kaplan"
)


# ----------------------------------------------------------------------------- argparse glue


class _UsageError(Exception):
    """Raised instead of argparse's multi-line usage + exit."""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (``scalinglaws: error: ...``), exit 2."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(" ".join(str(message).split()))


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


def _int_at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}")
        return value

    parse.__name__ = f"integer >= {low}"
    return parse


_positive_float.__name__ = "positive number"


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
        from .data_constrained import optimal_under_unique_tokens

        result = _as_dict(optimal_under_unique_tokens(args.flops, args.unique_tokens))
    else:
        from .allocation import compute_optimal

        result = _as_dict(compute_optimal(args.flops, law=args.law or DEFAULT_LAW))
    rows = [(label, result[key]) for key, label in _ALLOCATION_LABELS if key in result]
    _emit(args, result, _table(rows))
    return 0


def _cmd_loss(args: argparse.Namespace) -> int:
    from .laws import get_law

    law = get_law(args.law)
    value = float(law.loss(args.params, args.tokens))
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
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise InputError(f"{p}: file is empty (expected a header params,tokens,loss)") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{p}: malformed CSV: {exc}") from None
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
            f"params,flops,loss, got {','.join(frame.columns)}"
        )
    if len(frame) == 0:
        raise InputError(f"{p}: no data rows after the header")
    second = "tokens" if "tokens" in frame else "flops"
    values = {}
    for col in ("params", second, "loss"):
        raw = frame[col].astype(str).str.strip()
        for i, cell in enumerate(raw):
            line = i + 2  # header is line 1
            try:
                x = float(cell)
            except ValueError:
                what = "is empty" if cell == "" else f"is not a number: {cell!r}"
                raise InputError(f"{p}, line {line}: column {col!r} {what}") from None
            if not math.isfinite(x) or x <= 0:
                raise InputError(
                    f"{p}, line {line}: column {col!r} must be a positive finite number, "
                    f"got {cell!r}"
                )
        values[col] = raw.astype(float).to_numpy(dtype=np.float64)
    N = values["params"]
    D = values["tokens"] if second == "tokens" else values["flops"] / (6.0 * N)
    return N, D, values["loss"]


def _cmd_fit(args: argparse.Namespace) -> int:
    N, D, L = read_fit_csv(args.file)
    from .parametric import fit_parametric

    fit = fit_parametric(N, D, L)
    data = _as_dict(fit)
    intervals: dict[str, Any] = {}
    std_err: dict[str, Any] = {}
    boot_info: dict[str, Any] = {}
    if args.bootstrap > 0:
        from .bootstrap import bootstrap_parametric

        boot = bootstrap_parametric(N, D, L, n_boot=args.bootstrap, seed=args.seed, fit=fit)
        intervals = {k: [float(v[0]), float(v[1])] for k, v in dict(boot.intervals).items()}
        std_err = {k: float(v) for k, v in dict(boot.std_err).items()}
        boot_info = {"level": boot.level, "n_converged": boot.n_converged}
    data.update(
        {
            "file": str(args.file),
            "n_boot": args.bootstrap,
            "seed": args.seed,
            "intervals": intervals,
            "std_err": std_err,
            **boot_info,
        }
    )
    point = {**{k: data[k] for k in ("E", "A", "B", "alpha", "beta")}}
    point["a"] = data["beta"] / (data["alpha"] + data["beta"])  # N_opt ∝ C^a (Hoffmann eq 4)
    point["b"] = data["alpha"] / (data["alpha"] + data["beta"])  # D_opt ∝ C^b
    data["allocation_exponents"] = {"a": point["a"], "b": point["b"]}
    rows = []
    for name, value in point.items():
        lo, hi = intervals.get(name, (None, None))
        rows.append((name, value, std_err.get(name), lo, hi))
    level = boot_info.get("level")
    ci = f"{level:.0%} interval" if level else "interval"
    text = _table(rows, header=("param", "estimate", "std err", f"{ci} lo", f"{ci} hi"))
    extra = [
        ("points", len(N)),
        ("objective (Huber)", data.get("objective")),
        ("converged", data.get("converged")),
        ("starts reaching optimum", f"{data.get('n_reached')}/{data.get('n_starts')}"),
        ("bootstrap resamples", args.bootstrap),
    ]
    if boot_info:
        extra.append(("resamples converged", f"{boot_info['n_converged']}/{args.bootstrap}"))
    if "interior" in data:
        extra.insert(3, ("optimum inside start grid", data["interior"]))
    _emit(args, data, text + "\n\n" + _table(extra))
    return 0


# ----------------------------------------------------------------------------- pass@k


def _cmd_pass_at_k(args: argparse.Namespace) -> int:
    from .testtime import pass_at_k

    values = np.atleast_1d(pass_at_k(args.n, args.c, np.asarray(args.k)))
    results = [{"k": k, "pass_at_k": float(v)} for k, v in zip(args.k, values, strict=True)]
    data = {"n": args.n, "c": args.c, "results": results}
    rows = [(r["k"], r["pass_at_k"]) for r in results]
    _emit(
        args, data, f"n = {args.n} samples, c = {args.c} correct\n" + _table(rows, ("k", "pass@k"))
    )
    return 0


# ----------------------------------------------------------------------------- data


def _cmd_data_list(args: argparse.Namespace) -> int:
    from . import data as data_module
    from .registry import load_registry

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
    from .registry import verify

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
    from .registry import info

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
    from .chapters import get_chapter, run

    chapter = get_chapter(args.chapter)
    params: dict[str, str] = {}
    for name, value in args.param or []:
        if name in params:
            raise InputError(f"parameter {name!r} given twice")
        params[name] = value
    out = run(chapter.id, params, output=args.output)
    from .chapters import validate

    data = {"chapter": chapter.id, "output": str(out), "parameters": validate(chapter.id, params)}
    _emit(args, data, f"executed {chapter.id} -> {out}")
    return 0


# ----------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    from .chapters import CHAPTERS

    parser = _Parser(
        prog=PROG,
        description="Scaling Laws, Reproduced: compute-optimal allocation, losses, fits, "
        "pass@k, data sets and chapter runs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    json_help = "print machine-readable JSON on stdout"

    p = sub.add_parser("optimal", help="compute-optimal N and D for a FLOP budget")
    p.add_argument("--flops", type=_positive_float, required=True, help="training compute C (FLOP)")
    p.add_argument("--law", default=None, help=LAWS_HELP)
    p.add_argument(
        "--unique-tokens",
        type=_positive_float,
        default=None,
        help="unique tokens available: use the data-constrained law (Muennighoff et al. 2023)",
    )
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=_cmd_optimal)

    p = sub.add_parser("loss", help="predicted loss L(N, D) under a law")
    p.add_argument("--params", type=_positive_float, required=True, help="parameters N")
    p.add_argument("--tokens", type=_positive_float, required=True, help="training tokens D")
    p.add_argument("--law", default=DEFAULT_LAW, help=LAWS_HELP)
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
        type=_int_at_least(0),
        default=1000,
        help="bootstrap resamples for 95%% percentile intervals (default 1000; 0 = none)",
    )
    p.add_argument("--seed", type=_int_at_least(0), default=42, help="bootstrap seed (default 42)")
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser("pass-at-k", help="unbiased pass@k (Chen et al. 2021)")
    p.add_argument("--n", type=_int_at_least(1), required=True, help="samples per problem")
    p.add_argument("--c", type=_int_at_least(0), required=True, help="correct samples")
    p.add_argument("--k", type=_int_at_least(1), nargs="+", required=True, help="budgets k")
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
        help="execute a chapter notebook with papermill",
        description="Chapters: " + ", ".join(CHAPTERS) + ". Parameters are validated "
        "before anything runs.",
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
        help="executed notebook (default <chapter stem>.out.ipynb here)",
    )
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=_cmd_run)
    return parser


def _error(message: str) -> int:
    print(f"{PROG}: error: {' '.join(str(message).split())}", file=sys.stderr)
    return 2


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except _UsageError as exc:
        return _error(str(exc))
    except ScalingLawsError as exc:
        return _error(str(exc))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0


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
