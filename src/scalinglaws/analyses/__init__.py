"""Analyses: the research results the chapters present (Kaplan refits, reconciliation,
data-constrained scaling, over-training, trends, test-time compute, the canonical law's uncertainty, ...).

May import :mod:`~scalinglaws.core`, :mod:`~scalinglaws.fitting` and :mod:`~scalinglaws.data`.
"""
