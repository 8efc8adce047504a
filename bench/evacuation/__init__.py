"""Benchmark ``refuge:evacuation_access`` against networkx, scipy and QGIS's native network tools.

The question: for every household, the walking time (and distance) to the
nearest shelter along the road network, households and shelters snapped onto
the nearest point of the nearest road (not the nearest junction).

Cases, on the Seychelles walk network (OSM, ``../shared/data/osm``) with
100,000 households and 89 shelters:

* ``refuge``: ``scripts/qgis_process run refuge:evacuation_access`` (walk
  profile, GeoPackage outputs, SUMMARY_JSON), the real binary, QGIS start-up
  included; "net" subtracts the start-up measured alone (``qgis_process list``,
  which loads the same providers and plugins);
* ``flood``: the same with a depth raster (DEPTH), so every road segment is
  sampled and cut where too deep to walk;
* ``networkx``: a peer written here with networkx: read the roads (OGR), build
  an undirected graph of the same walkable segments (OSM node ids), snap
  households and shelters onto the nearest segment (shapely STRtree), split
  the shelters' segments with a node per shelter, ``multi_source_dijkstra``
  from all shelters, then each household's time from the two ends of its
  segment;
* ``scipy``: ``scipy.sparse.csgraph.dijkstra(min_only=True)`` on the same
  graph as a CSR matrix: the raw search alone, the floor;
* ``native``: QGIS's ``native:shortestpathlayertopoint`` (fastest, walk speeds
  in a field, WGS 84 ellipsoid), run once per shelter with the households as
  start points, keeping the minimum per household: on a sample (default 1,000
  households x 20 shelters), extrapolated to 100,000 x 89;
* ``scale``: a synthetic city of about 1,000,000 road segments, 1,000,000
  households and 1,000 shelters through ``qgis_process`` end to end.

Every process measured runs under a fresh probe process (``bench/harness/probe.py``)
that reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` after the
child exited: the child's own peak RSS, not inherited from this big process.

Data (seeded, written once to bench/work/evacuation/data, git-ignored): the
extract of the .pbf (``refuge.core.osm.extract.extract_pbf``, roads, shelters
and facilities), the shelters, the households, a synthetic depth raster over
Mahé and the synthetic city.

Usage (``bench/run.sh evacuation [ARGS]``)::

    PYTHONPATH=build/pythonpath .venv/bin/python bench/evacuation [--repeat N]
        [--no-scale] [--native-households N] [--native-shelters N]

Prints a Markdown section and writes it into bench/RESULTS.md between the
markers of this benchmark, leaving any other section untouched. Exits with 1
when Refuge fails or disagrees with the peers beyond the tolerances stated.
"""
