"""Benchmark Refuge's OSM .pbf extraction against the tools a user would otherwise use.

Cases, each run on every input file:

* ``refuge``: the engine, ``refuge.core.osm.extract.extract_pbf`` with all themes,
  in a fresh Python process (``python bench/osm_extract --engine PBF GPKG``);
* ``qgis``: the same algorithm end to end through
  ``scripts/qgis_process run refuge:osm_extract_pbf`` (QGIS start-up included;
  start-up alone is measured separately so the table can show the net time);
* ``gdal``: ``ogr2ogr -f GPKG out.gpkg in.pbf``, GDAL's OSM driver with its
  default layers (what QGIS uses when a .pbf is opened, and what QuickOSM's
  file reader relies on);
* ``osmium``: ``osmium tags-filter`` on Refuge's theme keys, then
  ``osmium export`` to GeoJSON text sequence, both steps reported together.

How it measures: every single run goes through a fresh probe process
(``bench/harness/probe.py``) that starts the case's command(s) as its children,
times them with ``time.perf_counter`` and then reads
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, so that each figure is that
run's own peak (largest process among the case's commands and their children).

Usage (``bench/run.sh osm`` passes the input files)::

    PYTHONPATH=build/pythonpath .venv/bin/python bench/osm_extract [--repeat N] PBF...

Prints a Markdown section and writes it into bench/RESULTS.md between the
markers of this benchmark, leaving any other section untouched.
"""
