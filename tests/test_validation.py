"""The shared input check turns every kind of bad input into one line naming the argument."""

import numpy as np
import pytest

from scalinglaws.errors import InputError
from scalinglaws.validation import positive_array


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
