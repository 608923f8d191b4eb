"""Chapter registry: notebooks, their papermill parameters, validation and ``run``.

Each chapter notebook ``chapters/NN_name.ipynb`` has one cell tagged ``parameters`` that assigns
literal defaults, for example::

    seed = 42
    n_boot = 1000

and, right after it, a cell that validates those values::

    from scalinglaws.book.chapters import check
    P = check("kaplan", globals())

Next to the notebook, ``chapters/NN_name.params.yaml`` declares the chapter's id and title and,
per parameter, its constraints (``min``/``max``, inclusive; ``choices``) and a ``help`` line.
Names, defaults and types are not repeated there: they are read from the notebook's parameters
cell with papermill's own :func:`papermill.inspect_notebook`. :func:`spec_matches_notebook`
reports a declared name missing from the cell, a cell parameter without a declaration, or a
default outside its declared constraints (a test runs it for every chapter).

Values are validated declaratively: each chapter's declarations become a JSON Schema
(``jsonschema``, already installed with nbformat: ``type`` integer/number/string/boolean,
``minimum``/``maximum``, ``enum``), strict about types (an int parameter rejects ``1.5`` and
``True``; a float accepts ints); strings from the command line are first parsed to the
parameter's type. Every failure is one :class:`~scalinglaws.core.errors.ParameterError` line naming
the chapter, the parameter and what is allowed; ``scalinglaws run`` prints it and exits 2 before
anything runs. Inside a notebook, :func:`check` raises it with a one-line kernel traceback, so a
plain ``papermill -p n_boot -5`` run shows ``ParameterError: ...`` rather than a stack.

:func:`run_grid` runs a chapter once per row of a CSV grid of parameters (one column per
parameter, e.g. a seed per student), every row validated by :func:`read_grid` before any run
starts, in parallel processes, and writes one notebook per row and ``summary.csv`` with each
run's parameters, status and headline glued values (:data:`HEADLINE_GLUE`, read back from the
executed notebook by :func:`glued_values`).

The book's root (the folder holding ``_toc.yml`` and ``chapters/``) is found by
:func:`book_root`: an explicit argument, else ``$SCALINGLAWS_BOOK_ROOT``, else the first folder
holding ``_toc.yml`` upward from the current folder, else upward from this package (an editable
install inside the book).
"""

from __future__ import annotations

import ast
import math
import os
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from pathlib import Path
from typing import Any

from scalinglaws.core.errors import InputError, ParameterError, ScalingLawsError

__all__ = [
    "BOOK_ROOT_ENV",
    "CHAPTERS",
    "GRID_SUMMARY",
    "HEADLINE_GLUE",
    "Chapter",
    "ChapterParams",
    "GridResult",
    "GridRow",
    "NotebookParameterError",
    "Param",
    "book_root",
    "check",
    "get_chapter",
    "glued_values",
    "grid_columns",
    "load_chapter",
    "parameters_cell",
    "read_grid",
    "run",
    "run_grid",
    "spec_matches_notebook",
    "validate",
]

#: Environment variable naming the book's root folder (overrides the upward search).
BOOK_ROOT_ENV = "SCALINGLAWS_BOOK_ROOT"

#: Suffix of a chapter's parameter declarations, next to ``<stem>.ipynb``.
DECLARATION_SUFFIX = ".params.yaml"

_TYPES = {"int": int, "float": float, "str": str, "bool": bool}
_SCHEMA_TYPES = {int: "integer", float: "number", str: "string", bool: "boolean"}
_DECLARATION_KEYS = {"min", "max", "choices", "help"}


# ----------------------------------------------------------------------------------- book root


def _is_root(folder: Path) -> bool:
    return (folder / "_toc.yml").is_file() and (folder / "chapters").is_dir()


def book_root(start: Path | str | None = None) -> Path:
    """The book's root folder: the one holding ``_toc.yml`` and ``chapters/``.

    Parameters
    ----------
    start : path, optional
        Explicit root, or a file or folder inside the book to search upward from. Without it:
        ``$SCALINGLAWS_BOOK_ROOT`` if set, else upward from the current folder, else upward from
        this package's location.

    Raises
    ------
    InputError
        One line: the explicit or environment root is not a book, or no book was found.
    """
    if start is None and os.environ.get(BOOK_ROOT_ENV):
        root = Path(os.environ[BOOK_ROOT_ENV]).expanduser().resolve()
        if not _is_root(root):
            raise InputError(
                f"{BOOK_ROOT_ENV}={root} is not the book's root (no _toc.yml and chapters/ there)"
            )
        return root
    origins = [Path(start)] if start is not None else [Path.cwd(), Path(__file__).parent]
    for origin in origins:
        origin = origin.expanduser().resolve()
        for folder in (origin, *origin.parents):
            if _is_root(folder):
                return folder
    where = " or ".join(str(o) for o in origins)
    raise InputError(
        f"cannot find the book's root (a folder with _toc.yml and chapters/) above {where}: "
        f"run inside the book or set {BOOK_ROOT_ENV}"
    )


def __getattr__(name: str) -> Any:  # PEP 562: REPO_ROOT is found when first asked for
    if name == "REPO_ROOT":
        return book_root()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ----------------------------------------------------------------------------------- the specs


@dataclass(frozen=True)
class Param:
    """Spec of one chapter parameter.

    Parameters
    ----------
    name : str
        Python name assigned in the notebook's ``parameters`` cell.
    type : type
        One of ``int``, ``float``, ``str``, ``bool`` (the type of the cell's literal default).
    default : int | float | str | bool
        Default value: the literal in the ``parameters`` cell.
    min, max : float, optional
        Inclusive bounds for ``int``/``float`` parameters (declared next to the notebook).
    choices : tuple, optional
        Allowed values (any type).
    help : str
        One-line description shown by ``scalinglaws run --help``-style listings.
    """

    name: str
    type: type
    default: Any
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None
    help: str = ""

    def allowed(self) -> str:
        """Human-readable description of the allowed values (for error messages)."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.type is bool:
            return "true or false"
        kind = {int: "an integer", float: "a finite number", str: "a string"}[self.type]
        if self.min is not None and self.max is not None:
            return f"{kind} in [{self.min}, {self.max}]"
        if self.min is not None:
            return f"{kind} >= {self.min}"
        if self.max is not None:
            return f"{kind} <= {self.max}"
        return kind

    def schema(self) -> dict[str, Any]:
        """This parameter's constraints as a JSON Schema (type, minimum, maximum, enum)."""
        out: dict[str, Any] = {"type": _SCHEMA_TYPES[self.type]}
        if self.min is not None:
            out["minimum"] = self.min
        if self.max is not None:
            out["maximum"] = self.max
        if self.choices is not None:
            out["enum"] = list(self.choices)
        return out


@dataclass(frozen=True)
class Chapter:
    """A chapter of the book: id, title, notebook path and parameter specs.

    ``declaration`` is the ``.params.yaml`` file the specs were read from (None for a chapter
    built in code, e.g. in tests).
    """

    id: str
    title: str
    notebook: Path
    params: tuple[Param, ...] = field(default_factory=tuple)
    declaration: Path | None = None

    @property
    def path(self) -> Path:
        """The chapter notebook (same as ``notebook``)."""
        return self.notebook

    def param(self, name: str) -> Param:
        """Spec of parameter ``name`` (ParameterError if the chapter has no such parameter)."""
        for p in self.params:
            if p.name == name:
                return p
        names = ", ".join(p.name for p in self.params) or "none"
        raise ParameterError(f"chapter {self.id!r} has no parameter {name!r} (parameters: {names})")

    def defaults(self) -> dict[str, Any]:
        """Default value of every parameter."""
        return {p.name: p.default for p in self.params}

    def schema(self) -> dict[str, Any]:
        """The JSON Schema that :func:`validate` checks (after parsing command-line strings)."""
        return {
            "type": "object",
            "properties": {p.name: p.schema() for p in self.params},
            "additionalProperties": False,
        }


def _read_declaration(path: Path) -> dict[str, Any]:
    """A ``.params.yaml`` file, checked for shape: id, title, and per parameter known keys only."""
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read {path}: {_one_line(exc, 200)}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
        raise InputError(f"{path}: expected a mapping with 'id', 'title' and 'parameters'")
    params = doc.get("parameters") or {}
    if not isinstance(doc.get("title"), str) or not isinstance(params, dict):
        raise InputError(f"{path}: 'title' must be text and 'parameters' a mapping")
    for name, spec in params.items():
        spec = spec or {}
        if not isinstance(spec, dict) or not set(spec) <= _DECLARATION_KEYS:
            raise InputError(
                f"{path}: parameter {name!r} may declare only {', '.join(sorted(_DECLARATION_KEYS))}"
            )
        for key in ("min", "max"):
            value = spec.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, Real)):
                raise InputError(
                    f"{path}: {key} of {name!r} must be a number, got {value!r} "
                    "(YAML reads 1e15 as text: write 1.0e+15)"
                )
        if "choices" in spec and not isinstance(spec["choices"], list):
            raise InputError(f"{path}: choices of {name!r} must be a list")
    return doc


def load_chapter(notebook: Path | str, declaration: Path | str | None = None) -> Chapter:
    """A :class:`Chapter` from a notebook and its declarations (default ``<stem>.params.yaml``).

    The parameters are the declared ones, in declaration order; each takes its default and type
    from the notebook's parameters cell. A declared name missing from the cell is left out here
    and reported by :func:`spec_matches_notebook` (so is a missing or unreadable notebook).
    """
    notebook = Path(notebook)
    declaration = (
        Path(declaration)
        if declaration is not None
        else notebook.with_name(notebook.stem + DECLARATION_SUFFIX)
    )
    doc = _read_declaration(declaration)
    try:
        cell = parameters_cell(notebook)
    except InputError:  # reported by spec_matches_notebook; the other chapters still load
        cell = {}
    params = []
    for name, spec in (doc.get("parameters") or {}).items():
        spec = spec or {}
        if name not in cell or type(cell[name]) not in _SCHEMA_TYPES:
            continue
        choices = spec.get("choices")
        params.append(
            Param(
                name,
                type(cell[name]),
                cell[name],
                min=spec.get("min"),
                max=spec.get("max"),
                choices=tuple(choices) if choices is not None else None,
                help=" ".join(str(spec.get("help", "")).split()),
            )
        )
    return Chapter(doc["id"], doc["title"], notebook, tuple(params), declaration)


class _Registry(MutableMapping):
    """Chapter id to :class:`Chapter`, from the book's ``chapters/*.params.yaml``.

    The ids are read from the declarations when the registry is first used (so importing the
    library never needs the book); a chapter's notebook is inspected when that chapter is first
    looked up (so a notebook's ``check()`` reads only its own chapter).
    """

    def __init__(self) -> None:
        self._data: dict[str, Chapter | tuple[Path, Path]] | None = None

    def _index(self) -> dict[str, Chapter | tuple[Path, Path]]:
        if self._data is None:
            folder = book_root() / "chapters"
            data: dict[str, Chapter | tuple[Path, Path]] = {}
            for declaration in sorted(folder.glob("*" + DECLARATION_SUFFIX)):
                cid = _read_declaration(declaration)["id"]
                if cid in data:
                    raise InputError(f"chapter id {cid!r} is declared twice ({declaration})")
                stem = declaration.name[: -len(DECLARATION_SUFFIX)]
                data[cid] = (folder / f"{stem}.ipynb", declaration)
            self._data = data
        return self._data

    def reload(self) -> None:
        """Forget the loaded chapters; the next use reads the declarations again."""
        self._data = None

    def __getitem__(self, key: str) -> Chapter:
        data = self._index()
        entry = data[key]
        if isinstance(entry, tuple):
            entry = data[key] = load_chapter(*entry)
        return entry

    def __setitem__(self, key: str, value: Chapter) -> None:
        self._index()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._index()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())

    def __repr__(self) -> str:
        return f"CHAPTERS({', '.join(self)})"


#: Every chapter of the book, id to :class:`Chapter`, in notebook order.
CHAPTERS: MutableMapping[str, Chapter] = _Registry()


def get_chapter(chapter_id: str) -> Chapter:
    """Return the chapter ``chapter_id`` (InputError listing the known ids if unknown)."""
    try:
        return CHAPTERS[chapter_id]
    except (KeyError, TypeError):
        raise InputError(f"unknown chapter {chapter_id!r} (known: {', '.join(CHAPTERS)})") from None


# ---------------------------------------------------------------------------------- validation


class NotebookParameterError(ParameterError):
    """A :class:`ParameterError` raised inside a notebook kernel by :func:`check`.

    IPython calls ``_render_traceback_`` instead of formatting a stack, so the kernel's error
    output (and papermill's report of it) is the one line ``ParameterError: <message>``.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"ParameterError: {self}"]


def _fail(chapter: Chapter, spec: Param, value: Any) -> ParameterError:
    return ParameterError(
        f"chapter {chapter.id!r}: parameter {spec.name!r} must be {spec.allowed()}, "
        f"got {_short_repr(value)}"
    )


_BOOL_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def _parse(spec: Param, value: Any) -> Any:
    """A command-line string parsed to ``spec.type``, a numpy scalar made a Python one; any other
    value unchanged (the schema judges it). Returns ``None`` for text that does not parse."""
    kind = spec.type
    if isinstance(value, str) and kind is not str:
        text = value.strip()
        if kind is bool:
            return _BOOL_WORDS.get(text.lower())
        try:
            return int(text) if kind is int else float(text)
        except ValueError:
            return None
    if type(value).__name__ == "bool_":  # numpy bool
        return bool(value)
    if isinstance(value, bool) or not isinstance(value, Real):
        return value
    try:
        return int(value) if isinstance(value, Integral) and kind is not float else float(value)
    except OverflowError:  # an int beyond float range for a float parameter
        return None


def validate(chapter_id: str, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Check and coerce parameter values for a chapter, filling in defaults.

    Parameters
    ----------
    chapter_id : str
        Key of :data:`CHAPTERS`.
    values : mapping of str to str or value
        Given values; strings (from the command line) are parsed to the parameter's type.

    Returns
    -------
    dict
        Every parameter of the chapter, in spec order, with its coerced value.

    Raises
    ------
    ParameterError
        Unknown name, wrong type (``"abc"`` or ``1.5`` for an int, a bool for an
        int or a number for a bool), NaN/inf, out of range or not in choices;
        the one-line message names the chapter, the parameter and what is allowed.
    InputError
        Unknown chapter.
    """
    import jsonschema

    chapter = get_chapter(chapter_id)
    values = dict(values or {})
    for name in values:
        chapter.param(name)  # raises on unknown names
    parsed = {name: _parse(chapter.param(name), value) for name, value in values.items()}
    validator = jsonschema.Draft202012Validator(chapter.schema())
    for spec in chapter.params:
        if spec.name not in parsed:
            continue
        value = parsed[spec.name]
        non_finite = isinstance(value, float) and not math.isfinite(value)
        if value is None or non_finite or not validator.is_valid({spec.name: value}):
            raise _fail(chapter, spec, values[spec.name])
    out = {}
    for spec in chapter.params:
        value = parsed.get(spec.name, spec.default)
        out[spec.name] = spec.type(value) if spec.type in (int, float) else value
    return out


class ChapterParams(Mapping):
    """Frozen, validated chapter parameters: ``P["seed"]`` or ``P.seed``."""

    __slots__ = ("_chapter", "_values")

    def __init__(self, chapter_id: str, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_chapter", chapter_id)
        object.__setattr__(self, "_values", dict(values))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("chapter parameters are frozen")

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"ChapterParams({self._chapter!r}, {inner})"


def check(chapter_id: str, namespace: Mapping[str, Any]) -> ChapterParams:
    """Validate a chapter's parameters from its namespace (call right after the parameters cell).

    ``P = check("kaplan", globals())`` picks every spec'd name from the namespace, validates it
    with :func:`validate` and returns the values frozen, so a papermill run with a bad value stops
    at once. The error is a :class:`NotebookParameterError`: in a kernel its traceback is the one
    line ``ParameterError: <message>``.
    """
    try:
        chapter = get_chapter(chapter_id)
        missing = [p.name for p in chapter.params if p.name not in namespace]
        if missing:
            raise ParameterError(
                f"chapter {chapter_id!r}: parameter(s) {', '.join(missing)} not defined "
                "in the notebook's parameters cell"
            )
        values = validate(chapter_id, {p.name: namespace[p.name] for p in chapter.params})
    except InputError as exc:  # a bad value, an unknown chapter, no book found: one line
        raise NotebookParameterError(str(exc)) from None
    return ChapterParams(chapter_id, values)


# ------------------------------------------------------------------------- notebook parameters


def parameters_cell(notebook_path: Path | str) -> dict[str, Any]:
    """Names and literal default values assigned by a notebook's ``parameters`` cell.

    Read with papermill's :func:`papermill.inspect_notebook`; every default must be a Python
    literal (``ast.literal_eval``), and every code line of the cell must be one papermill reads
    as a parameter (``name = literal`` or ``name: type = literal``), otherwise InputError.

    Returns
    -------
    dict
        Name to default value, in assignment order.
    """
    import nbformat
    from papermill import inspect_notebook

    path = Path(notebook_path)
    if not path.is_file():
        raise InputError(f"notebook not found: {path}")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises several types for a broken file
        raise InputError(
            f"notebook {path} is not valid .ipynb JSON: {_one_line(exc, 200)}"
        ) from None
    tagged = [
        c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])
    ]
    if not tagged:
        raise InputError(f"notebook {path.name} has no cell tagged 'parameters'")
    code_lines = [
        line
        for line in tagged[0].source.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    found = inspect_notebook(str(path))
    if len(found) != len(code_lines):
        raise InputError(
            f"parameters cell of {path.name}: only one 'name = literal' assignment per line is "
            f"allowed ({len(code_lines)} code lines, {len(found)} parameters read)"
        )
    out: dict[str, Any] = {}
    for name, info in found.items():
        try:
            out[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError, TypeError):
            raise InputError(
                f"parameters cell of {path.name}: {name} is not a literal value"
            ) from None
    return out


def spec_matches_notebook(chapter_id: str) -> list[str]:
    """Differences between a chapter's spec (and declarations) and its notebook's parameters cell.

    Returns
    -------
    list of str
        One line per discrepancy: missing notebook or unreadable cell; a name declared but not
        in the cell, or in the cell but not declared; a default (or type) that differs from the
        spec; a default of an unsupported type; a default outside its declared constraints.
        Empty when they agree.
    """
    chapter = get_chapter(chapter_id)
    if not chapter.notebook.is_file():
        return [f"{chapter_id}: notebook {chapter.notebook} does not exist"]
    try:
        cell = parameters_cell(chapter.notebook)
        declared = (
            list(_read_declaration(chapter.declaration).get("parameters") or {})
            if chapter.declaration is not None
            else [p.name for p in chapter.params]
        )
    except InputError as exc:
        return [f"{chapter_id}: {exc}"]
    spec = chapter.defaults()
    problems = []
    for name in declared:
        if name not in cell:
            problems.append(f"{chapter_id}: {name!r} is in the spec but not in the parameters cell")
    for name in cell:
        if name not in declared:
            problems.append(f"{chapter_id}: {name!r} is in the parameters cell but not in the spec")
        elif type(cell[name]) not in _SCHEMA_TYPES:
            problems.append(
                f"{chapter_id}: default of {name!r} is {cell[name]!r}, not an int, float, str "
                "or bool"
            )
    for name in spec.keys() & cell.keys():
        a, b = spec[name], cell[name]
        if type(a) is not type(b) or a != b:
            problems.append(
                f"{chapter_id}: default of {name!r} is {a!r} in the spec but {b!r} in the notebook"
            )
    for p in chapter.params:
        if p.name not in cell or type(cell[p.name]) is not p.type:
            continue
        try:
            validate(chapter_id, {p.name: cell[p.name]})
        except ParameterError as exc:
            problems.append(f"{chapter_id}: default of {p.name!r} breaks its declaration: {exc}")
    return problems


# --------------------------------------------------------------------------------------- run


def run(
    chapter_id: str,
    params: Mapping[str, Any] | None = None,
    output: Path | str | None = None,
) -> Path:
    """Execute a chapter with papermill after validating its parameters.

    Parameters
    ----------
    chapter_id : str
        Key of :data:`CHAPTERS`.
    params : mapping of str to str or value
        Parameter overrides (strings are parsed to the spec'd type).
    output : path, optional
        Executed notebook; default ``<chapter stem>.out.ipynb`` in the current
        directory. Refused inside the book's ``chapters/`` and ``book/`` folders and when
        it is (a link to) any chapter notebook; written atomically (a temporary file
        in the same folder, renamed when the run succeeded), so a failed run writes
        nothing and never leaves a half-written file.

    Returns
    -------
    pathlib.Path
        The written notebook.

    Raises
    ------
    ParameterError, InputError
        Before anything is executed or written.
    ScalingLawsError
        When the notebook raises during execution (one line: the exception).
    """
    chapter = get_chapter(chapter_id)
    values = validate(chapter_id, params or {})
    _check_string_kinds(chapter, values)
    if not chapter.notebook.is_file():
        raise InputError(f"chapter {chapter_id!r}: notebook {chapter.notebook} does not exist")
    out = _check_output(chapter, output)
    _execute(chapter, values, out)
    return out


def _execute(chapter: Chapter, values: Mapping[str, Any], out: Path) -> None:
    """Run ``chapter`` with the validated ``values`` into the checked path ``out`` (atomically).

    Takes the :class:`Chapter` itself (not its id), so a worker process of :func:`run_grid`
    needs no registry lookup. Raises ScalingLawsError (one line) when the notebook raises.
    """
    import os
    import tempfile

    import papermill  # slow import: only when running
    from papermill.exceptions import PapermillExecutionError

    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".tmp.ipynb", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            papermill.execute_notebook(
                str(chapter.notebook),
                str(tmp),
                parameters=values,
                kernel_name="python3",
                cwd=str(chapter.notebook.parent),
                progress_bar=False,
                log_output=False,
                # the kernel's "running over TCP without encryption" warning is not ours to show
                extra_arguments=["--log-level=CRITICAL"],
            )
        except PapermillExecutionError as exc:
            raise ScalingLawsError(
                f"chapter {chapter.id!r} failed in cell {exc.exec_count}: {exc.ename}: "
                f"{_one_line(exc.evalue)}"
            ) from None
        _strip_timestamps(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, out)  # atomic: replaces the directory entry, never a linked file
    finally:
        tmp.unlink(missing_ok=True)


def _one_line(text: object, width: int = 300) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def _check_string_kinds(chapter: Chapter, values: Mapping[str, Any]) -> None:
    """Validate string parameters that have no ``choices`` by the kind their default shows.

    A default like ``"2010-01-01"`` makes the parameter a date: the value must be a valid ISO
    date (``YYYY-MM-DD``), and a ``*_start`` date must precede the ``*_end`` date of the same
    prefix (``trend_start`` < ``trend_end``). Any other free string must be one printable line
    of at most 200 characters. Raises :class:`ParameterError` before anything runs.
    """
    import datetime
    import re

    iso_date = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    dates: dict[str, datetime.date] = {}
    for spec in chapter.params:
        if spec.type is not str or spec.choices is not None:
            continue
        value = values[spec.name]
        if isinstance(spec.default, str) and iso_date.match(spec.default):
            try:
                if not iso_date.match(value):
                    raise ValueError
                dates[spec.name] = datetime.date.fromisoformat(value)
            except ValueError:
                raise ParameterError(
                    f"chapter {chapter.id!r}: parameter {spec.name!r} must be a date "
                    f"YYYY-MM-DD, got {_short_repr(value)}"
                ) from None
        elif len(value) > 200 or not value.isprintable():
            raise ParameterError(
                f"chapter {chapter.id!r}: parameter {spec.name!r} must be one printable line "
                f"of at most 200 characters, got {_short_repr(value)}"
            )
    for name, start in dates.items():
        if name.endswith("_start"):
            end_name = name[: -len("_start")] + "_end"
            if end_name in dates and not start < dates[end_name]:
                raise ParameterError(
                    f"chapter {chapter.id!r}: {name} ({start}) must be before "
                    f"{end_name} ({dates[end_name]})"
                )


def _short_repr(value: object, width: int = 60) -> str:
    shown = repr(value)
    return shown if len(shown) <= width else shown[: width - 3] + "..."


def _check_output(chapter: Chapter, output: Path | str | None) -> Path:
    """The output path of :func:`run`, refused where writing it could destroy the book.

    Refused: a path that is not ``.ipynb``; a folder; a missing parent folder; anything inside
    the book's ``chapters/`` or ``book/`` folders (after resolving links); and a file that is
    any chapter notebook, compared by path and by identity (device and inode, so a hard link to
    a chapter is refused too).
    """
    import os

    out = Path(output) if output is not None else Path(f"{chapter.notebook.stem}.out.ipynb")
    # absolute: papermill saves while executing inside the chapters folder (cwd)
    out = out if out.is_absolute() else Path.cwd() / out
    out = Path(os.path.normpath(out))
    if out.suffix != ".ipynb":
        raise InputError(f"output must be an .ipynb file, got {_short_repr(str(out), 200)}")
    resolved = out.resolve()
    if resolved == chapter.notebook.resolve():
        raise InputError(f"refusing to overwrite the chapter's source notebook {chapter.notebook}")
    _refuse_book_folders(chapter, out)
    if out.exists():
        if out.is_dir():
            raise InputError(f"output is a folder: {out}")
        _refuse_chapter_file(out)
    if not out.parent.is_dir():
        raise InputError(f"output folder does not exist: {out.parent}")
    return out


def _refuse_book_folders(chapter: Chapter, out: Path) -> None:
    """InputError if ``out`` (absolute, normalised) lies inside a book's ``chapters/`` or ``book/``
    (the chapter's own book and the current one; compared before and after resolving links)."""
    resolved = out.resolve()
    roots = set()
    for start in (chapter.notebook, None):  # the notebook's own book, and the current one
        try:
            roots.add(book_root(start))
        except InputError:
            pass
    protected = [folder for root in roots for folder in (root / "chapters", root / "book")]
    for folder in {p.resolve() for p in protected}:
        if resolved.is_relative_to(folder) or out.is_relative_to(folder):
            raise InputError(
                f"refusing to write inside the book's folder {folder}: choose an output "
                "outside chapters/ and book/"
            )


def _refuse_chapter_file(out: Path) -> None:
    """InputError if the existing file ``out`` is any chapter's notebook (same device and inode,
    so a hard link to a chapter is refused too)."""
    st = out.stat()
    for c in CHAPTERS.values():
        try:
            cs = c.notebook.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (cs.st_dev, cs.st_ino):
            raise InputError(
                f"refusing to overwrite {out}: it is the same file as the notebook of "
                f"chapter {c.id!r} ({c.notebook})"
            )


def _strip_timestamps(path: Path) -> None:
    """Drop papermill's and nbclient's timing metadata so the output is deterministic."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    pm = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration"):
        pm.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cpm = cell.metadata.get("papermill", {})
        for key in ("start_time", "end_time", "duration"):
            cpm.pop(key, None)
    nbformat.write(nb, str(path))


# -------------------------------------------------------------------------------------- grid

#: The glued numbers :func:`run_grid` copies into ``summary.csv``, per chapter: its headline
#: results with their intervals (glue names of the chapter's notebook). A chapter not listed
#: contributes every value it glues. ``tests/test_grid.py`` checks that each name is glued by the
#: chapter's stored notebook.
HEADLINE_GLUE: dict[str, tuple[str, ...]] = {
    "power-laws": (
        "pl_pythia_alpha",
        "pl_pythia_alpha_ci",
        "pl_repro_alpha",
        "pl_repro_alpha_ci",
        "pl_err_far_sat",
        "pl_err_far_sat_ci",
        "pl_sim_ratio",
    ),
    "kaplan": (
        "book_porian_kaplan_a",
        "kap_a_rw_ci",
        "kap_ex_h_tpp",
        "kap_ex_h_tpp_ci",
        "kap_py_slope",
        "kap_py_slope_ci",
    ),
    "gpt-series": (
        "gpt_g3_vs_chin",
        "gpt_g3_vs_chin_ci",
        "gpt_tr_g",
        "gpt_tr_g_ci",
        "gpt_pr_pred",
        "gpt_pr_pred_ci",
    ),
    "chinchilla": (
        "chin_a3_alpha",
        "chin_a3_alpha_ci",
        "chin_a3_beta",
        "chin_a3_beta_ci",
        "chin_a3_a",
        "chin_a3_a_ci",
        "chin_tpp_fit",
        "chin_tpp_fit_ci",
    ),
    "slowdown": (
        "slow_gamma",
        "slow_gamma_ci",
        "slow_gr",
        "slow_gr_ci",
        "slow_wall_median",
        "slow_wall_ci",
    ),
    "reasoning": (
        "rsn_cfit_b",
        "rsn_cfit_b_ci",
        "rsn_b_swe",
        "rsn_b_swe_ci",
        "rsn_aime_gain",
        "rsn_aime_gain_ci",
    ),
    "what-next": (
        "next_growth",
        "next_growth_ci",
        "next_wall",
        "next_wall_ci",
        "next_gap",
        "next_gap_ci",
    ),
}

#: File :func:`run_grid` writes into its output folder: one line per grid row.
GRID_SUMMARY = "summary.csv"

#: Optional grid column naming each row's notebook ``<stem>-<name>.ipynb`` (e.g. a student id)
#: instead of ``<stem>-row<k>.ipynb``; a column, never a parameter (unless a chapter declares one).
GRID_NAME_COLUMN = "name"

#: Largest grid file (bytes) and number of data rows :func:`read_grid` accepts.
MAX_GRID_BYTES = 1_000_000
MAX_GRID_ROWS = 1_000

_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


@dataclass(frozen=True)
class GridRow:
    """One validated row of a parameter grid.

    ``row`` counts data rows from 1 (blank lines skipped), ``line`` is the row's line in the
    file, ``values`` holds every parameter of the chapter (the row's values, defaults for the
    columns it does not have), ``notebook`` the file name the run writes in the output folder.
    """

    row: int
    line: int
    values: dict[str, Any]
    notebook: str


@dataclass(frozen=True)
class GridResult:
    """The outcome of one grid row: ``status`` is ``"ok"`` or ``"failed"`` (``error`` then holds
    the one-line reason and no notebook was written); ``glued`` maps glue name to text."""

    row: int
    notebook: Path
    values: dict[str, Any]
    status: str
    error: str
    glued: dict[str, str]


def read_grid(chapter_id: str, grid: Path | str) -> list[GridRow]:
    """Read and validate a parameter grid: a CSV file, one run per row, one column per parameter.

    The header names parameters of the chapter (any subset, each once) and optionally the column
    ``name`` (:data:`GRID_NAME_COLUMN`): each row's notebook is then ``<stem>-<name>.ipynb``,
    else ``<stem>-row<k>.ipynb``. Cells are parsed and checked as ``scalinglaws run -p`` does
    (:func:`validate`, then the date and free-text checks). A UTF-8 byte-order mark is allowed;
    blank lines are skipped.

    Returns
    -------
    list of GridRow
        In file order.

    Raises
    ------
    InputError, ParameterError
        One line naming the file, the row (counted from 1, with its line) and the column: a
        missing, empty, binary or oversized file, a header cell that is empty, repeated or not a
        parameter of the chapter, no data rows, a row with too few or too many cells, an empty
        or invalid cell, an invalid or repeated name. Nothing is run.
    """
    import csv
    import io
    import re

    chapter = get_chapter(chapter_id)
    p = Path(grid)
    if not p.exists():
        raise InputError(f"grid file not found: {p}")
    if not p.is_file():
        raise InputError(f"grid is not a file: {p}")
    try:
        size = p.stat().st_size
        raw = p.read_bytes() if size <= MAX_GRID_BYTES else b""
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if size > MAX_GRID_BYTES:
        raise InputError(f"{p}: file is {size:,} bytes; a grid may have at most {MAX_GRID_BYTES:,}")
    if b"\x00" in raw:
        raise InputError(f"{p}: not a text CSV file (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not a UTF-8 text CSV file") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                records.append((reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise InputError(f"{p}, line {reader.line_num}: malformed CSV: {_one_line(exc)}") from None
    if not records:
        raise InputError(f"{p}: file is empty (expected a header row of parameter names)")
    header_line, header = records[0]
    names = [q.name for q in chapter.params]
    is_name = {c: c == GRID_NAME_COLUMN and c not in names for c in header}
    for i, column in enumerate(header, start=1):
        if not column:
            raise InputError(f"{p}, line {header_line}: header column {i} has no name")
        if header.index(column) != i - 1:
            raise InputError(f"{p}, line {header_line}: column {column!r} appears twice")
        if column not in names and not is_name[column]:
            raise InputError(
                f"{p}, line {header_line}: unknown column {_short_repr(column)}: chapter "
                f"{chapter.id!r} has parameters {', '.join(names) or 'none'} (and an optional "
                f"{GRID_NAME_COLUMN!r} column naming the notebooks)"
            )
    data = records[1:]
    if not data:
        raise InputError(f"{p}: no data rows after the header (one row per run)")
    if len(data) > MAX_GRID_ROWS:
        raise InputError(f"{p}: {len(data):,} data rows; a grid may have at most {MAX_GRID_ROWS:,}")
    rows: list[GridRow] = []
    seen: dict[str, int] = {}
    for k, (line, cells) in enumerate(data, start=1):
        where = f"{p}, row {k} (line {line})"
        if len(cells) != len(header):
            raise InputError(
                f"{where}: {len(cells)} cell{'s' * (len(cells) != 1)}, but the header has "
                f"{len(header)} columns"
            )
        given: dict[str, str] = {}
        label = f"row{k}"
        for column, cell in zip(header, cells, strict=True):
            if not cell:
                raise InputError(
                    f"{where}, column {column!r}: empty cell (every row needs a value; leave the "
                    "column out to use the chapter's default)"
                )
            if is_name[column]:
                if not re.match(_NAME_PATTERN, cell):
                    raise InputError(
                        f"{where}, column {column!r}: a name is 1 to 64 letters, digits, '.', '_' "
                        f"or '-' starting with a letter or digit, got {_short_repr(cell)}"
                    )
                label = cell
                continue
            spec = chapter.param(column)
            try:
                validate(chapter.id, {column: cell})
            except ParameterError:
                raise ParameterError(
                    f"{where}, column {column!r}: must be {spec.allowed()}, got {_short_repr(cell)}"
                ) from None
            given[column] = cell
        values = validate(chapter.id, given)
        try:
            _check_string_kinds(chapter, values)
        except ParameterError as exc:
            raise ParameterError(f"{where}: {exc}") from None
        notebook = f"{chapter.notebook.stem}-{label}.ipynb"
        if notebook.casefold() in seen:
            raise InputError(
                f"{where}, column {GRID_NAME_COLUMN!r}: {label!r} already names row "
                f"{seen[notebook.casefold()]} (each row writes its own notebook)"
            )
        seen[notebook.casefold()] = k
        rows.append(GridRow(k, line, values, notebook))
    return rows


def glued_values(notebook: Path | str | Mapping[str, Any]) -> dict[str, str]:
    """Every value an executed notebook glued (myst-nb ``glue``), name to text, in cell order.

    myst-nb stores a glued value as a ``display_data`` output whose metadata ``scrapbook.name``
    is its name and whose data ``application/papermill.record/text/plain`` is its plain-text
    form: for :func:`scalinglaws.book.glue_text` the quoted literal of the text, returned here
    unquoted (as ``{glue:text}`` shows it). Other values give their Markdown form, else the plain
    text as stored. ``notebook`` is a path or a notebook already read as JSON.
    """
    import nbformat

    if isinstance(notebook, Mapping):  # a notebook already read (JSON)
        nb = nbformat.from_dict(notebook)
    else:
        nb = nbformat.read(str(notebook), as_version=4)
    prefix = "application/papermill.record/"
    out: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = output.get("metadata", {}).get("scrapbook")
            if not isinstance(meta, dict) or "name" not in meta:
                continue
            data = output.get("data", {})
            plain = data.get(prefix + "text/plain")
            try:
                value = ast.literal_eval(plain) if isinstance(plain, str) else None
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                value = None
            if not isinstance(value, str):
                value = data.get(prefix + "text/markdown", plain)
            out[str(meta["name"])] = "" if value is None else str(value)
    return out


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _show_progress(progress: bool | None) -> bool:
    """A progress bar: as asked, else only on a terminal and unless ``SCALINGLAWS_QUIET`` is set."""
    import sys

    if progress is not None:
        return bool(progress)
    quiet = os.environ.get("SCALINGLAWS_QUIET", "").strip().lower() not in ("", "0", "false", "no")
    return not quiet and sys.stderr.isatty()


def _check_grid_folder(
    chapter: Chapter, outdir: Path | str, rows: list[GridRow], grid: Path
) -> Path:
    """The output folder of :func:`run_grid` (absolute), refused as :func:`run` refuses a path."""
    folder = Path(os.path.normpath(Path.cwd() / Path(outdir)))
    if folder.exists() and not folder.is_dir():
        raise InputError(f"output folder is a file: {folder}")
    if not folder.exists() and not folder.parent.is_dir():
        raise InputError(f"the output folder's parent does not exist: {folder.parent}")
    _refuse_book_folders(chapter, folder)
    summary = folder / GRID_SUMMARY
    if summary.resolve() == grid.resolve():
        raise InputError(
            f"the summary would overwrite the grid file {grid}: choose another output folder"
        )
    for path in [summary] + [folder / r.notebook for r in rows]:
        if path.is_dir():
            raise InputError(f"output is a folder: {path}")
        if path.exists() and path.suffix == ".ipynb":
            _refuse_chapter_file(path)
    return folder


def _grid_worker(
    chapter: Chapter, values: dict[str, Any], out: Path, threads: int
) -> tuple[str, str, dict[str, str]]:
    """One grid row, in a worker process: ``(status, one-line error, glued values)``."""
    for variable in ("SCALINGLAWS_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(variable, str(threads))  # the kernels share the cores
    try:
        _execute(chapter, values, out)
        return "ok", "", glued_values(out)
    except ScalingLawsError as exc:
        return "failed", _one_line(exc), {}
    except Exception as exc:  # a dead kernel, an unreadable output: this row fails, not the grid
        return "failed", _one_line(f"{type(exc).__name__}: {exc}"), {}


def grid_columns(chapter_id: str, results: list[GridResult]) -> list[str]:
    """The glue names :func:`run_grid` reports: :data:`HEADLINE_GLUE` of the chapter, else every
    name the runs glued (in order of first appearance)."""
    if chapter_id in HEADLINE_GLUE:
        return list(HEADLINE_GLUE[chapter_id])
    return list(dict.fromkeys(name for r in results for name in r.glued))


def _csv_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _write_summary(path: Path, chapter: Chapter, results: list[GridResult]) -> None:
    """``summary.csv``: row, notebook, every parameter, status, error, the reported glue names."""
    import csv
    import tempfile

    glue_names = grid_columns(chapter.id, results)
    params = [q.name for q in chapter.params]
    fd, tmp_name = tempfile.mkstemp(prefix=".summary.", suffix=".tmp.csv", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["row", "notebook", *params, "status", "error", *glue_names])
            for r in results:
                writer.writerow(
                    [r.row, r.notebook.name]
                    + [_csv_text(r.values[q]) for q in params]
                    + [r.status, r.error]
                    + [r.glued.get(name, "") for name in glue_names]
                )
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def run_grid(
    chapter_id: str,
    grid: Path | str,
    outdir: Path | str,
    jobs: int | None = None,
    progress: bool | None = None,
) -> list[GridResult]:
    """Execute a chapter once per row of a parameter grid, in parallel, and summarise the runs.

    Every row is validated (:func:`read_grid`) and the output folder checked before anything
    runs or is written. Then each row is one papermill execution (as :func:`run`: atomic, a
    failed run writes no notebook) in a pool of ``jobs`` processes; a failing row does not stop
    the others. Finally ``outdir/summary.csv`` (:data:`GRID_SUMMARY`) gets one line per row, in
    grid order: ``row``, ``notebook``, every parameter's value, ``status`` (``ok`` or
    ``failed``), ``error`` (the one-line reason) and the headline glued values
    (:func:`grid_columns`).

    Parameters
    ----------
    chapter_id : str
        Key of :data:`CHAPTERS`.
    grid : path
        CSV file, one row per run (see :func:`read_grid`).
    outdir : path
        Output folder (created if missing; its parent must exist). Notebooks already there with
        the same names are replaced; no other file in it is touched.
    jobs : int, optional
        Parallel runs (default: the usable CPU cores), at most one per row. The kernels share the
        cores: ``SCALINGLAWS_THREADS``, ``OMP_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS`` default
        to cores / jobs in them (results do not depend on these).
    progress : bool, optional
        tqdm bar of finished runs on stderr (default: on a terminal, unless ``SCALINGLAWS_QUIET``).

    Returns
    -------
    list of GridResult
        In grid order.

    Raises
    ------
    InputError, ParameterError
        One line, before anything runs or is written (bad grid, bad folder, unknown chapter).
    """
    import concurrent.futures
    import multiprocessing

    from tqdm import tqdm

    chapter = get_chapter(chapter_id)
    grid = Path(grid)
    rows = read_grid(chapter_id, grid)
    if not chapter.notebook.is_file():
        raise InputError(f"chapter {chapter_id!r}: notebook {chapter.notebook} does not exist")
    folder = _check_grid_folder(chapter, outdir, rows, grid)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, Integral) or jobs < 1):
        raise InputError(f"jobs must be a positive integer, got {_short_repr(jobs)}")
    cores = _usable_cores()
    n_jobs = min(int(jobs) if jobs is not None else cores, len(rows))
    threads = max(1, cores // n_jobs)
    folder.mkdir(exist_ok=True)
    # fork: the workers only wait on their kernels; it needs no importable __main__ and keeps a
    # chapter registered at run time (tests)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    results: list[GridResult | None] = [None] * len(rows)
    with concurrent.futures.ProcessPoolExecutor(n_jobs, mp_context=context) as pool:
        futures = {
            pool.submit(_grid_worker, chapter, r.values, folder / r.notebook, threads): i
            for i, r in enumerate(rows)
        }
        try:
            with tqdm(
                total=len(rows), desc=chapter.id, unit="run", disable=not _show_progress(progress)
            ) as bar:
                for future in concurrent.futures.as_completed(futures):
                    i = futures[future]
                    try:
                        status, error, glued = future.result()
                    except Exception as exc:  # the worker process itself died
                        status, error, glued = (
                            "failed",
                            _one_line(f"{type(exc).__name__}: {exc}"),
                            {},
                        )
                    row = rows[i]
                    results[i] = GridResult(
                        row.row, folder / row.notebook, row.values, status, error, glued
                    )
                    bar.update(1)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    done = [r for r in results if r is not None]
    _write_summary(folder / GRID_SUMMARY, chapter, done)
    return done
