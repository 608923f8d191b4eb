"""scalinglaws.book.claim: data-dependent sentences, recorded for the re-run tests."""

from __future__ import annotations

import pytest

from scalinglaws import book
from scalinglaws.core.errors import InputError


def test_claim_picks_the_true_branch_and_records_it():
    assert book.claim("rises_demo", 0.3 > 0, "accuracy rises", "accuracy does not rise") == (
        "accuracy rises"
    )
    assert book.CLAIMS["rises_demo"] == (True, "accuracy rises")
    assert book.claim("rises_demo", -0.1 > 0, "accuracy rises", "accuracy does not rise") == (
        "accuracy does not rise"
    )
    assert book.CLAIMS["rises_demo"] == (False, "accuracy does not rise")


@pytest.mark.parametrize(
    "args",
    [
        ("not an id", True, "a", "b"),
        ("x", True, "", "b"),
        ("x", True, "a", None),
    ],
)
def test_claim_bad_input(args):
    with pytest.raises(InputError):
        book.claim(*args)


def test_claim_needs_one_truth_value():
    import numpy as np

    with pytest.raises(InputError, match="single truth value"):
        book.claim("x", np.array([True, False]), "a", "b")
