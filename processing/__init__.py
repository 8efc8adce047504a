"""Refuge's Processing provider and algorithms (thin adapters over ``core``).

This package is ``refuge.processing``; it must never be importable as a
top-level ``processing`` (that name belongs to QGIS's own Processing plugin).
"""
