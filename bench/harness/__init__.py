"""What every benchmark in ``bench/`` shares, written once.

- ``paths``: where the benchmarks, the checkout and RESULTS.md are;
- ``probe`` (a standalone script, standard library only) and ``processes``: every measured
  command runs under a fresh probe process that reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss``
  once its children have exited, so each figure is that run's own peak;
- ``memory``: RSS readings of the benchmark's own process (peak reset, VmRSS, VmHWM);
- ``load``: other processes' CPU load from ``/proc/stat``, in-process measurement blocks, and the
  one rule for waiting until the machine is idle (see :func:`harness.load.wait_idle`);
- ``machine``: the machine and tool versions stated in every section;
- ``qgis``: a headless QGIS with Processing, and ``qgis_process`` start-up alone;
- ``report``: RESULTS.md sections between markers, number, ratio and verdict formatting;
- ``data``: synthetic data writers (GeoPackage layers, GeoTIFFs, rectangles in metres).

This package imports only the standard library at import time (numpy, GDAL and QGIS inside the
functions that need them): the probe and the geopandas child, which runs in a venv of its own,
import parts of it.
"""
