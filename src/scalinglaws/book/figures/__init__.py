"""Figures of the book, one module per chapter, each figure one call (a tested function).

Chapters call these instead of building Altair charts inline; every function returns a
:class:`scalinglaws.book.charts.Figure` (title, caption, alt text, the shared theme).
"""
