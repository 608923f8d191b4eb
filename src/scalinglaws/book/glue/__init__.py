"""Glue per chapter: the numbers and data-chosen sentences each chapter's prose inserts.

One module per chapter (``glue.power_laws`` for chapter 1, …). A function here takes the chapter's results
(fits, tables, intervals), formats them with :mod:`scalinglaws.book`'s rules and glues them under the names
the chapter's prose uses, so a chapter's hidden glue cells are one call each.
"""
