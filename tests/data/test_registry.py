"""Tests of the data registry: contents, sha256 checks, mirror / download / offline behaviour.

The mirror is ``$SCALINGLAWS_DATA_MIRROR`` (tests/conftest.py defaults it to ``../shared/data``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pooch
import pytest
import requests

from scalinglaws.core.errors import (
    HashMismatchError,
    InputError,
    MissingDataError,
    UnknownDatasetError,
)
from scalinglaws.data import registry

MIRROR = Path(os.environ["SCALINGLAWS_DATA_MIRROR"])  # set by tests/conftest.py
NAMES = [
    "chinchilla_epoch_svg",
    "porian_compute_optimal",
    "datablations_muennighoff",
    "epoch_notable_models",
    "gadre_overtraining",
    "obsscaling_ruan",
    "aider_polyglot",
    "pythia_evals",
    "pythia_fewshot",
    "o1_aime_reconstruction",
    "dclm_curation",
    "goyal_data_filtering",
]
CHAPTERS = {
    "power-laws",
    "kaplan",
    "gpt-series",
    "chinchilla",
    "slowdown",
    "reasoning",
    "what-next",
}


@pytest.fixture(scope="module", autouse=True)
def mirror():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(registry.MIRROR_ENV, str(MIRROR))
        yield MIRROR


def _one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


# ---------------------------------------------------------------------------- registry contents


def test_registry_lists_the_twelve_data_sets():
    reg = registry.load_registry()
    assert list(reg) == NAMES
    n_files = {n: ds.n_files for n, ds in reg.items()}
    # PROVENANCE.md of each data set: file tables (Gadre 104 models + 104 evals + metadata csv).
    assert n_files == {
        "chinchilla_epoch_svg": 1,
        "porian_compute_optimal": 4,
        "datablations_muennighoff": 1,
        "epoch_notable_models": 1,
        "gadre_overtraining": 209,
        "obsscaling_ruan": 7,
        "aider_polyglot": 1,
        "pythia_evals": 189,
        "pythia_fewshot": 147,
        "o1_aime_reconstruction": 2,
        # dclm_curation PROVENANCE: 150 files (3 eval tables, the model database, 74 evaluation
        # JSONs, 72 model JSONs); goyal_data_filtering: 7 copied files
        "dclm_curation": 150,
        "goyal_data_filtering": 7,
    }


def test_registry_fields_are_complete_and_consistent():
    for ds in registry.load_registry().values():
        assert ds.title and ds.description
        assert re.fullmatch(r"https://github\.com/[^/]+/[^/]+", ds.repository)
        assert re.fullmatch(r"[0-9a-f]{40}", ds.commit)
        assert ds.chapters and set(ds.chapters) <= CHAPTERS
        assert ds.citation["title"] and ds.citation["year"] and ds.citation["authors"]
        assert ds.tables
        repo = ds.repository.removeprefix("https://github.com/")
        for f in ds.files:
            assert re.fullmatch(r"[0-9a-f]{64}", f.sha256)
            assert f.bytes > 0
            assert f.url.startswith(f"https://raw.githubusercontent.com/{repo}/{ds.commit}/")
            if not f.derived:
                assert f.url.endswith("/" + f.path)


def test_licenses_and_redistribution_policy():
    reg = registry.load_registry()
    # No license: download and cite, never copy (PROVENANCE of these three data sets).
    for name in ("chinchilla_epoch_svg", "o1_aime_reconstruction", "goyal_data_filtering"):
        assert not reg[name].redistributable
        assert reg[name].license == "none"
    others = {n: ds.license for n, ds in reg.items() if ds.redistributable}
    assert others == {
        "porian_compute_optimal": "MIT",
        "datablations_muennighoff": "Apache-2.0",
        "epoch_notable_models": "CC-BY-4.0",
        "gadre_overtraining": "MIT",
        "obsscaling_ruan": "Apache-2.0",
        "aider_polyglot": "Apache-2.0",
        "pythia_evals": "Apache-2.0",
        "pythia_fewshot": "Apache-2.0",
        "dclm_curation": "MIT",
    }


def test_registry_matches_mirror_files_and_provenance_hashes():
    """Every file on the mirror is registered, and every sha256 equals the PROVENANCE.md table."""
    for ds in registry.load_registry().values():
        folder = MIRROR / ds.name
        on_disk = {
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and p.name != "PROVENANCE.md"
        }
        assert on_disk == {f.path for f in ds.files}, ds.name
        prov = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
        for f in ds.files:
            assert re.search(rf"`{re.escape(f.path)}` \|.*`{f.sha256}`", prov), (ds.name, f.path)


def test_derived_datablations_entry_points_to_the_notebook():
    f = registry.get_dataset("datablations_muennighoff").file("data_constrained_runs.csv")
    assert f.derived
    assert f.url == (
        "https://raw.githubusercontent.com/huggingface/datablations/"
        "13701315b163f1c54642b94ad237b2699187c3ee/utils/parametric_fit.ipynb"
    )
    # PROVENANCE "Source files": sha256 of utils/parametric_fit.ipynb at the pinned commit.
    assert f.source_sha256 == "6c65d270e70c944a9ac90f5f1213a4584e1ff9d6d2781cd86900663f4ab17db9"


def test_unknown_dataset_lists_known_ones():
    with pytest.raises(UnknownDatasetError) as exc:
        registry.fetch("chinchila", "svg_extracted_data.csv")
    msg = _one_line(exc)
    assert "'chinchila'" in msg
    assert all(n in msg for n in NAMES)
    with pytest.raises(UnknownDatasetError):
        registry.info("nope")


def test_unknown_file_is_an_input_error():
    with pytest.raises(InputError, match="no file 'nope.csv'"):
        registry.fetch("chinchilla_epoch_svg", "nope.csv")


# ---------------------------------------------------------------------------- fetch and verify


def test_fetch_from_mirror_and_verify_all_files():
    p = registry.fetch("chinchilla_epoch_svg", "svg_extracted_data.csv")
    assert p == MIRROR / "chinchilla_epoch_svg" / "svg_extracted_data.csv"
    results = registry.verify()
    assert len(results) == 415 + 147 + 150 + 7  # pythia_fewshot 147, dclm 150, goyal 7 files
    assert all(r.ok and r.actual == r.expected and r.error is None for r in results)
    assert {r.dataset for r in results} == set(NAMES)
    assert len(registry.verify("pythia_evals")) == 189


def _tmp_mirror(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "mirror"
    shutil.copytree(MIRROR / name, root / name)
    return root


def test_corrupted_file_raises_hash_mismatch_with_both_hashes(tmp_path, monkeypatch):
    root = _tmp_mirror(tmp_path, "chinchilla_epoch_svg")
    target = root / "chinchilla_epoch_svg" / "svg_extracted_data.csv"
    raw = bytearray(target.read_bytes())
    raw[100] ^= 0x01  # flip one bit of one byte
    target.write_bytes(bytes(raw))
    actual = registry.sha256_of(target)
    expected = "193478df4e90f040016431996c45682659306840ecdadf83cfb9cd5ca0aa1b30"
    monkeypatch.setenv(registry.MIRROR_ENV, str(root))
    with pytest.raises(HashMismatchError) as exc:
        registry.fetch("chinchilla_epoch_svg", "svg_extracted_data.csv")
    msg = _one_line(exc)
    assert expected in msg and actual in msg and "svg_extracted_data.csv" in msg
    (res,) = registry.verify("chinchilla_epoch_svg")
    assert not res.ok and res.expected == expected and res.actual == actual


def test_missing_file_in_mirror_names_url_and_mirror_option(tmp_path, monkeypatch):
    root = _tmp_mirror(tmp_path, "o1_aime_reconstruction")
    (root / "o1_aime_reconstruction" / "results_log_majority_vote.json").unlink()
    monkeypatch.setenv(registry.MIRROR_ENV, str(root))
    with pytest.raises(MissingDataError) as exc:
        registry.fetch("o1_aime_reconstruction", "results_log_majority_vote.json")
    msg = _one_line(exc)
    url = registry.get_dataset("o1_aime_reconstruction").file("results_log_majority_vote.json").url
    assert url in msg and "SCALINGLAWS_DATA_MIRROR" in msg and "o1_aime_reconstruction" in msg
    res = registry.verify("o1_aime_reconstruction")
    assert [r.ok for r in res] == [True, False]
    assert res[1].actual is None and "SCALINGLAWS_DATA_MIRROR" in res[1].error


@pytest.fixture
def offline_cache(tmp_path, monkeypatch):
    """No mirror, an empty cache, and a pooch downloader that cannot reach the network."""
    monkeypatch.delenv(registry.MIRROR_ENV, raising=False)
    monkeypatch.setenv(registry.CACHE_ENV, str(tmp_path / "cache"))

    def no_network(self, url, output_file, pooch_obj, check_only=False):
        raise requests.exceptions.ConnectionError(f"Failed to resolve host for {url}")

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", no_network)
    return tmp_path / "cache"


def test_offline_download_failure_is_missing_data_error(offline_cache):
    with pytest.raises(MissingDataError) as exc:
        registry.fetch("aider_polyglot", "polyglot_leaderboard.yml")
    msg = _one_line(exc)
    url = registry.get_dataset("aider_polyglot").files[0].url
    assert url in msg and "SCALINGLAWS_DATA_MIRROR" in msg and "ConnectionError" in msg


def test_offline_derived_file_names_the_notebook(offline_cache):
    with pytest.raises(MissingDataError) as exc:
        registry.fetch("datablations_muennighoff", "data_constrained_runs.csv")
    assert "utils/parametric_fit.ipynb" in _one_line(exc)


def test_download_into_cache_is_hash_checked_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(registry.MIRROR_ENV, raising=False)
    monkeypatch.setenv(registry.CACHE_ENV, str(tmp_path / "cache"))
    calls = []

    def fake_download(self, url, output_file, pooch_obj, check_only=False):
        calls.append(url)
        rel = url.split("/helpers/")[1]
        data = (MIRROR / "o1_aime_reconstruction" / rel).read_bytes()
        if isinstance(output_file, str | os.PathLike):
            Path(output_file).write_bytes(data)
        else:
            output_file.write(data)

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", fake_download)
    p = registry.fetch("o1_aime_reconstruction", "results_log_just_ask_nicely.json")
    assert p == tmp_path / "cache" / "o1_aime_reconstruction" / "results_log_just_ask_nicely.json"
    assert p.read_bytes() == (MIRROR / "o1_aime_reconstruction" / p.name).read_bytes()
    assert registry.fetch("o1_aime_reconstruction", "results_log_just_ask_nicely.json") == p
    assert len(calls) == 1


def test_download_with_wrong_content_is_hash_mismatch(tmp_path, monkeypatch):
    monkeypatch.delenv(registry.MIRROR_ENV, raising=False)
    monkeypatch.setenv(registry.CACHE_ENV, str(tmp_path / "cache"))

    def bad_download(self, url, output_file, pooch_obj, check_only=False):
        data = b"<html>not the file</html>"
        if isinstance(output_file, str | os.PathLike):
            Path(output_file).write_bytes(data)
        else:
            output_file.write(data)

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", bad_download)
    with pytest.raises(HashMismatchError) as exc:
        registry.fetch("o1_aime_reconstruction", "results_log_majority_vote.json")
    msg = _one_line(exc)
    expected = "9dfc27e1c570ed6842b9507470b5cb742e0dbfc324e4d12c4b7a6e8f86bbb6c3"
    import hashlib

    assert expected in msg and hashlib.sha256(b"<html>not the file</html>").hexdigest() in msg


def test_datablations_extraction_reproduces_the_registered_csv(tmp_path):
    """Rebuild the CSV from a notebook whose cell 26 prints the runs as PROVENANCE describes.

    The notebook itself cannot be downloaded here (offline); the printed lines are generated from
    the mirror CSV (sizes / 1e9), so this checks the parsing, x1e9 rounding and CSV writing
    reproduce the registered bytes exactly.
    """
    import json

    df = pd.read_csv(MIRROR / "datablations_muennighoff" / "data_constrained_runs.csv")
    lines = [
        f"{n} {p / 1e9} {t / 1e9} {u / 1e9} {loss}\n"
        for n, p, t, u, loss in zip(
            df.run_name, df.params, df.tokens, df.unique_tokens, df.val_loss, strict=True
        )
    ]
    cell = {
        "cell_type": "code",
        "source": ["for name, loss in NAMES_TO_VAL_LOSSES.items():\n", "    print(name, ...)"],
        "outputs": [{"output_type": "stream", "name": "stdout", "text": lines}],
    }
    nb = {"cells": [{"cell_type": "markdown", "source": ["x"]}] * 26 + [cell]}
    src = tmp_path / "parametric_fit.ipynb"
    src.write_text(json.dumps(nb))
    out = tmp_path / "runs.csv"
    registry._extract_datablations_csv(src, out)
    entry = registry.get_dataset("datablations_muennighoff").files[0]
    assert registry.sha256_of(out) == entry.sha256


def test_verified_hashes_are_cached(monkeypatch):
    registry.fetch("aider_polyglot", "polyglot_leaderboard.yml")
    calls = []
    real = registry.sha256_of
    monkeypatch.setattr(registry, "sha256_of", lambda p: calls.append(p) or real(p))
    for _ in range(3):
        registry.fetch("aider_polyglot", "polyglot_leaderboard.yml")
    assert calls == []


# ---------------------------------------------------------------------------- provenance / info


def test_provenance_table():
    t = registry.provenance_table()
    assert list(t["name"]) == NAMES
    assert list(t.columns) == [
        "name",
        "title",
        "repository",
        "commit",
        "license",
        "redistributable",
        "citation",
        "chapters",
        "files",
        "bytes",
        "rows",
    ]
    row = t.set_index("name").loc["porian_compute_optimal"]
    assert row["files"] == 4
    assert row["rows"] == "isoflop_points: 1745, optimal_pairs: 177, fit_results: 60"
    assert "arXiv:2406.19146" in row["citation"]
    assert t["files"].sum() == 415 + 147 + 150 + 7


def test_info():
    d = registry.info("pythia_evals")
    assert d["name"] == "pythia_evals"
    assert d["license"] == "Apache-2.0"
    assert d["n_files"] == len(d["files"]) == 189
    assert d["tables"] == {"evals": 32508}
    assert d["source"].startswith("mirror ")
    assert "arXiv:2304.01373" in d["citation"]
    assert set(d["files"][0]) == {"path", "url", "sha256", "bytes", "derived"}
