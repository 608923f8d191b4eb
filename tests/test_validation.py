"""The shared input checks turn every kind of bad input into one line naming the argument."""

import numpy as np
import pytest

from scalinglaws.errors import InputError
from scalinglaws.validation import (
    confidence_level,
    finite_array,
    finite_real,
    int_at_least,
    positive_array,
)


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
        ([1.0, 0.0], True, "y must be positive, got np.float64(0.0)"),
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
