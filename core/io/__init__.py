"""Reading and writing geodata files.

Reading: :mod:`.arrays` (the read contract, ``FeatureArrays``), :mod:`.arrow` (a file read with
GDAL's Arrow stream), :mod:`.gdalread`. Writing: :mod:`.columns` (column kinds and coercion),
:mod:`.gpkg` (whole GeoPackages), :mod:`.joined` (an input file plus result columns) on
:mod:`.copies` and :mod:`.sqlite`, :mod:`.jsonfile`, and :mod:`.staging` (all outputs or none).
"""
