"""Scaling Laws, Reproduced: the shared library behind the executable book.

Units used throughout (see README):

* ``N`` parameters (each function says whether embeddings count),
* ``D`` training tokens,
* ``C`` training compute in FLOP (``C ≈ 6·N·D``),
* loss ``L`` in nats per token.

Upper-case names are linear quantities, lower-case names their natural logs;
``alpha`` and ``beta`` are always exponents.
"""

__version__ = "0.1.0"


def _quiet_tqdm_import() -> None:
    """Import ``tqdm.auto`` once with its ipywidgets warning silenced.

    pooch (and our bootstrap progress bars) import ``tqdm.auto``; inside a Jupyter kernel without ipywidgets
    it prints "IProgress not found" to stderr at import time, which would fail the book build. The book never
    shows progress bars, so the warning carries no information here.
    """
    import warnings

    try:
        from tqdm import TqdmWarning
    except ImportError:  # tqdm is a dependency; nothing to do without it
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)
        import tqdm.auto  # noqa: F401


_quiet_tqdm_import()
