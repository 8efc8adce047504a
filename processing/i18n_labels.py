"""Kept for the modules that still import class_label from here: the table is processing/labels.py."""

from .labels import class_label  # noqa: F401
