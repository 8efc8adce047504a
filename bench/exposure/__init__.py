"""Benchmark ``refuge:exposure`` (buildings vs classified hazard polygons) against its peers.

Every case answers the same question on the same synthetic inputs: the highest
hazard class each building touches (0: not exposed), hence the number of
buildings per class. Cases:

* ``refuge``: ``processing.run('refuge:exposure', ...)`` with hazard polygons,
  buildings and 100 aggregation squares, writing the buildings, the units and
  the summary table to GeoPackages and the summary JSON (the whole algorithm);
* ``refuge_memory``: the same with ``TEMPORARY_OUTPUT`` outputs, the
  Processing dialog's default: the buildings then go to a GeoPackage in
  QGIS's temporary folder (Refuge's buildings output takes no memory layer),
  the units and the summary table to memory layers, as the QGIS chains below;
* ``floor``: bare shapely 2, one STRtree bulk query (``predicate='intersects'``)
  and ``numpy.maximum.at``; loading with ``osgeo.ogr`` + ``shapely.from_wkb`` is
  timed apart from the computation;
* ``native``: the fastest chain of QGIS algorithms, ``native:joinattributesbylocation``
  (one-to-many) then ``qgis:statisticsbycategories`` twice (max class per
  building, then buildings per class);
* ``summary``: ``qgis:joinbylocationsummary`` (max of hazard_class);
* ``aggregate``: the chain most users build, ``native:joinattributesbylocation``
  + ``native:aggregate`` (max per building), at 2,000 and 10,000 buildings only;
* ``geopandas``: ``geopandas.sjoin`` + ``groupby().max()``, in its own virtual
  environment (bench/.venv-geopandas, never the project's .venv) and process.

All cases but geopandas run inside ONE QGIS process, in turn, on the same files.
A last step runs Refuge and the floor on 1,000,000 buildings, each in a fresh
process of its own (``bench/exposure --big``) so that its peak memory is its own.

Memory inside the shared process: before each case the process's peak RSS is
reset to its current RSS (``echo 5 > /proc/self/clear_refs``, Linux >= 4.0), then
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is read after the case; the table
shows that peak and its increase over the RSS at the start of the case. Each
case also records the cores other processes used meanwhile (``/proc/stat``
minus this process's CPU time), so that a disturbed run shows.

Refuge's own phases are timed by wrapping some of its functions in memory (no
file of Refuge is changed), and one more run on 100,000 buildings is profiled
with cProfile. The Refuge measured is whatever ``import refuge`` finds on
PYTHONPATH; its commit is recorded with the results.

Usage (``bench/run.sh exposure`` sets PYTHONPATH and the geopandas venv)::

    PYTHONPATH=build/pythonpath .venv/bin/python bench/exposure [--repeat N] [--sizes 2000,10000]
        [--no-big] [--no-geopandas] [--no-profile] [--wait-idle SECONDS]

This package's modules import only the standard library at import time: the geopandas child,
which runs in a venv of its own, imports them.

Prints a Markdown section and writes it into bench/RESULTS.md between the
markers of this benchmark, leaving any other section untouched. Exits with 1 if
the tools disagree on any building.
"""
