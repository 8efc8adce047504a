"""Benchmark the depth-raster path of ``refuge:exposure`` against QGIS's zonal statistics and GDAL.

The question every case answers: the maximum flood depth under each building
footprint, hence the number of buildings per depth class. Refuge gives a
footprint the maximum of **every pixel it touches** (GDAL's all-touched rule,
field ``max_depth_m``). Cases:

* ``refuge``: ``processing.run('refuge:exposure', ...)`` with DEPTH (the
  raster), BUILDINGS, BUILDINGS_OUTPUT (a GeoPackage) and SUMMARY_JSON: the
  whole algorithm, reading, sampling and writing included;
* ``zonal``: ``native:zonalstatisticsfb`` with STATISTICS=[6] (max), output to
  a GeoPackage. QGIS counts a pixel when its **centre** is inside the polygon;
  only when fewer than two pixel centres fall inside does it switch to the
  exact intersection with every pixel the polygon overlaps. So its maxima may
  be lower than all-touched ones (never higher) for buildings holding two or
  more pixel centres;
* ``gdal``: the reference for the all-touched rule, ``gdal.RasterizeLayer``
  with ``ALL_TOUCHED=TRUE``, one building at a time, on the raster's own grid
  (Jakarta only; a random sample of the synthetic buildings is also checked).

Data:

1. Jakarta (real): ``../shared/data/hazard/jakarta/jakarta_flood_design.tif``
   (66 x 55 pixels of about 50 m, nodata -9999) and
   ``../shared/data/exposure/jakarta/buildings.shp`` (181 polygons);
2. synthetic: a 10,000 x 10,000 float32 depth raster (EPSG:4326, pixel
   0.00001 degree, about 1.1 m; a smooth random field of depths 0-3 m with dry
   areas and a few nodata discs, tiled DEFLATE GeoTIFF) and rectangles of 5-30 m
   inside it, 100,000 and 1,000,000 of them (GeoPackages, 20 % axis-aligned,
   the rest rotated). Written once in bench/work/raster/data and kept.

Jakarta and 100,000 buildings run inside ONE QGIS process, the cases interleaved.
1,000,000 buildings run each case in a fresh process of its own
(``bench/exposure_raster --big``) started by a small probe process (``bench/harness/probe.py``), so that the
child's ``ru_maxrss`` is its own peak memory (a child started directly by this
big process would inherit this process's peak as its ``ru_maxrss``); zonal statistics
get ``--zonal-timeout`` seconds (default 1,200) there, and when they do not
finish, the table extrapolates the 100,000 case linearly (it works one
feature at a time).

Memory inside the shared process: before each run the process's peak RSS is
reset to its current RSS (``echo 5 > /proc/self/clear_refs``), then
``getrusage(RUSAGE_SELF).ru_maxrss`` is read after the run. Load from other
processes during each run is measured from /proc/stat (busy CPU time of the
machine minus this benchmark's own), in cores; the run is repeated when it is
above 0.3 core.

Usage::

    PYTHONPATH=build/pythonpath .venv/bin/python bench/exposure_raster [--repeat N]
        [--no-big] [--zonal-timeout S] [--sample N]

Prints a Markdown section and writes it into bench/RESULTS.md between the
markers of this benchmark, leaving any other section untouched. Exits with 1
if Refuge disagrees with the GDAL reference or with its own summary.
"""
