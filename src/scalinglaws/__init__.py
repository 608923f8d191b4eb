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
