"""Hazard definitions and preparation (classified zones, depth rasters)."""
