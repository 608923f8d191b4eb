"""Tests for the ``scalinglaws`` command line (in-process via main() and a few subprocesses)."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from scalinglaws.book import chapters
from scalinglaws.book.chapters import Chapter, Param
from scalinglaws.cli import fmt, main, read_fit_csv
from scalinglaws.core.errors import InputError

MIRROR = Path(
    os.environ["SCALINGLAWS_DATA_MIRROR"]
)  # set by conftest.py: ../shared/data by default
REPO = Path(__file__).resolve().parents[1]


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_bad(capsys, *argv, words=()):
    """Exit 2, nothing on stdout, exactly one 'scalinglaws: error:' line on stderr."""
    code, out, err = cli(capsys, *argv)
    assert code == 2, (argv, out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("scalinglaws: error: ")
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in an empty folder and check afterwards that nothing was written there."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    yield cwd
    assert sorted(p.name for p in cwd.iterdir() if not p.name.endswith(".csv")) == []


# ----------------------------------------------------------------------------- optimal / loss


def test_optimal_hoffmann_json(capsys):
    """Hoffmann et al. 2022 App. D.2 rounded fit at the Gopher budget C = 5.76e23:
    N* = 3.22e10, D* = 2.98e12, D/N ~ 93 (paper_numbers.md §3.2, derived [D])."""
    code, out, err = cli(capsys, "optimal", "--flops", "5.76e23", "--law", "hoffmann", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["law"] == "hoffmann"
    assert data["flops"] == 5.76e23
    assert data["params"] == pytest.approx(3.22e10, rel=5e-3)
    assert data["tokens"] == pytest.approx(2.98e12, rel=5e-3)
    assert data["tokens_per_param"] == pytest.approx(93, rel=0.01)
    assert 6 * data["params"] * data["tokens"] == pytest.approx(5.76e23, rel=1e-12)


def test_optimal_hoffmann_tex_and_default_law(capsys):
    """Unrounded TeX constants: N* = 4.03e10, D/N ~ 59 at 5.76e23 (paper_numbers.md §3.2 [D])."""
    code, out, _ = cli(capsys, "optimal", "--flops", "5.76e23", "--law", "hoffmann-tex", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["params"] == pytest.approx(4.03e10, rel=5e-3)
    assert data["tokens_per_param"] == pytest.approx(59, rel=0.01)
    # The default is the canonical law, Besiroglu et al. 2024's refit (paper_numbers.md §4): about
    # 20 tokens per parameter, "roughly flat (17-22) over 1e21-1e25" [D], consistent with
    # Chinchilla's own 70B on 1.4T [V2]. Closed form from the published constants: 72.4B, 18.3.
    code, out, _ = cli(capsys, "optimal", "--flops", "5.76e23", "--json")
    data = json.loads(out)
    assert data["law"] == "epoch"
    assert 17 < data["tokens_per_param"] < 22
    assert data["params"] == pytest.approx(70e9, rel=0.05)


def test_optimal_human_table(capsys):
    # Hoffmann's rounded printed constants (paper_numbers.md §3.2 [D]): 32.2B on 2.98T, 92.65 per
    # parameter at the Gopher budget -- far from Chinchilla's own 70B on 1.4T
    code, out, err = cli(capsys, "optimal", "--flops", "5.76e23", "--law", "hoffmann")
    assert code == 0 and err == ""
    assert "3.219e+10" in out and "2.982e+12" in out and "92.65" in out and "hoffmann" in out
    assert "{" not in out


@pytest.mark.parametrize("law", ["epoch", "kaplan"])
def test_optimal_other_laws(capsys, law):
    code, out, _ = cli(capsys, "optimal", "--flops", "1e22", "--law", law, "--json")
    data = json.loads(out)
    assert code == 0 and data["law"] == law
    assert 6 * data["params"] * data["tokens"] == pytest.approx(1e22, rel=1e-9)


def test_optimal_unique_tokens(capsys):
    """Data-constrained optimum (Muennighoff et al. 2023, datablations README Fig. 1 right):
    at ~1e22 FLOP with 25B unique tokens the README's better allocation (6.34e9, 242e9) has loss
    2.2256, so the optimum found must be at least as good and use more than one epoch."""
    code, out, _ = cli(capsys, "optimal", "--flops", "1e22", "--unique-tokens", "25e9", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["loss"] <= 2.2256 + 1e-3
    assert data["unique_tokens"] == pytest.approx(25e9)
    assert data["epochs"] > 1
    assert 1e9 < data["params"] < 5e10
    assert data["converged"] is True


def test_optimal_unique_tokens_with_law_is_rejected(capsys, in_tmp):
    assert_bad(
        capsys,
        "optimal",
        "--flops",
        "1e22",
        "--unique-tokens",
        "1e9",
        "--law",
        "hoffmann",
        words=("--law",),
    )


def test_loss_chinchilla(capsys):
    """Rounded Hoffmann fit: Chinchilla (70B, 1.4T) L = 1.937, Gopher (280B, 300B) L = 1.993
    (paper_numbers.md §3.2 [D])."""
    code, out, _ = cli(
        capsys, "loss", "--params", "70e9", "--tokens", "1.4e12", "--law", "hoffmann", "--json"
    )
    assert code == 0
    assert json.loads(out)["loss"] == pytest.approx(1.937, abs=1e-3)
    code, out, _ = cli(
        capsys, "loss", "--params", "280e9", "--tokens", "300e9", "--law", "hoffmann"
    )
    assert code == 0 and "1.993" in out
    # default: the canonical law (closed form from Besiroglu et al.'s Table 1 constants)
    code, out, _ = cli(capsys, "loss", "--params", "70e9", "--tokens", "1.4e12", "--json")
    expected = 1.81686 + 482.006 / 70e9**0.34781303 + 2085.434 / 1.4e12**0.36585412
    assert json.loads(out)["law"] == "epoch"
    assert json.loads(out)["loss"] == pytest.approx(expected, abs=1e-4)


def test_loss_kaplan(capsys):
    code, out, _ = cli(
        capsys, "loss", "--params", "1e9", "--tokens", "1e11", "--law", "kaplan", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["law"] == "kaplan"
    assert 1.5 < data["loss"] < 4


BAD_NUMBERS = ["-1", "0", "nan", "inf", "-inf", "abc", ""]


@pytest.mark.parametrize("bad", BAD_NUMBERS)
@pytest.mark.parametrize(
    "prefix,option",
    [
        (["optimal"], "--flops"),
        (["optimal", "--flops", "1e22"], "--unique-tokens"),
        (["loss", "--tokens", "1e12"], "--params"),
        (["loss", "--params", "1e9"], "--tokens"),
    ],
)
def test_bad_float_options(capsys, in_tmp, prefix, option, bad):
    line = assert_bad(capsys, *prefix, f"{option}={bad}", words=(option,))
    assert "positive finite number" in line


def test_negative_value_as_separate_argument(capsys, in_tmp):
    assert_bad(capsys, "optimal", "--flops", "-5", words=("--flops", "-5"))
    assert_bad(capsys, "loss", "--params", "-1e9", "--tokens", "1e12", words=("--params",))


@pytest.mark.parametrize(
    "cmd", [["optimal", "--flops", "1e22"], ["loss", "--params", "1e9", "--tokens", "1e11"]]
)
def test_unknown_law(capsys, in_tmp, cmd):
    assert_bad(capsys, *cmd, "--law", "chinchilla-ish", words=("unknown law", "chinchilla-ish"))


def test_missing_required_and_unknown_command(capsys, in_tmp):
    assert_bad(capsys, "optimal", words=("--flops",))
    assert_bad(capsys, "loss", "--params", "1e9", words=("--tokens",))
    assert_bad(capsys, "frobnicate", words=("frobnicate",))
    assert_bad(capsys)
    assert_bad(capsys, "optimal", "--flops", "1e22", "--bogus", "1", words=("--bogus",))


# ----------------------------------------------------------------------------- pass-at-k


def test_pass_at_k_values(capsys):
    code, out, _ = cli(capsys, "pass-at-k", "--n", "10", "--c", "3", "--k", "1", "2", "--json")
    data = json.loads(out)
    assert code == 0
    assert [r["k"] for r in data["results"]] == [1, 2]
    assert data["results"][0]["pass_at_k"] == pytest.approx(0.3, abs=1e-15)
    assert data["results"][1]["pass_at_k"] == pytest.approx(
        1 - math.comb(7, 2) / math.comb(10, 2), abs=1e-15
    )
    code, out, _ = cli(capsys, "pass-at-k", "--n", "10", "--c", "3", "--k", "1", "2")
    assert code == 0 and "0.3" in out and "0.5333" in out


@pytest.mark.parametrize(
    "option,bad",
    [(o, b) for o in ("--n", "--k") for b in ["-1", "0", "nan", "inf", "abc", "1.5", ""]]
    + [("--c", b) for b in ["-1", "nan", "inf", "abc", "1.5", ""]],
)
def test_pass_at_k_bad_integers(capsys, in_tmp, option, bad):
    args = {"--n": "10", "--c": "3", "--k": "2"}
    args[option] = bad
    argv = ["pass-at-k"] + [f"{k}={v}" for k, v in args.items()]
    assert_bad(capsys, *argv, words=(option, "integer"))


def test_pass_at_k_inconsistent(capsys, in_tmp):
    assert_bad(capsys, "pass-at-k", "--n", "10", "--c", "11", "--k", "1", words=("c=11",))
    assert_bad(capsys, "pass-at-k", "--n", "10", "--c", "3", "--k", "11", words=("k=11",))


# ----------------------------------------------------------------------------- fit


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def synthetic_rows(n: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points from Hoffmann's rounded law (E 1.69, A 406.4, B 410.7, alpha 0.34, beta 0.28)
    with 0.2 % multiplicative noise."""
    rng = np.random.default_rng(seed)
    N = 10 ** rng.uniform(7.5, 10.5, n)
    D = 10 ** rng.uniform(9, 12, n)
    L = (1.69 + 406.4 / N**0.34 + 410.7 / D**0.28) * np.exp(rng.normal(0, 0.002, n))
    return N, D, L


def test_read_fit_csv_tokens_and_flops(tmp_path):
    p = write(tmp_path / "a.csv", "params,tokens,loss\n1e9,2e10,2.5\n2e9, 4e10 ,2.4\n")
    N, D, L = read_fit_csv(p)
    assert N.tolist() == [1e9, 2e9] and D.tolist() == [2e10, 4e10] and L.tolist() == [2.5, 2.4]
    p = write(tmp_path / "b.csv", "loss,flops,params\n2.5,1.2e20,1e9\n")
    N, D, L = read_fit_csv(p)
    assert D[0] == pytest.approx(1.2e20 / (6 * 1e9)) and L[0] == 2.5


@pytest.mark.slow
def test_fit_recovers_hoffmann_constants(capsys, tmp_path):
    """A fit to noiseless-ish synthetic Hoffmann data recovers alpha and beta (runs 4,500 starts)."""
    N, D, L = synthetic_rows()
    lines = ["params,tokens,loss"] + [
        f"{n},{d},{v}" for n, d, v in zip(N.tolist(), D.tolist(), L.tolist(), strict=True)
    ]
    p = write(tmp_path / "runs.csv", "\n".join(lines) + "\n")
    code, out, err = cli(capsys, "fit", p, "--bootstrap", "0", "--json")
    assert code == 0, err
    data = json.loads(out)
    # the CLI reports the engine's flags as JSON booleans/ints; many of the 4,500 starts agree
    assert isinstance(data["converged"], bool) and isinstance(data["interior"], bool)
    assert data["interior"] is True and data["n_starts"] == 4500 and 0 <= data["n_reached"] <= 4500
    assert data["alpha"] == pytest.approx(0.34, abs=0.03)
    assert data["beta"] == pytest.approx(0.28, abs=0.03)
    assert data["E"] == pytest.approx(1.69, abs=0.1)
    assert data["intervals"] == {} and data["n_boot"] == 0
    assert data["n_points"] == 16


@pytest.mark.slow
def test_fit_with_bootstrap_intervals(capsys, tmp_path):
    N, D, L = synthetic_rows(seed=1)
    lines = ["params,tokens,loss"] + [
        f"{n},{d},{v}" for n, d, v in zip(N.tolist(), D.tolist(), L.tolist(), strict=True)
    ]
    p = write(tmp_path / "runs.csv", "\n".join(lines) + "\n")
    code, out, err = cli(capsys, "fit", p, "--bootstrap", "20", "--seed", "3", "--json")
    assert code == 0, err
    data = json.loads(out)
    for name in ("E", "A", "B", "alpha", "beta"):
        lo, hi = data["intervals"][name]
        assert lo <= hi
        assert data["std_err"][name] >= 0
    lo, hi = data["intervals"]["alpha"]
    assert lo - 0.05 <= 0.34 <= hi + 0.05
    assert data["n_boot"] == 20 and data["seed"] == 3 and data["level"] == 0.95
    assert 0 <= data["n_converged"] <= 20
    # allocation exponents a = beta/(alpha+beta), b = alpha/(alpha+beta) (Hoffmann et al. eq 4)
    a = data["allocation_exponents"]["a"]
    assert a == pytest.approx(data["beta"] / (data["alpha"] + data["beta"]))
    assert data["intervals"]["a"][0] <= a <= data["intervals"]["a"][1]
    # one name for one thing: the log coefficients are log_E/log_A/log_B, never a bare "a"/"b"
    assert "a" not in data and "b" not in data and "e" not in data
    for name in ("E", "A", "B"):
        assert data[f"log_{name}"] == pytest.approx(math.log(data[name]), rel=1e-12)
    # same seed, same output (deterministic)
    code, again, _ = cli(capsys, "fit", p, "--bootstrap", "20", "--seed", "3", "--json")
    assert again == out
    code, text, _ = cli(capsys, "fit", p, "--bootstrap", "20", "--seed", "3")
    assert code == 0 and "alpha" in text and "converged" in text


FIT_BAD_FILES = {
    "empty": ("", ("empty",)),
    "header_only": ("params,tokens,loss\n", ("no data rows",)),
    "missing_column": ("params,loss\n1e9,2.5\n", ("missing column", "tokens")),
    "missing_loss": ("params,tokens\n1e9,2e10\n", ("missing column", "loss")),
    "malformed": ("params,tokens,loss\n1e9,2e10,2.5\n1e9,2e10,2.5,7,8\n", ("malformed",)),
    "non_numeric": ("params,tokens,loss\n1e9,2e10,2.5\n1e9,abc,2.4\n", ("'tokens'", "line 3")),
    "nan": ("params,tokens,loss\n1e9,2e10,nan\n", ("'loss'", "line 2")),
    "inf": ("params,tokens,loss\ninf,2e10,2.5\n", ("'params'",)),
    "negative": ("params,tokens,loss\n1e9,2e10,-2.5\n", ("'loss'", "positive")),
    "zero": ("params,flops,loss\n0,2e20,2.5\n", ("'params'", "positive")),
    "empty_cell": ("params,tokens,loss\n1e9,,2.5\n", ("'tokens'", "empty")),
    "short_row": ("params,tokens,loss\n1e9,2e10\n", ("'loss'",)),
    "too_few_points": ("params,tokens,loss\n1e9,2e10,2.5\n2e9,3e10,2.4\n", ("at least",)),
}


@pytest.mark.parametrize("case", sorted(FIT_BAD_FILES))
def test_fit_bad_files(capsys, in_tmp, case):
    text, words = FIT_BAD_FILES[case]
    p = write(in_tmp / f"{case}.csv", text)
    assert_bad(capsys, "fit", p, "--bootstrap", "0", words=words)


def test_fit_binary_file_and_missing_file(capsys, in_tmp):
    p = in_tmp / "bin.csv"
    p.write_bytes(b"\xff\xfe\x00\x81garbage\x00\n\x9c")
    assert_bad(capsys, "fit", p)
    assert_bad(capsys, "fit", in_tmp / "nope.csv", words=("file not found",))
    assert_bad(capsys, "fit", in_tmp, words=("not a file",))


@pytest.mark.parametrize("option", ["--bootstrap", "--seed"])
@pytest.mark.parametrize("bad", ["-1", "nan", "inf", "abc", "1.5", ""])
def test_fit_bad_integer_options(capsys, in_tmp, option, bad):
    p = write(in_tmp / "ok.csv", "params,tokens,loss\n1e9,2e10,2.5\n")
    assert_bad(capsys, "fit", p, f"{option}={bad}", words=(option,))


def test_read_fit_csv_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError):
        read_fit_csv(write(tmp_path / "x.csv", "a,b\n1,2\n"))


# ----------------------------------------------------------------------------- data


@pytest.fixture
def mirror(monkeypatch):
    monkeypatch.setenv("SCALINGLAWS_DATA_MIRROR", str(MIRROR))


def test_data_list(capsys, mirror):
    code, out, _ = cli(capsys, "data", "list", "--json")
    names = [r["name"] for r in json.loads(out)]
    assert code == 0
    assert "o1_aime_reconstruction" in names and "pythia_fewshot" in names and len(names) == 12
    assert names[-2:] == ["dclm_curation", "goyal_data_filtering"]
    code, out, _ = cli(capsys, "data", "list")
    assert code == 0 and "datablations_muennighoff" in out


def test_data_info(capsys, mirror):
    code, out, _ = cli(capsys, "data", "info", "o1_aime_reconstruction", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["name"] == "o1_aime_reconstruction" and data["n_files"] == 2
    assert {f["path"] for f in data["files"]} == {
        "results_log_just_ask_nicely.json",
        "results_log_majority_vote.json",
    }
    code, out, _ = cli(capsys, "data", "info", "o1_aime_reconstruction")
    assert code == 0 and "hughbzhang" in out


def test_data_info_unknown(capsys, in_tmp, mirror):
    assert_bad(capsys, "data", "info", "no_such_data", words=("no_such_data",))
    assert_bad(capsys, "data", "verify", "no_such_data", words=("no_such_data",))
    assert_bad(capsys, "data", "info")
    assert_bad(capsys, "data")


def test_data_verify_ok(capsys, mirror):
    code, out, err = cli(capsys, "data", "verify", "o1_aime_reconstruction")
    assert code == 0 and err == ""
    assert out.strip() == "all 2 files of 1 data set(s) match the registry sha256"
    code, out, _ = cli(capsys, "data", "verify", "o1_aime_reconstruction", "--json")
    data = json.loads(out)
    assert data["ok"] is True and data["n_files"] == 2


def test_data_verify_mismatch(capsys, tmp_path, monkeypatch):
    src = MIRROR / "o1_aime_reconstruction"
    shutil.copytree(src, tmp_path / "o1_aime_reconstruction")
    target = tmp_path / "o1_aime_reconstruction" / "results_log_majority_vote.json"
    target.write_bytes(target.read_bytes() + b" ")
    monkeypatch.setenv("SCALINGLAWS_DATA_MIRROR", str(tmp_path))
    import hashlib

    actual = hashlib.sha256(target.read_bytes()).hexdigest()
    expected = hashlib.sha256((src / "results_log_majority_vote.json").read_bytes()).hexdigest()
    line = assert_bad(
        capsys,
        "data",
        "verify",
        "o1_aime_reconstruction",
        words=("results_log_majority_vote.json", expected, actual, "mismatch"),
    )
    assert "just_ask_nicely" not in line


def test_data_verify_missing_offline(capsys, tmp_path, monkeypatch):
    """No mirror copy and no cached copy: the (offline) download fails -> one line, exit 2."""
    (tmp_path / "mirror").mkdir()
    monkeypatch.setenv("SCALINGLAWS_DATA_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setenv("SCALINGLAWS_DATA_CACHE", str(tmp_path / "cache"))
    assert_bad(
        capsys,
        "data",
        "verify",
        "o1_aime_reconstruction",
        words=("o1_aime_reconstruction", "SCALINGLAWS_DATA_MIRROR"),
    )


# ----------------------------------------------------------------------------- run


@pytest.fixture
def toy_chapter(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("seed = 42\nn_boot = 1000\n")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("print('seed', seed, 'n_boot', n_boot)")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "src_nb" / "toy.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, str(path))
    chapter = Chapter(
        "toy",
        "Toy",
        path,
        (Param("seed", int, 42, min=0), Param("n_boot", int, 1000, min=10, max=20000)),
    )
    monkeypatch.setitem(chapters.CHAPTERS, "toy", chapter)
    return chapter


def test_run_executes_chapter(capsys, toy_chapter, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = cli(capsys, "run", "toy", "-p", "seed", "7", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data == {
        "chapter": "toy",
        "output": str(work / "toy.out.ipynb"),
        "parameters": {"seed": 7, "n_boot": 1000},
    }
    executed = nbformat.read(str(work / "toy.out.ipynb"), as_version=4)
    texts = [o.get("text", "") for c in executed.cells for o in c.get("outputs", [])]
    assert "seed 7 n_boot 1000\n" in texts


@pytest.mark.parametrize(
    "params,words",
    [
        (["-p", "nope", "1"], ("no parameter 'nope'",)),
        (["-p", "seed", "abc"], ("'seed'", "integer")),
        (["-p", "seed", "1.5"], ("'seed'",)),
        (["-p", "seed", "-1"], ("'seed'", ">= 0")),
        (["-p", "n_boot", "5"], ("'n_boot'", "[")),
        (["-p", "n_boot", "nan"], ("'n_boot'",)),
        (["-p", "seed", "1", "-p", "seed", "2"], ("twice",)),
        (["-p", "seed"], ("-p",)),
    ],
)
@pytest.mark.parametrize("chapter", ["toy", "kaplan"])
def test_run_bad_parameters_write_nothing(capsys, in_tmp, toy_chapter, chapter, params, words):
    assert_bad(capsys, "run", chapter, *params, "-o", in_tmp / "out.ipynb", words=words)
    assert_bad(capsys, "run", chapter, *params, words=words)
    assert not (in_tmp / "out.ipynb").exists()


def test_run_message_names_range(capsys, in_tmp, toy_chapter):
    assert_bad(capsys, "run", "toy", "-p", "n_boot", "5", words=("'toy'", "[10, 20000]", "'5'"))


def test_run_unknown_chapter(capsys, in_tmp):
    assert_bad(capsys, "run", "chapter-99", words=("unknown chapter", "chapter-99", "kaplan"))


def test_run_without_a_book_is_one_line_and_other_commands_still_work(
    capsys, tmp_path, monkeypatch
):
    """Outside the book (no _toc.yml upward, SCALINGLAWS_BOOK_ROOT wrong) `run` says so in one
    line, exit 2; commands that need no book are unaffected."""
    monkeypatch.setenv(chapters.BOOK_ROOT_ENV, str(tmp_path))
    monkeypatch.setattr(chapters.CHAPTERS, "_data", None)
    assert_bad(capsys, "run", "kaplan", words=("SCALINGLAWS_BOOK_ROOT", "not the book's root"))
    code, out, err = cli(capsys, "optimal", "--flops", "1e23", "--json")
    assert code == 0 and err == "" and json.loads(out)["flops"] == 1e23


def test_run_validates_real_chapter_parameters(capsys, in_tmp):
    allowed = chapters.get_chapter("power-laws").param("n_boot").allowed()
    assert allowed.startswith("an integer in [")
    assert_bad(
        capsys,
        "run",
        "power-laws",
        "-p",
        "n_boot",
        "-5",
        words=("'power-laws'", "'n_boot'", allowed, "got '-5'"),
    )
    assert list(in_tmp.iterdir()) == []


def test_run_refuses_to_overwrite_source(capsys, toy_chapter):
    before = toy_chapter.notebook.read_bytes()
    assert_bad(capsys, "run", "toy", "-o", toy_chapter.notebook, words=("overwrite",))
    assert toy_chapter.notebook.read_bytes() == before


# ----------------------------------------------------------------------------- misc


def test_fmt():
    assert fmt(1.23e10) == "1.23e+10"
    assert fmt(32189859151.37) == "3.219e+10"
    assert fmt(0.3) == "0.3"
    assert fmt(92.647) == "92.65"
    assert fmt(7) == "7" and fmt(True) == "yes" and fmt(None) == "-"


def test_output_is_deterministic(capsys):
    first = cli(capsys, "optimal", "--flops", "3e21", "--law", "epoch")
    second = cli(capsys, "optimal", "--flops", "3e21", "--law", "epoch")
    assert first == second and first[0] == 0


def test_help_exits_zero(capsys):
    code, out, _ = cli(capsys, "--help")
    assert code == 0 and "optimal" in out and "pass-at-k" in out


def run_module(*argv, env_extra=None):
    import os

    env = {**os.environ, "SCALINGLAWS_DATA_MIRROR": str(MIRROR), **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "scalinglaws", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


def test_subprocess_success():
    res = run_module("pass-at-k", "--n", "10", "--c", "3", "--k", "1", "2", "--json")
    assert res.returncode == 0 and res.stderr == ""
    assert json.loads(res.stdout)["results"][0]["pass_at_k"] == pytest.approx(0.3)


@pytest.mark.parametrize(
    "argv",
    [
        ["optimal", "--flops", "nan"],
        ["optimal", "--flops", "1e22", "--law", "nope"],
        ["fit", "does_not_exist.csv"],
        ["data", "info", "nope"],
        ["run", "kaplan", "-p", "n_boot", "abc"],
        ["pass-at-k", "--n", "3", "--c", "5", "--k", "1"],
    ],
)
def test_subprocess_errors_are_one_line(argv):
    res = run_module(*argv)
    assert res.returncode == 2
    assert res.stdout == ""
    assert "Traceback" not in res.stderr
    assert len(res.stderr.splitlines()) == 1
    assert res.stderr.startswith("scalinglaws: error: ")
