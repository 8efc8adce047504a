"""Exposure analysis: what hazard rasters and population grids say about features."""
