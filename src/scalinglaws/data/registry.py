"""Registry of the book's public data sets: where each raw file comes from and how to check it.

The registry (``src/scalinglaws/data/registry.yaml``) lists, for every data set, its source repository and pinned
commit, license, citation, the chapters using it, the tidy tables served by
:func:`scalinglaws.data.load` with their row counts, and for every raw file its path relative to the
data-set folder, its raw URL at the pinned commit and its sha256.

Raw files are obtained by :func:`fetch`:

* if the environment variable ``SCALINGLAWS_DATA_MIRROR`` is set, from ``<mirror>/<name>/<path>``
  (offline mirror, e.g. ``/work/shared/data``);
* otherwise downloaded with :func:`pooch.retrieve` into a local cache (``SCALINGLAWS_DATA_CACHE`` or
  ``pooch.os_cache("scalinglaws")``).

Either way the sha256 is checked before the path is returned. Data files are never committed to the
repository; data sets without a license (``redistributable: false``) are only downloaded and cited.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pooch
import yaml

from scalinglaws.core.errors import (
    DataError,
    HashMismatchError,
    InputError,
    MissingDataError,
    UnknownDatasetError,
)

REGISTRY_PATH = Path(__file__).resolve().parent / "registry.yaml"
MIRROR_ENV = "SCALINGLAWS_DATA_MIRROR"
CACHE_ENV = "SCALINGLAWS_DATA_CACHE"

__all__ = [
    "REGISTRY_PATH",
    "MIRROR_ENV",
    "CACHE_ENV",
    "FileEntry",
    "DataSet",
    "VerifyResult",
    "load_registry",
    "get_dataset",
    "fetch",
    "sha256_of",
    "verify",
    "provenance_table",
    "info",
]


@dataclass(frozen=True)
class FileEntry:
    """One raw file of a data set.

    Attributes
    ----------
    path : str
        Path relative to the data-set folder (mirror layout), e.g. ``"models/rpj-open_lm_1b-32.0.json"``.
    url : str
        Raw URL at the pinned commit. For a derived file, the URL of the source it is extracted from.
    sha256 : str
        Hex sha256 of the raw (or derived) file.
    bytes : int
        Size in bytes.
    derived : bool
        True if the file is not served as such but extracted from ``url`` (see ``derivation``).
    source_sha256 : str or None
        sha256 of the source file at ``url`` (derived files only).
    derivation : str or None
        How the file is extracted from its source (derived files only).
    """

    path: str
    url: str
    sha256: str
    bytes: int = 0
    derived: bool = False
    source_sha256: str | None = None
    derivation: str | None = None


@dataclass(frozen=True)
class DataSet:
    """One registered data set (an entry of ``src/scalinglaws/data/registry.yaml``)."""

    name: str
    title: str
    repository: str
    commit: str
    license: str
    redistributable: bool
    citation: dict[str, Any]
    chapters: tuple[str, ...]
    description: str
    tables: dict[str, int | None]
    files: tuple[FileEntry, ...] = field(repr=False)

    @property
    def n_files(self) -> int:
        """Number of raw files."""
        return len(self.files)

    @property
    def total_bytes(self) -> int:
        """Total size of the raw files in bytes."""
        return sum(f.bytes for f in self.files)

    @property
    def citation_text(self) -> str:
        """One-line citation: ``Authors (year). Title. arXiv:id / URL.``"""
        c = self.citation
        authors = list(c.get("authors", []))
        who = ", ".join(authors) if len(authors) <= 3 else f"{authors[0]} et al."
        parts = [f"{who} ({c.get('year', 'n.d.')}). {c.get('title', '')}."]
        if c.get("venue"):
            parts.append(f"{c['venue']}.")
        if c.get("arxiv"):
            parts.append(f"arXiv:{c['arxiv']}.")
        elif c.get("url"):
            parts.append(f"{c['url']}.")
        return " ".join(parts)

    def file(self, relpath: str) -> FileEntry:
        """The :class:`FileEntry` for ``relpath``; :class:`InputError` if the data set has no such file."""
        for f in self.files:
            if f.path == relpath:
                return f
        raise InputError(f"data set {self.name!r} has no file {relpath!r} in the registry")


@dataclass(frozen=True)
class VerifyResult:
    """Result of checking one raw file against the registry (``ok`` iff ``actual == expected``)."""

    dataset: str
    path: str
    expected: str
    actual: str | None
    ok: bool
    error: str | None = None


@lru_cache(maxsize=4)
def _load_registry_cached(path: str, mtime_ns: int) -> dict[str, DataSet]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    out: dict[str, DataSet] = {}
    for name, d in raw["datasets"].items():
        files = tuple(
            FileEntry(
                path=f["path"],
                url=f["url"],
                sha256=f["sha256"],
                bytes=int(f.get("bytes", 0)),
                derived=bool(f.get("derived", False)),
                source_sha256=f.get("source_sha256"),
                derivation=f.get("derivation"),
            )
            for f in d["files"]
        )
        out[name] = DataSet(
            name=name,
            title=d["title"],
            repository=d["repository"],
            commit=d["commit"],
            license=str(d["license"]),
            redistributable=bool(d["redistributable"]),
            citation=dict(d["citation"]),
            chapters=tuple(d["chapters"]),
            description=d["description"],
            tables=dict(d["tables"]),
            files=files,
        )
    return out


def load_registry(path: str | Path | None = None) -> dict[str, DataSet]:
    """Read the registry: an ordered ``{name: DataSet}`` dict (file order of ``registry.yaml``)."""
    p = Path(path) if path is not None else REGISTRY_PATH
    if not p.is_file():
        raise DataError(f"data registry not found at {p}")
    return dict(_load_registry_cached(str(p), p.stat().st_mtime_ns))


def get_dataset(name: str) -> DataSet:
    """The registry entry of ``name``; :class:`UnknownDatasetError` listing known names otherwise."""
    reg = load_registry()
    if not isinstance(name, str) or name not in reg:
        raise UnknownDatasetError(f"unknown data set {name!r}; known data sets: {', '.join(reg)}")
    return reg[name]


# --------------------------------------------------------------------------------------------
# Hashing (verified results cached per path + size + mtime, so repeated loads are fast)

_VERIFIED: dict[tuple[str, int, int], str] = {}


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file (streamed in 1 MiB blocks)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _cached_sha256(path: Path) -> str:
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _VERIFIED:
        _VERIFIED[key] = sha256_of(path)
    return _VERIFIED[key]


def _check_hash(ds: DataSet, entry: FileEntry, path: Path) -> Path:
    actual = _cached_sha256(path)
    if actual != entry.sha256:
        raise HashMismatchError(
            f"sha256 mismatch for {ds.name}/{entry.path} ({path}): "
            f"expected {entry.sha256}, got {actual}; the file is corrupt or not the registered version"
        )
    return path


# --------------------------------------------------------------------------------------------
# Fetching


def _missing(ds: DataSet, entry: FileEntry, why: str) -> MissingDataError:
    return MissingDataError(
        f"data set {ds.name!r}: file {entry.path!r} is not available ({why}); "
        f"download it from {entry.url} or set {MIRROR_ENV}=<folder> to an offline mirror "
        f"holding <folder>/{ds.name}/{entry.path}"
    )


def _cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(pooch.os_cache("scalinglaws"))


def _download(ds: DataSet, url: str, known_sha: str, target: Path, entry: FileEntry) -> Path:
    """Download ``url`` to ``target`` with pooch, checking ``known_sha``; one-line errors."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        out = pooch.retrieve(
            url,
            known_hash=f"sha256:{known_sha}",
            fname=target.name,
            path=target.parent,
            progressbar=False,
        )
    except ValueError as exc:  # pooch: hash of the downloaded file differs from known_hash
        hexes = re.findall(r"[0-9a-f]{64}", str(exc))
        actual = next((h for h in hexes if h != known_sha), "unknown")
        raise HashMismatchError(
            f"sha256 mismatch for {ds.name}/{entry.path} downloaded from {url}: "
            f"expected {known_sha}, got {actual}"
        ) from None
    except Exception as exc:  # connection errors, HTTP errors, timeouts, permissions
        reason = f"download failed: {type(exc).__name__}: {_clip(str(exc), 120)}"
        raise _missing(ds, entry, reason) from None
    return Path(out)


def _clip(text: str, width: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``width`` characters (+ " ...")."""
    flat = " ".join(str(text).split())
    if len(flat) <= width:
        return flat
    cut = flat[:width].rsplit(" ", 1)[0] if " " in flat[:width] else flat[:width]
    return cut.rstrip(" ,;:(") + " ..."


def _extract_datablations_csv(notebook: Path, target: Path) -> None:
    """Rebuild ``data_constrained_runs.csv`` from ``utils/parametric_fit.ipynb`` (see its PROVENANCE).

    Cell index 26 (0-based) must contain ``for name, loss in NAMES_TO_VAL_LOSSES.items()``; each
    printed line of its stored stdout is ``name params/1e9 tokens/1e9 unique_tokens/1e9 loss``. The
    three sizes are multiplied by 1e9 and rounded to integers; ``epochs = tokens / unique_tokens``.
    No notebook code is executed.
    """
    marker = "for name, loss in NAMES_TO_VAL_LOSSES.items()"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = nb.get("cells", [])
    if len(cells) <= 26:
        raise DataError(f"notebook {notebook} has {len(cells)} cells; expected cell 26")
    cell = cells[26]
    src = "".join(cell.get("source", []))
    if marker not in src:
        raise DataError(f"cell 26 of {notebook} does not contain {marker!r}")
    text = "".join(
        "".join(o.get("text", []))
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )
    rows = []
    for line in text.splitlines():
        fields = [x for x in re.split(r"[,\s]+", line.strip()) if x]
        if len(fields) != 5:
            continue
        name, p, t, u, loss = fields
        rows.append(
            {
                "run_name": name,
                "params": float(round(float(p) * 1e9)),
                "tokens": float(round(float(t) * 1e9)),
                "unique_tokens": float(round(float(u) * 1e9)),
                "val_loss": float(loss),
            }
        )
    df = pd.DataFrame(rows, columns=["run_name", "params", "tokens", "unique_tokens", "val_loss"])
    df["epochs"] = df["tokens"] / df["unique_tokens"]
    target.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(target, index=False)


def fetch(name: str, relpath: str) -> Path:
    """Local path of a raw file of data set ``name``, after checking its sha256.

    Parameters
    ----------
    name : str
        Data-set name (see :func:`load_registry`).
    relpath : str
        File path relative to the data-set folder, as listed in the registry.

    Returns
    -------
    pathlib.Path
        ``<SCALINGLAWS_DATA_MIRROR>/<name>/<relpath>`` if the mirror variable is set, otherwise the
        pooch cache copy (downloaded on first use).

    Raises
    ------
    UnknownDatasetError
        ``name`` is not registered (the message lists the known data sets).
    MissingDataError
        The file is not in the mirror, or cannot be downloaded (no network, HTTP error).
    HashMismatchError
        The file's sha256 differs from the registry (message gives both hashes).
    """
    ds = get_dataset(name)
    entry = ds.file(relpath)
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        path = Path(mirror) / name / entry.path
        if not path.is_file():
            raise _missing(ds, entry, f"not found in the mirror {MIRROR_ENV}={mirror}")
        return _check_hash(ds, entry, path)

    target = _cache_dir() / name / entry.path
    if entry.derived:
        if not target.is_file():
            src_name = entry.url.rsplit("/", 1)[-1]
            src = _cache_dir() / name / "_sources" / src_name
            src = _download(ds, entry.url, entry.source_sha256 or "", src, entry)
            try:
                _extract_datablations_csv(src, target)
            except (DataError, ValueError, KeyError, json.JSONDecodeError) as exc:
                raise _missing(ds, entry, f"extraction from {src_name} failed: {exc}") from None
        return _check_hash(ds, entry, target)
    if target.is_file() and _cached_sha256(target) == entry.sha256:
        return target
    return _check_hash(ds, entry, _download(ds, entry.url, entry.sha256, target, entry))


# --------------------------------------------------------------------------------------------
# Verification and provenance


def verify(name: str | None = None) -> list[VerifyResult]:
    """Check every raw file of one data set (or of all, if ``name`` is None) against the registry.

    Files are fetched as by :func:`fetch` (mirror or cache) and re-hashed. A missing file gives a
    result with ``actual=None``, ``ok=False`` and the one-line reason in ``error``.
    """
    names = [get_dataset(name).name] if name is not None else list(load_registry())
    results: list[VerifyResult] = []
    for n in names:
        ds = get_dataset(n)
        for entry in ds.files:
            try:
                path = fetch(n, entry.path)
                actual = sha256_of(path)
                results.append(
                    VerifyResult(n, entry.path, entry.sha256, actual, actual == entry.sha256)
                )
            except HashMismatchError as exc:
                hexes = re.findall(r"[0-9a-f]{64}", str(exc))
                actual = next((h for h in hexes if h != entry.sha256), None)
                results.append(VerifyResult(n, entry.path, entry.sha256, actual, False, str(exc)))
            except MissingDataError as exc:
                results.append(VerifyResult(n, entry.path, entry.sha256, None, False, str(exc)))
    return results


def _rows_text(tables: dict[str, int | None]) -> str:
    return ", ".join(f"{t}: {r}" if r is not None else t for t, r in tables.items())


def provenance_table() -> pd.DataFrame:
    """One row per data set for the appendix "Data and provenance".

    Columns: ``name, title, repository, commit, license, redistributable, citation, chapters,
    files`` (number of raw files), ``bytes``, ``rows`` (``"table: rows, ..."`` of the tidy tables).
    """
    rows = []
    for ds in load_registry().values():
        rows.append(
            {
                "name": ds.name,
                "title": ds.title,
                "repository": ds.repository,
                "commit": ds.commit,
                "license": ds.license,
                "redistributable": ds.redistributable,
                "citation": ds.citation_text,
                "chapters": ", ".join(ds.chapters),
                "files": ds.n_files,
                "bytes": ds.total_bytes,
                "rows": _rows_text(ds.tables),
            }
        )
    return pd.DataFrame(rows)


def info(name: str) -> dict[str, Any]:
    """Everything the registry knows about one data set, as a plain dict (for ``data info NAME``).

    Keys: ``name, title, description, repository, commit, license, redistributable, citation``
    (one line), ``citation_fields`` (dict), ``chapters`` (list), ``tables`` ({table: rows}),
    ``n_files``, ``bytes``, ``source`` (where :func:`fetch` reads from), ``files`` (list of
    ``{path, url, sha256, bytes, derived}``).
    """
    ds = get_dataset(name)
    mirror = os.environ.get(MIRROR_ENV)
    source = (
        f"mirror {Path(mirror) / ds.name}" if mirror else f"download cache {_cache_dir() / ds.name}"
    )
    return {
        "name": ds.name,
        "title": ds.title,
        "description": ds.description,
        "repository": ds.repository,
        "commit": ds.commit,
        "license": ds.license,
        "redistributable": ds.redistributable,
        "citation": ds.citation_text,
        "citation_fields": dict(ds.citation),
        "chapters": list(ds.chapters),
        "tables": dict(ds.tables),
        "n_files": ds.n_files,
        "bytes": ds.total_bytes,
        "source": source,
        "files": [
            {
                "path": f.path,
                "url": f.url,
                "sha256": f.sha256,
                "bytes": f.bytes,
                "derived": f.derived,
            }
            for f in ds.files
        ],
    }
