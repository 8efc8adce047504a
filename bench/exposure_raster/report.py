"""The raster section of bench/RESULTS.md: versions, method, table, checks and notes."""

import platform

from harness.load import DISTURBED_CORES
from harness.machine import git_revision, machine, refuge_version, shapely_with_geos
from harness.report import fmt_mib, fmt_n, utc_now, versions_text

from exposure_raster.config import BIG, MID_SIZE, PIXEL, RASTER_SIZE, SECTION
from exposure_raster.table import check_lines, table


def versions():
    import numpy
    from osgeo import gdal
    from qgis.core import Qgis

    return {
        "Refuge": f"{refuge_version()} ({git_revision()})",
        "QGIS": Qgis.QGIS_VERSION,
        "GDAL": gdal.__version__,
        "shapely": shapely_with_geos(),
        "numpy": numpy.__version__,
        "Python": platform.python_version(),
    }


def why_text(results):
    """Why zonal statistics differ, from the pixel centres inside the buildings."""
    jakarta_result = next((r for r in results if "gdal_agree" in r), None)
    why = ""
    if jakarta_result is not None:
        d = jakarta_result["centres_of_differing"]
        a = jakarta_result["centres_all"]
        why = (f" In Jakarta (pixels of ≈ 50 m) {a[0] + a[1]} of the {jakarta_result['size']} buildings hold "
               f"fewer than two pixel centres, so QGIS intersects them exactly, like all-touched; "
               + (f"the building that differs holds {next(k for k, n in enumerate(d) if n)} centres."
                  if jakarta_result['versus']['differ'] == 1 else
                  f"the {fmt_n(jakarta_result['versus']['differ'])} that differ hold 0/1/2/3+ centres: "
                  f"{' / '.join(map(str, d))}."))
    mid = next((r for r in results if "centres_min" in r), None)
    if mid is not None:
        why += (f" On the synthetic raster (pixels of ≈ 1.1 m) every building holds at least "
                f"{mid['centres_min']} pixel centres (checked on 2 000 of them), so QGIS keeps only the "
                "pixels whose centre is inside and leaves out the ring of edge pixels a footprint only "
                "partly covers.")
    return why


def zonal_timeout_note(big, timeout):
    big_note = ""
    if big is not None:
        zonal = big["reports"]["zonal"]
        if zonal.get("timeout"):
            big_note = (f"\n- `native:zonalstatisticsfb` on {fmt_n(BIG)} buildings did not finish within "
                        f"{timeout} s and was stopped; its time is extrapolated linearly from the "
                        f"{fmt_n(MID_SIZE)} run (it handles one feature at a time, reading the raster block "
                        "under each).")
    return big_note


def read_note(reads):
    """What Refuge's raster read alone costs, with GDAL's default block cache and with 64 MiB."""
    if not (reads and all("error" not in r for r in reads.values())):
        return ""
    default, small = reads[0], reads[64]
    tiles = fmt_mib(RASTER_SIZE * RASTER_SIZE * 4 / 1024)
    return (
        f"\n- Reading the raster: `read_raster` alone, in a fresh process, takes "
        f"{default['seconds']:.2f} s and peaks {fmt_mib(default['peak_kib'] - default['baseline_kib'])} "
        f"MiB above the interpreter "
        f"for a {fmt_mib(default['values_kib'])} MiB {default['dtype']} grid: GDAL's block cache (limit "
        f"{default['cache_max_mib']} MiB, 5 % of RAM) keeps the decompressed float32 tiles (up to "
        f"{tiles} MiB) until the file is closed, and glibc keeps that memory in the process afterwards "
        f"(RSS after the read: {fmt_mib(default['after_kib'] - default['baseline_kib'])} MiB above the "
        f"start). With GDAL's cache limited to 64 MiB (`gdal.SetCacheMax`) the same read peaks "
        f"{fmt_mib(small['peak_kib'] - small['baseline_kib'])} MiB in {small['seconds']:.2f} s.")


def phases_note(big):
    """Where Refuge's time goes on the big size (functions timed in the child)."""
    if big is None or not big["reports"]["refuge"].get("phases"):
        return ""
    refuge = big["reports"]["refuge"]
    ph = refuge["phases"]
    main = ph.get("read_raster", 0) + ph.get("max_touched", 0) + ph.get("finish_writes", 0)
    return (
        f"\n- Where Refuge's {refuge['seconds']:.1f} s go on {fmt_n(big['size'])} buildings "
        f"(functions timed by wrapping them in the child process): reading the raster "
        f"(`read_raster`) {ph.get('read_raster', 0):.1f} s, sampling the footprints block by block "
        f"(`max_touched`) {ph.get('max_touched', 0):.1f} s, waiting at the end for the output "
        f"writer (`finish_writes`) {ph.get('finish_writes', 0):.1f} s; the rest of the main thread "
        f"(reading the buildings, repairs, areas, units, QGIS plumbing) "
        f"{refuge['seconds'] - main:.1f} s. Beside it, in threads of their own: the page-by-page copy "
        f"of the buildings file for the output (`copy_source`) {ph.get('copy_source', 0):.1f} s, "
        f"started while the buildings are read, and the writer's block updates (`JoinedWriter._update`) "
        f"{ph.get('_update', 0):.1f} s, each block written while the next is sampled.")


def copy_note(copies):
    """Why a GeoPackage input is copied page by page rather than by GDAL."""
    if not copies:
        return ""
    sizes = sorted({size for size, _ in copies})
    return ("\n- Why a GeoPackage input is copied page by page (sqlite's backup, which keeps its "
                 "R-tree spatial index) rather than by GDAL: GDAL rebuilds the R-tree when the copy is "
                 "closed, and that grows faster than the number of buildings: `gdal.VectorTranslate` of "
                 "the buildings file to a GeoPackage takes "
                 + ", ".join(f"{copies[(size, True)]:.1f} s for {fmt_n(size)} buildings "
                             f"({copies[(size, False)]:.1f} s with `SPATIAL_INDEX=NO`)" for size in sizes)
                 + ".")


def method_text(repeat):
    """The question, the tools and how they are measured."""
    plural = "repetitions" if repeat > 1 else "repetition"
    text = f"""
The question: the maximum flood depth under each building footprint, hence the buildings per depth
class (0 not exposed or nodata only, 1 low < 0.5 m, 2 medium < 1.5 m, 3 high; Refuge's defaults).

- **Refuge**: `processing.run("refuge:exposure", {{DEPTH, BUILDINGS, BUILDINGS_OUTPUT: .gpkg,
  SUMMARY_JSON}})`, the whole algorithm (reading the raster and the buildings, sampling, classes,
  footprint areas, writing the GeoPackage and the JSON). A footprint takes the maximum of every
  pixel it touches (all-touched).
- **QGIS zonal statistics**: `native:zonalstatisticsfb`, `STATISTICS=[6]` (max), output to a GeoPackage.
- **GDAL**: `gdal.RasterizeLayer(..., ["ALL_TOUCHED=TRUE"])` of each building alone on the raster's grid,
  then the maximum of the non-nodata pixels it burned: the reference of the all-touched rule, one
  building at a time in Python (a reference, not a competitor).

Jakarta and {fmt_n(MID_SIZE)} buildings run in one QGIS process, {repeat} {plural} with the
tools interleaved (median time; peak RSS is the largest of the runs, read with `getrusage` after
resetting the process's peak through `/proc/self/clear_refs`; "rise" is the peak minus the RSS at the
start of the run). {fmt_n(BIG)} buildings: one run per tool, each in a fresh process (QGIS start-up
not timed; "process" includes it); its peak RSS is that process's own `ru_maxrss`, read by a small
probe process that starts it (a process started straight from the big benchmark process would
inherit that process's peak as its `ru_maxrss`), and "rise" is above its RSS after QGIS start-up.
"Other load" is the CPU used by other processes during the run, in cores (from `/proc/stat`); a run
above {DISTURBED_CORES} core was redone (up to twice). "Max ≠ Refuge" counts buildings
whose maximum differs from Refuge's `max_depth_m` (compared as float32, the raster's type)."""
    return text[1:]


def section(results, big, vers, repeat, problems, busy_before, timeout, reads, copies):
    big_note = zonal_timeout_note(big, timeout) + phases_note(big) + copy_note(copies)
    why = why_text(results)
    busy = ("; other processes were using the machine when it started: " + "; ".join(busy_before)
            if busy_before else "")
    problem_text = ("\n\n**Problems found:**\n\n" + "\n".join(f"- {p}" for p in problems)) if problems else \
        "\n\nNo problem found: Refuge agrees with the GDAL all-touched reference and with its own summary."
    grid_text = "as float32 or float64"
    if reads and "dtype" in reads.get(0, {}):
        grid_text = f"as {reads[0]['dtype']}: {fmt_mib(reads[0]['values_kib'])} MiB for this raster"
    return f"""{SECTION.start}
## Exposure to a depth raster: Refuge vs QGIS zonal statistics and GDAL all-touched

Run on {utc_now()} · machine: {machine()}{busy}.
Versions: {versions_text(vers)}.
Written by `bench/exposure_raster/`.

{method_text(repeat)}

{table(results, big)}

Class counts and checks:

{check_lines(results, big)}

Why zonal statistics differ: QGIS counts a pixel when its **centre** lies inside the polygon, and only
when fewer than two centres do falls back to the exact intersection with every pixel the polygon
overlaps. All-touched also counts the partly covered pixels along the outline, so its maximum is the
same or higher, never lower.{why} A deeper pixel along a wall is thus missed by zonal statistics,
which lowers the maximum and sometimes the class.

Notes:

- Synthetic data: a {RASTER_SIZE:,} × {RASTER_SIZE:,} float32 raster, EPSG:4326, pixel {PIXEL} degree,
  a smooth random field (three octaves, control points ≈ 1.1 km, 110 m and 11 m apart) mapped to
  0–3 m with dry areas and six nodata discs, tiled 256 × 256 DEFLATE GeoTIFF; rectangles of 5–30 m
  (20 % axis-aligned), the {fmt_n(MID_SIZE)} file being the first {fmt_n(MID_SIZE)} of the
  {fmt_n(BIG)}.
- Refuge reads the whole band into memory ({grid_text}); zonal statistics read the raster
  block under each feature (their "rise" is GDAL's block cache filling with the tiles under
  the buildings).{read_note(reads)}{big_note}
- Times are wall-clock, from one machine: read them as ratios and orders of magnitude.{problem_text}
{SECTION.end}""".replace(f"{RASTER_SIZE:,}", fmt_n(RASTER_SIZE))
