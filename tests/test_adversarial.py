"""The adversarial cases of issue 16 as a table, and a hypothesis fuzz test of every subcommand.

Every case runs the command line in-process (``main``) in an empty folder and checks the
README's promise: bad input exits 2 with ONE line ``scalinglaws: error: ...`` on stderr, nothing
on stdout and nothing written; accepted input exits 0 with nothing on stderr. Each row names the
issue item it covers.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scalinglaws import cli, data
from scalinglaws.book import chapters
from scalinglaws.book.chapters import Chapter, Param
from scalinglaws.core.errors import HashMismatchError, InputError
from scalinglaws.core.passk import pass_at_k_scalar
from scalinglaws.data import registry
from scalinglaws.fitting import engine

REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(
    os.environ["SCALINGLAWS_DATA_MIRROR"]
)  # set by conftest.py: ../shared/data by default


def run_cli(capsys, argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code, out, err, words=()):
    assert code == 2, (out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("scalinglaws: error: ") and "Traceback" not in err
    assert len(lines[0]) <= cli.MAX_MESSAGE + 40
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def write_rows(path: Path, N, D, L) -> Path:
    rows = ["params,tokens,loss"] + [
        f"{n!r},{d!r},{v!r}"
        for n, d, v in zip(
            np.asarray(N, float).tolist(),
            np.asarray(D, float).tolist(),
            np.asarray(L, float).tolist(),
            strict=True,
        )
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def law(N, D, E=1.69, A=400.0, B=1500.0, alpha=0.34, beta=0.28):
    return E + A / np.asarray(N) ** alpha + B / np.asarray(D) ** beta


RNG = np.random.default_rng(16)
D40 = np.exp(RNG.uniform(np.log(1e9), np.log(1e12), 40))
N40 = np.exp(RNG.uniform(np.log(1e7), np.log(1e10), 40))
N_TWO = RNG.choice([1e8, 1e9], 40)

# (issue item, data builder, words in the one-line refusal)
REFUSED_FITS = {
    "5_two_sizes": (lambda: (N_TWO, D40, law(N_TWO, D40)), ("2 distinct model sizes",)),
    "6_one_size": (
        lambda: (np.full(40, 1e9), D40, law(np.full(40, 1e9), D40)),
        ("1 distinct model sizes",),
    ),
    "6_one_token_count": (
        lambda: (N40, np.full(40, 1e11), law(N40, np.full(40, 1e11))),
        ("1 distinct token counts",),
    ),
    "6_constant_loss": (lambda: (N40, D40, np.full(40, 2.5)), ("loss is constant",)),
    "8_duplicated_rows": (
        lambda: (np.full(40, 1e9), np.full(40, 1e10), np.full(40, 2.5)),
        ("distinct",),
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED_FITS))
def test_degenerate_fits_are_refused(capsys, in_tmp, case):
    build, words = REFUSED_FITS[case]
    p = write_rows(in_tmp / "d.csv", *build())
    assert_refused(*run_cli(capsys, ["fit", p, "--bootstrap", "50"]), words=words)
    assert sorted(x.name for x in in_tmp.iterdir()) == ["d.csv"]


def test_6_rising_loss_is_not_converged(capsys, in_tmp):
    L = 1.69 + 1e-4 * N40**0.1 + 1e-4 * D40**0.1
    p = write_rows(in_tmp / "r.csv", N40, D40, L)
    code, out, err = run_cli(capsys, ["fit", p, "--bootstrap", "0", "--json"])
    assert code == 0 and err == ""
    res = json.loads(out)
    assert res["converged"] is False and res["loss_falls_with_scale"] is False
    assert any("does not fall" in c for c in res["caveats"])
    code, out, err = run_cli(capsys, ["fit", p, "--bootstrap", "0"])
    assert "converged                " in out and "no: " in out


def test_17_noise_fit_is_quiet_and_flags_what_it_cannot_identify(capsys, in_tmp):
    L = np.random.default_rng(0).uniform(2, 3, 40)
    p = write_rows(in_tmp / "n.csv", N40, D40, L)
    code, out, err = run_cli(capsys, ["fit", p, "--bootstrap", "100", "--json"])
    assert code == 0 and err == ""  # no RuntimeWarning on stderr
    res = json.loads(out)
    assert res["converged"] is False
    for name in res["not_identified"]:
        assert res["intervals"][name] is None and res["std_err"][name] is None
    assert res["n_restarted"] == 10 and 0 <= res["n_left_basin"] <= 10


def test_17_exact_data_report_starts_reaching_the_optimum(capsys, in_tmp):
    p = write_rows(in_tmp / "e.csv", N40, D40, law(N40, D40))
    code, out, err = run_cli(capsys, ["fit", p, "--bootstrap", "0", "--json"])
    assert code == 0 and err == ""
    res = json.loads(out)
    assert res["n_reached"] > 0 and res["converged"] is True and res["not_identified"] == []
    assert res["alpha"] == pytest.approx(0.34, rel=1e-6)


# ------------------------------------------------------------------------ bad command lines

BAD_ARGV = [
    # item 7 and 10: budgets outside [1e6, 1e35] FLOP, counts outside [1, 1e30]
    (["optimal", "--flops", "1e308", "--unique-tokens", "1e308"], ("--flops", "1e+35")),
    (["optimal", "--flops", "1e-323"], ("--flops",)),
    (["optimal", "--flops", "5e-324"], ("--flops",)),
    (["optimal", "--flops", "1e22", "--unique-tokens", "5e-324"], ("--unique-tokens",)),
    (["loss", "--params", "5e-324", "--tokens", "1e12"], ("--params",)),
    (["loss", "--params", "1e9", "--tokens", "1e31"], ("--tokens",)),
    # item 11: counts beyond 2**53
    (
        ["pass-at-k", "--n", "10000000000000000000", "--c", "1", "--k", "1"],
        ("--n", "9007199254740992"),
    ),
    (["pass-at-k", "--n", "9" * 5000, "--c", "1", "--k", "1"], ("--n",)),
    # item 12: bootstrap caps
    (["fit", "x.csv", "--bootstrap", "100000"], ("--bootstrap", "20000")),
    # item 16: empty law, negative numbers as separate arguments
    (["optimal", "--flops", "1e22", "--law", ""], ("--law", "must name a law")),
    (["loss", "--params", "1e9", "--tokens", "1e12", "--law", ""], ("--law",)),
    (["optimal", "--flops", "-1e23"], ("--flops", "-1e23")),
    (["loss", "--params", "1e9", "--tokens", "-inf"], ("--tokens", "-inf")),
    (["loss", "--params", "-1.5e-3", "--tokens", "1e12"], ("--params",)),
    (["optimal", "--flops", "1e22", "--law", "x" * 10_000], ("--law",)),
    # item 14: string parameters validated before anything runs
    (["run", "gpt-series", "-p", "trend_start", "banana"], ("trend_start", "date")),
    (["run", "gpt-series", "-p", "trend_start", "2024-02-30"], ("trend_start", "date")),
    (["run", "gpt-series", "-p", "trend_start", "2030-01-01"], ("before",)),
    (["run", "what-next", "-p", "wall_end", "yesterday"], ("wall_end",)),
    (["run", "kaplan", "-p", "__import__('os').system('touch pwned')", "1"], ("no parameter",)),
    # items 1 and 2: outputs inside the book are refused
    (["run", "kaplan", "-o", REPO / "chapters" / "03_gpt_series.ipynb"], ("refusing",)),
    (["run", "kaplan", "-o", REPO / "chapters" / "new.ipynb"], ("refusing", "chapters")),
    (["run", "kaplan", "-o", REPO / "book" / "x.ipynb"], ("refusing",)),
    (["run", "kaplan", "-o", REPO / "chapters" / ".." / "chapters" / "x.ipynb"], ("refusing",)),
]


@pytest.mark.parametrize("argv,words", BAD_ARGV, ids=lambda v: str(v)[:40])
def test_bad_command_lines(capsys, in_tmp, argv, words):
    # refused before anything runs or is written (chapters are not compared byte for byte:
    # other sessions may re-execute them meanwhile)
    assert_refused(*run_cli(capsys, argv), words=words)
    assert list(in_tmp.iterdir()) == []
    assert not (REPO / "chapters" / "new.ipynb").exists()
    assert not (REPO / "chapters" / "x.ipynb").exists()
    assert not (REPO / "book" / "x.ipynb").exists()


def test_1_2_hard_and_symbolic_links_to_a_chapter_are_refused(capsys, in_tmp):
    nb = REPO / "chapters" / "02_kaplan.ipynb"
    inode = nb.stat().st_ino
    try:
        os.link(nb, in_tmp / "hl.ipynb")
    except OSError:
        pytest.skip("hard links across these file systems are not possible")
    os.symlink(REPO / "chapters" / "03_gpt_series.ipynb", in_tmp / "sl.ipynb")
    code, out, err = run_cli(capsys, ["run", "kaplan", "-p", "seed", "7", "-o", "hl.ipynb"])
    assert_refused(code, out, err, words=("same file", "kaplan"))
    code, out, err = run_cli(capsys, ["run", "kaplan", "-o", "sl.ipynb"])
    assert_refused(code, out, err, words=("refusing",))
    assert nb.stat().st_ino == inode and (in_tmp / "hl.ipynb").stat().st_ino == inode


# ------------------------------------------------------------------------ runs (toy chapter)


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """A two-cell chapter; ``fail`` true makes the second cell raise."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("seed = 42\nfail = False\n")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("assert not fail, 'boom\\n' * 50\nprint(seed)")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "src_nb" / "toy.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, str(path))
    chapter = Chapter(
        "toy", "Toy", path, (Param("seed", int, 42, min=0), Param("fail", bool, False))
    )
    monkeypatch.setitem(chapters.CHAPTERS, "toy", chapter)
    return chapter


def test_13_1_failed_run_writes_nothing_and_success_is_quiet(capfd, in_tmp, toy):
    existing = in_tmp / "keep.ipynb"
    existing.write_text("precious")
    code = cli.main(["run", "toy", "-p", "fail", "true", "-o", str(existing)])
    out, err = capfd.readouterr()
    assert_refused(code, out, err, words=("failed in cell", "AssertionError"))
    assert existing.read_text() == "precious"  # a failed run leaves the old file untouched
    assert sorted(p.name for p in in_tmp.iterdir()) == ["keep.ipynb"]  # no temporary left
    code = cli.main(["run", "toy", "-p", "seed", "7", "-o", "ok.ipynb"])
    out, err = capfd.readouterr()
    assert code == 0 and err == "", err  # item 13: no kernel "TCP without encryption" line
    assert sorted(p.name for p in in_tmp.iterdir()) == ["keep.ipynb", "ok.ipynb"]
    assert (in_tmp / "ok.ipynb").stat().st_mode & 0o777 != 0o600


# ------------------------------------------------------------------------ files (item 15)


def test_15_huge_sparse_and_binary_files_are_refused_at_once(capsys, in_tmp):
    big = in_tmp / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(cli.MAX_CSV_BYTES + 1)
    t = time.perf_counter()
    assert_refused(*run_cli(capsys, ["fit", big]), words=("bytes", "at most"))
    assert time.perf_counter() - t < 5
    big.unlink()
    nul = in_tmp / "nul.csv"
    nul.write_bytes(b"params,tokens,loss\n" + b"\x00" * 100_000)
    assert_refused(*run_cli(capsys, ["fit", nul]), words=("NUL",))


def test_15_a_huge_cell_is_not_quoted_whole(capsys, in_tmp):
    p = in_tmp / "cell.csv"
    p.write_text("params,tokens,loss\n" + "x" * 10_000_000 + ",1e10,2.5\n")
    code, out, err = run_cli(capsys, ["fit", p])
    assert_refused(code, out, err, words=("'params'",))
    assert len(err) < 400


def test_15_too_many_rows(capsys, in_tmp):
    p = in_tmp / "rows.csv"
    p.write_text("params,tokens,loss\n" + "1e9,1e10,2.5\n" * (cli.MAX_FIT_ROWS + 1))
    assert_refused(*run_cli(capsys, ["fit", p]), words=("rows",))


def test_12_bootstrap_points_cap(capsys, in_tmp):
    n = 10_000
    N = np.exp(np.linspace(np.log(1e7), np.log(1e10), n))
    D = np.exp(np.linspace(np.log(1e12), np.log(1e9), n))
    p = write_rows(in_tmp / "many.csv", N, D, law(N, D))
    assert_refused(*run_cli(capsys, ["fit", p, "--bootstrap", "20000"]), words=("at most",))


# ------------------------------------------------------------------------ environment (item 9)


@pytest.mark.parametrize("value", ["100000", "50000", "3000000000", "0", "-3", "lots"])
def test_9_threads_are_capped(monkeypatch, value):
    monkeypatch.setenv("SCALINGLAWS_THREADS", value)
    with pytest.raises(InputError, match="SCALINGLAWS_THREADS") as ei:
        engine.threads()
    assert "\n" not in str(ei.value)


def test_9_threads_cap_through_the_cli(capsys, in_tmp, monkeypatch):
    if engine.engine() != "native":
        pytest.skip("SCALINGLAWS_THREADS is read only by the native engine")
    p = write_rows(in_tmp / "e.csv", N40, D40, law(N40, D40))
    monkeypatch.setenv("SCALINGLAWS_THREADS", "100000")
    assert_refused(*run_cli(capsys, ["fit", p, "--bootstrap", "0"]), words=("at most",))


# ------------------------------------------------------------------------ pass@k (item 11)


def test_11_pass_at_k_with_huge_n_needs_no_array(capsys):
    t = time.perf_counter()
    code, out, err = run_cli(
        capsys, ["pass-at-k", "--n", "100000000000", "--c", "50000000000", "--k", "1", "--json"]
    )
    assert code == 0 and err == ""
    assert json.loads(out)["results"][0]["pass_at_k"] == pytest.approx(0.5, abs=1e-15)
    assert time.perf_counter() - t < 10


# ------------------------------------------------------------------------ data (items 3, 16)


def test_3_pickle_swapped_after_verification_is_never_unpickled(tmp_path, monkeypatch):
    root = tmp_path / "mirror"
    shutil.copytree(MIRROR / "porian_compute_optimal", root / "porian_compute_optimal")
    monkeypatch.setenv(registry.MIRROR_ENV, str(root))
    data._parse_cached.cache_clear()
    data.load("porian_compute_optimal", "fit_results")  # verifies and caches the hash
    target = root / "porian_compute_optimal" / "summary_df.pickle.xz"
    st = target.stat()
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # same size ...
    target.write_bytes(bytes(raw))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # ... and the mtime restored
    data._parse_cached.cache_clear()

    def forbidden(*args, **kwargs):
        pytest.fail("pandas.read_pickle called on bytes that did not match the registry")

    monkeypatch.setattr(data.pd, "read_pickle", forbidden)
    with pytest.raises(HashMismatchError, match="not unpickled"):
        data.load("porian_compute_optimal", "fit_results")
    data._parse_cached.cache_clear()


def test_16_offline_error_is_not_cut_mid_word():
    text = "HTTPSConnectionPool(host='raw.githubusercontent.com', port=443): Max retries " * 3
    clipped = registry._clip(text, 120)
    assert len(clipped) <= 124 and clipped.endswith(" ...")
    body = clipped[:-4]
    assert text.startswith(body) and text[len(body)] in " ,;:("  # cut between words


# ------------------------------------------------------------------------ the fuzz test

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1e22", "1e9", "1e12", "-0", "1e-323", "1e308", "nan", "-inf", "10", "3"]),
)
_VALUE = st.one_of(_NUMBER, _TEXT)


def _argv_for(command: str, values: list[str], extra: list[str]) -> list[str]:
    v = [*values, "1", "1", "1"]
    forms = {
        "optimal": ["optimal", "--flops", v[0]] + (["--unique-tokens", v[1]] if extra else []),
        "loss": ["loss", "--params", v[0], "--tokens", v[1], "--law", v[2]],
        "pass-at-k": ["pass-at-k", "--n", v[0], "--c", v[1], "--k", v[2]],
        "fit": ["fit", "f.csv", "--bootstrap", v[0], "--seed", v[1]],
        "data-info": ["data", "info", v[0]],
        "data-verify": ["data", "verify", v[0]],
        "data-list": ["data", "list"],
        "run": ["run", v[0], "-p", v[1], v[2]],
        "run-kaplan": ["run", "kaplan", "-p", v[0], v[1], "-o", v[2]],
    }
    return forms[command] + extra


@pytest.fixture
def fake_papermill(monkeypatch):
    """Execute nothing: copy the notebook (a valid run must not take minutes in a fuzz test)."""
    import papermill

    def execute_notebook(src, dst, **kwargs):
        shutil.copyfile(src, dst)

    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    command=st.sampled_from(
        [
            "optimal",
            "loss",
            "pass-at-k",
            "fit",
            "data-info",
            "data-verify",
            "data-list",
            "run",
            "run-kaplan",
        ]
    ),
    values=st.lists(_VALUE, min_size=3, max_size=3),
    extra=st.lists(st.sampled_from(["--json", "--bogus", "-p", "--law", "x"]), max_size=2),
    csv=st.one_of(st.binary(max_size=200), _TEXT.map(str.encode)),
)
def test_fuzz_every_subcommand(
    capsys, tmp_path_factory, monkeypatch, fake_papermill, command, values, extra, csv
):
    monkeypatch.setenv(registry.MIRROR_ENV, str(MIRROR))
    cwd = tmp_path_factory.mktemp("fuzz")
    monkeypatch.chdir(cwd)
    (cwd / "f.csv").write_bytes(csv)
    argv = _argv_for(command, values, extra)
    if command == "fit" and argv[3].strip().isdigit() and int(argv[3]) > 50:
        argv[3] = "50"  # bounded time: the cap itself is tested above
    before = {p.name for p in cwd.iterdir()}
    t = time.perf_counter()
    code, out, err = run_cli(capsys, argv)
    elapsed = time.perf_counter() - t
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err
    assert len(err.splitlines()) <= 3, err
    if code == 2:
        assert err.startswith("scalinglaws: error: ") and len(err.splitlines()) == 1
        assert {p.name for p in cwd.iterdir()} == before, argv  # nothing written on failure
    else:
        assert err == ""
    assert elapsed < 60, (argv, elapsed)
    # bounded memory: the whole process stays well under 3 GB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 3_000_000


# ------------------------------------------------------------------------ pass@k closed form


@pytest.mark.parametrize(
    "n,c,k", [(10, 3, 2), (200, 13, 10), (5000, 4999, 1), (1000, 0, 5), (1000, 10, 991)]
)
def test_passk_matches_exact_binomials(n, c, k):
    import math

    assert pass_at_k_scalar(n, c, k) == pytest.approx(
        1 - math.comb(n - c, k) / math.comb(n, k), abs=1e-14
    )


def test_passk_euler_maclaurin_tail_matches_the_exact_sum(monkeypatch):
    from scalinglaws.core import passk

    exact = passk._log1p_sum(3e6, 3_000_005, 11_000_005)
    monkeypatch.setattr(passk, "EXACT_TERMS", 100_000)
    assert passk._log_ratio(3e6, 3_000_005, 11_000_005) == pytest.approx(exact, rel=1e-13)
