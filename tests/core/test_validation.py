"""The shared input checks turn every kind of bad input into one line naming the argument."""

import numpy as np
import pytest

from scalinglaws.analyses import uncertainty
from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import (
    MIN_RESAMPLES,
    confidence_level,
    finite_array,
    finite_real,
    int_at_least,
    positive,
    positive_array,
    resamples,
    seed,
)
from scalinglaws.fitting import bootstrap, isoflop, powerlaw, significance


def test_accepts_positive_numbers_of_any_shape():
    out = positive_array([[1, 2], [3, 4.5]], "x")
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0, 3.0, 4.5]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (None, "x must be numeric, got None"),
        (True, "x must be numeric, got True"),
        ("12", "x must be numeric, got '12'"),
        (["a", 1], "x must be numeric, got non-numeric values"),
        ([], "x must not be empty"),
        ([1.0, np.nan], "x must be finite, got NaN or inf"),
        ([1.0, np.inf], "x must be finite, got NaN or inf"),
        ([1.0, 0.0], "x must be positive, got 0"),
        ([-2.5, 1.0], "x must be positive, got -2.5"),
    ],
)
def test_rejects_bad_input_with_one_line(values, message):
    with pytest.raises(InputError) as info:
        positive_array(values, "x")
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_finite_array_allows_zero_and_negative_unless_positive():
    out = finite_array([[0, -1.5], [2, 3]], "y")
    assert out.dtype == np.float64 and out.tolist() == [0.0, -1.5, 2.0, 3.0]
    assert finite_array(4, "y", positive=True).tolist() == [4.0]


@pytest.mark.parametrize(
    ("values", "positive", "message"),
    [
        (None, False, "y must be finite numbers, got None"),
        (True, False, "y must be finite numbers, got True"),
        ("12", False, "y must be finite numbers, got '12'"),
        ([], False, "y must not be empty"),
        ([1.0, np.nan], False, "y must be finite numbers, got NaN or inf"),
        ([1.0, -np.inf], False, "y must be finite numbers, got NaN or inf"),
        ([1.0, 0.0], True, "y must be positive, got 0"),
    ],
)
def test_finite_array_rejects_bad_input_with_one_line(values, positive, message):
    with pytest.raises(InputError) as info:
        finite_array(values, "y", positive=positive)
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_finite_array_rejects_non_numeric():
    with pytest.raises(InputError, match=r"^y must be finite numbers, got \['a', 1\]$"):
        finite_array(["a", 1], "y")


def test_finite_real():
    assert finite_real(3, "a") == 3.0 and isinstance(finite_real(3, "a"), float)
    assert finite_real(-0.5, "a") == -0.5
    for bad, message in (
        (True, "a must be a finite number, got True"),
        ("1", "a must be a finite number, got '1'"),
        (float("nan"), "a must be a finite number, got nan"),
        (np.array([1.0]), "a must be a finite number, got array([1.])"),
    ):
        with pytest.raises(InputError) as info:
            finite_real(bad, "a")
        assert str(info.value) == message
    with pytest.raises(InputError, match=r"^a must be positive, got 0$"):
        finite_real(0, "a", positive=True)


def test_int_at_least():
    assert int_at_least(np.int64(10), "n_boot", 10) == 10
    for bad in (9, 10.0, True, "10", None):
        with pytest.raises(InputError, match=r"^n_boot must be an integer >= 10, got "):
            int_at_least(bad, "n_boot", 10)


def test_confidence_level():
    assert confidence_level(0.95) == 0.95 and confidence_level(np.float64(0.5)) == 0.5
    for bad in (0, 1, 1.5, -0.1, True, "0.9", float("nan")):
        with pytest.raises(InputError, match=r"^level must be a number in \(0, 1\), got "):
            confidence_level(bad)


def test_seed_and_resamples():
    assert seed(0) == 0 and seed(np.int64(7)) == 7 and type(seed(np.int64(7))) is int
    for bad in (-1, 1.0, True, "1", None):
        with pytest.raises(InputError, match=r"^seed must be an integer >= 0, got "):
            seed(bad)
    assert MIN_RESAMPLES == 10
    assert resamples(10) == 10 and resamples(0, minimum=0) == 0
    with pytest.raises(InputError, match=r"^n_boot must be an integer >= 10, got 9$"):
        resamples(9)
    with pytest.raises(InputError, match=r"^n_mc must be an integer >= 100, got 99$"):
        resamples(99, "n_mc", minimum=100)


def test_confidence_level_with_a_minimum():
    assert confidence_level(0.5, minimum=0.5) == 0.5
    for bad in (0.49, 1.0, float("nan"), True, "0.9"):
        with pytest.raises(InputError, match=r"^level must be a number in \[0.5, 1\), got "):
            confidence_level(bad, minimum=0.5)
    with pytest.raises(InputError, match=r"^ci must be a number in \(0, 1\), got 2$"):
        confidence_level(2, "ci")


def test_positive_scalar_and_array_share_one_message():
    assert positive(2, "a") == 2.0
    with pytest.raises(InputError, match=r"^a must be positive, got -1$"):
        positive(-1, "a")
    with pytest.raises(InputError, match=r"^a must be positive, got -1$"):
        validation.require_positive(np.array([1.0, -1.0]), "a")
    for check in (positive_array, lambda v, n: finite_array(v, n, positive=True)):
        with pytest.raises(InputError, match=r"^a must be positive, got -1$"):
            check([2.0, -1.0], "a")


X = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
Y = 3.0 * X**-0.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        # the seed: one rule everywhere
        (lambda: uncertainty.law_samples(50, -1), "seed must be an integer >= 0, got -1"),
        (lambda: powerlaw.fit_power_law(X, Y, seed=-1), "seed must be an integer >= 0, got -1"),
        (
            lambda: bootstrap.bootstrap(np.mean, [X], n_boot=5, seed=-1, stat_fn=dict),
            "seed must be an integer >= 0, got -1",
        ),
        # resample counts: the floor each method documents
        (lambda: uncertainty.law_samples(49, 0), "n_boot must be an integer >= 50, got 49"),
        (
            lambda: bootstrap.bootstrap(np.mean, [X], n_boot=1, seed=0, stat_fn=dict),
            "n_boot must be an integer >= 2, got 1",
        ),
        (lambda: powerlaw.fit_power_law(X, Y, n_boot=-1), "n_boot must be an integer >= 0, got -1"),
        (
            lambda: isoflop.ratio_at(X * 1e18, X * 1e9, X * 1e10, [1e18], n_boot=5),
            "n_boot must be an integer >= 10, got 5",
        ),
        # levels
        (
            lambda: powerlaw.fit_power_law(X, Y, level=1.0),
            "level must be a number in (0, 1), got 1.0",
        ),
        (
            lambda: uncertainty.propagate(lambda law: law.E, level=0.4),
            "level must be a number in [0.5, 1), got 0.4",
        ),
        # positivity
        (
            lambda: powerlaw.fit_power_law([1.0, 0.0, 2.0, 3.0], [1.0] * 4),
            "x must be positive, got 0",
        ),
    ],
)
def test_library_functions_use_the_one_checker(call, message):
    with pytest.raises(InputError) as info:
        call()
    assert str(info.value) == message


def test_significance_names_the_non_positive_constant():
    with pytest.raises(InputError, match=r"^B must be positive, got 0.0$"):
        significance.log_vector({"A": 1.0, "B": 0.0, "E": 1.0, "alpha": 0.3, "beta": 0.3})
