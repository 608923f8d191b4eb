"""Exceptions with one-line, user-facing messages.

Every error the library raises on bad input is a :class:`ScalingLawsError`
whose ``str()`` is a single line naming the problem; the command line prints
exactly that line (prefixed with ``scalinglaws: error:``) and exits with code 2.
"""

from __future__ import annotations


class ScalingLawsError(Exception):
    """Base class: bad input or bad data, reported as one line, never a traceback."""

    def __init__(self, message: str) -> None:
        # Keep the message on one line whatever the caller passed in.
        super().__init__(" ".join(str(message).split()))


class InputError(ScalingLawsError, ValueError):
    """An argument is invalid (negative, zero, NaN, inf, non-numeric, unknown name...)."""


class ParameterError(InputError):
    """A chapter parameter (papermill) has an unknown name, wrong type or out-of-range value."""


class DataError(ScalingLawsError):
    """A data set cannot be provided."""


class UnknownDatasetError(DataError, KeyError):
    """The data set name is not in the registry."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0] if self.args else ""


class MissingDataError(DataError):
    """A raw file is neither in the mirror nor downloadable."""


class HashMismatchError(DataError):
    """A raw file's sha256 differs from the registry."""
