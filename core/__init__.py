"""Refuge engine: pure Python, no ``qgis`` import anywhere below this package.

Everything here can be used from a plain Python interpreter (tests, notebooks,
batch scripts) and is wrapped by the Processing algorithms in
``refuge.processing``.
"""
