"""The evacuation section of bench/RESULTS.md: versions, data, cases, table, checks and notes."""

import platform

from harness.load import DISTURBED_CORES
from harness.machine import git_revision, machine, qgis_version, refuge_version
from harness.processes import summarize_runs as summarize
from harness.report import fmt_n, utc_now, versions_text

from evacuation.checks_text import check_lines
from evacuation.config import (
    ALGORITHM,
    CITY_HOUSEHOLDS,
    CITY_SHELTERS,
    CITY_SIDE,
    CITY_SPACING_M,
    DEPTH_PIXEL,
    HOUSEHOLD_OFFSET_M,
    HOUSEHOLDS,
    NATIVE_CRS,
    PBF,
    SECTION,
    SEED,
    SHELTERS,
    SKIPPED_OUTPUTS,
)
from evacuation.native import native_model
from evacuation.profile import profile_table
from evacuation.table import table


def versions(qgis_version_text, peer_report):
    import numpy
    import pyproj
    import shapely
    from osgeo import gdal

    result = {"Refuge": f"{refuge_version()} ({git_revision()})", "QGIS": qgis_version(qgis_version_text),
              "GDAL": gdal.__version__, "shapely": shapely.__version__, "pyproj": pyproj.__version__,
              "numpy": numpy.__version__}
    if peer_report:
        result["scipy"] = peer_report.get("scipy", "?")
        result["networkx"] = peer_report.get("networkx", "?")
    result["Python"] = platform.python_version()
    return result


def native_text(native, model, net_info):
    """How the native approach is extrapolated to the full set."""
    if not model:
        return ""
    return f"""
- **Extrapolating the native approach**: "per pair" spreads the sample's total time evenly over its
  {fmt_n(native['households'] * native['shelters'])} household-shelter pairs and multiplies by
  {fmt_n(HOUSEHOLDS)} × {SHELTERS} (the issue's method). The two-part model separates a fixed part per
  run (building the graph from the {fmt_n(net_info['ways'])} lines: {model['fixed']:.2f} s, from a run
  with {native['calibration']['starts']} start points) from a part per start point
  ({model['per_start'] * 1000:.2f} ms: snapping it and one Dijkstra search over the whole graph), then
  counts {SHELTERS} runs of
  {fmt_n(HOUSEHOLDS)} start points. Both assume that a run grows linearly with its start points (QGIS runs
  one Dijkstra search over the whole graph per start point), measured here only up to
  {fmt_n(native['households'])} start points per run."""


def data_text(data, scale, peers):
    """The question and the data, as written once to bench/work/evacuation/data."""
    net_info, shelters = data["network"], data["shelter_info"]
    by_category = ", ".join(f"{v} {k.split(':')[1].replace('_', ' ')}"
                            for k, v in shelters["by_category"].items())
    junction_text = ""
    if peers and "junctions" in peers[-1]:
        j = peers[-1]["junctions"]
        junction_text = (f"; the merge done here gives {fmt_n(j['nodes'])} junctions and {fmt_n(j['edges'])} "
                         "edges (a junction row in the table times the searches on it)")
    text = f"""
**Question asked of every tool**: the walking time (and distance) from every household to its nearest
shelter along the road network; households and shelters snap onto the nearest point of the nearest
walkable road segment (not the nearest junction), and the snapping distance is not part of the cost.

**Data** (seeded `{SEED}`, written once to `bench/work/evacuation/data/`, EPSG:4326 GeoPackages):

- Roads: `refuge.core.osm.extract.extract_pbf` of `{PBF.name}` (roads, shelters, facilities). The walk
  network: {fmt_n(net_info['ways'])} walkable ways ({fmt_n(net_info['nodes'])} vertex nodes joined by OSM
  node id, {fmt_n(net_info['segments'])} segments, {net_info['length_km']:.0f} km); Refuge and both peers
  search this
  full vertex graph. The issue counted junctions instead (6 234 junctions, 6 906 edges: degree-2 vertices
  merged into their edges){junction_text}.
- Shelters: {shelters['chosen']} points, a seeded sample of the {shelters['candidates']} shelter-like
  objects of the extract ({by_category}; bus shelters left out): the extract has no natural set of
  exactly {SHELTERS}.
- Households: {fmt_n(HOUSEHOLDS)} points, each at a random position of a walkable segment (segments drawn in
  proportion to their length) moved {HOUSEHOLD_OFFSET_M[0]:.0f}–{HOUSEHOLD_OFFSET_M[1]:.0f} m sideways;
  `population` 1–6.
- Depth raster (flood cut): synthetic coastal flood over Mahé, {DEPTH_PIXEL} degree pixels (≈ 11 m), float32,
  nodata at sea beyond 500 m: depth 1.6 m × exp(−d / 250 m) − 0.35 m + smooth noise (±0.35 m), d the distance
  inland from Mahé's outline (concave hull of its road nodes); dry hills, a flooded coastal strip.
- Scale: a synthetic city, {CITY_SIDE} × {CITY_SIDE} jittered grid junctions {CITY_SPACING_M:.0f} m apart
  ({scale['info']['extent_km'] if scale else '?'} km across), 4 % of the grid segments missing and as many
  footway diagonals,
  streets cut into OSM-like ways (1–20 segments) with `node_ids` (ids above 2³²), `highway`
  residential / secondary / primary / footway, a few oneway; {fmt_n(CITY_HOUSEHOLDS)} households 5–40 m
  beside random segments; {fmt_n(CITY_SHELTERS)} shelters near random junctions."""
    return text[1:]


def cases_text(repeat):
    """What each case runs and how it is measured."""
    text = f"""
**Cases**: Refuge runs through the real `scripts/qgis_process` binary (`run {ALGORITHM} --
ROADS=…|layername=roads HOUSEHOLDS=… SHELTERS=… PROFILE=0 POPULATION_FIELD=population
SHELTER_NAME_FIELD=name` + every output created by default written to a GeoPackage, SUMMARY_JSON to a
file; ROUTES_OUTPUT off, no AGGREGATION), QGIS start-up included; "net" subtracts the start-up alone
(`qgis_process list`, which loads the same providers and plugins). The networkx peer reads the same
roads layer with OGR, keeps the ways Refuge's walk profile keeps, builds an undirected graph of the
segments (geodesic lengths, walk speeds), snaps with a shapely STRtree in the WGS 84 Mercator plane
(conformal), adds one node per shelter splitting its segment, runs `multi_source_dijkstra` from all
shelters, then takes each household's best end of its segment (or the straight way to a shelter on the
same segment). scipy runs `dijkstra(indices=shelters, min_only=True)` on that graph as a CSR matrix: the
search alone. The native approach runs `native:shortestpathlayertopoint` (STRATEGY fastest, the walk
speed in a field, both directions, tolerance 0, the walkable roads in a metric CRS (see the notes),
WGS 84 ellipsoid so costs are geodesic, as Refuge's) once per shelter with the sampled households as
start points, in one QGIS Python process (`processing.run`, memory outputs), and keeps each household's
minimum. {repeat} repetition(s) of the Seychelles cases, interleaved (median); the native sample and
the scale case run once. Peak RSS: `getrusage(RUSAGE_CHILDREN).ru_maxrss` of a fresh probe process per
run (the process's own peak, QGIS included). A run during which other processes used more than
{DISTURBED_CORES} core is redone (twice at most); "other load" is the most any kept run saw."""
    return text[1:]


def notes_text(results, model):
    native = results.get("native")
    written = ", ".join(f"`{name}`" for name in results.get("sinks", {})
                        if name not in SKIPPED_OUTPUTS and name != "SUMMARY_JSON") or "its outputs"
    text = f"""
{native_text(native, model, results['data']['network'])}
- Refuge does more than the peers: the flood-free search as well (for statuses), shelter loads, and
  {written} written to GeoPackages (and the JSON summary); the networkx peer writes nothing and the scipy
  row is the search alone.
- Native CRS: QGIS's network tools snap start and end points in the network layer's CRS. The native
  case gets the walkable roads reprojected to {results.get('native', {}).get('crs', NATIVE_CRS)} (metric,
  conformal, like Refuge's local projection); END_POINT and the households stay in EPSG:4326 and QGIS
  transforms them. With the roads left in EPSG:4326 (`--native-degrees`), QGIS snaps in degrees, a
  plane stretched by 0.3 % at Mahé: in a run on this sample, 7 of 790 households then differed from
  Refuge and networkx by 0.1 % to 1.7 % (snapped points sliding by decimetres along the road, or the
  other of two roads at nearly equal distance).
- Times are wall-clock on this machine: read them as ratios and orders of magnitude."""
    return text[1:]


def table_context(results):
    """What the table's rows share: Refuge's summaries, the start-up subtracted, the data's name."""
    available = results["available"]
    runs = results["runs"]
    return {
        "refuge": summarize(runs["refuge"]) if available else None,
        "flood": summarize(runs["flood"]) if available else None,
        "missing": None if available else f"`{ALGORITHM}` not registered in qgis_process",
        "seychelles": f"Seychelles, {fmt_n(HOUSEHOLDS)} households × {SHELTERS} shelters",
        "startup_s": results["start"]["list"]["seconds"],
    }


def section(results, vers, repeat, loads, problems):
    ctx = table_context(results)
    native = results.get("native")
    model = native_model(native) if native and native["report"]["ok"] else None
    scale = results.get("scale")
    peers = [r for r in results["runs"]["peers"] if r.get("ok")]
    if problems:
        problem_text = "\n\n**Problems found** (the script exits with 1):\n\n" \
            + "\n".join(f"- {p}" for p in problems)
    else:
        problem_text = "\n\nNo problem found: Refuge agrees with the peers within the tolerances above."
    profile_text = profile_table(results.get("profile"), f"{ctx['seychelles']}") + profile_table(
        (scale or {}).get("profile"), "synthetic city (scale)")
    return f"""{SECTION.start}
## Evacuation access: `{ALGORITHM}` vs networkx, scipy and QGIS's native per-shelter approach

Run on {utc_now()} · machine: {machine()} · load average (1 min) at the start {loads[0]:.2f}, at the end
{loads[1]:.2f}.
Versions: {versions_text(vers)}.
Written by `bench/evacuation/` (`bench/run.sh evacuation`).

{data_text(results["data"], scale, peers)}

{cases_text(repeat)}

{table(results, ctx, model)}

Checks:

{check_lines(results)}{problem_text}
{profile_text}

Notes:
{notes_text(results, model)}
{SECTION.end}"""
