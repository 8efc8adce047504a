"""Rasters: reading a band into a grid, and sampling it under points, segments and polygons.

Shared by hazard preparation (depth classes), exposure (depth under buildings, population per
unit) and the network (depth along road sections); see :mod:`.sampling`.
"""
