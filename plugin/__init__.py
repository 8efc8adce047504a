"""Refuge's GUI: it runs the Processing algorithms, never a second code path."""
