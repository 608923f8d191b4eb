"""Fitting: power laws, isoFLOP parabolas, the Approach-3 objective and its engines (compiled
kernel and numpy), the bootstrap and significance tests. Imports only :mod:`scalinglaws.core`.
"""
