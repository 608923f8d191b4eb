"""Core: the laws, compute-optimal allocation, compute accounting, pass@k and input validation.

Pure functions of published constants and user inputs; imports nothing else from the package.
"""
