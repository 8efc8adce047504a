"""Real data: Jakarta's flood design raster and buildings, Refuge vs zonal statistics vs GDAL."""

from harness.load import Measure

from exposure_raster.cases import (
    class_counts,
    classify_depths,
    read_in_order,
    refuge_results,
    same_depth,
    zonal_results,
)
from exposure_raster.checks import (
    check_refuge,
    classify_disagreements,
    compare_refuge_zonal,
    pixel_centres_inside,
    summarize,
    timed_runs,
)
from exposure_raster.config import JAKARTA_BUILDINGS, JAKARTA_DEPTH
from exposure_raster.reference import GdalReference


def tool_runs(out, repeat):
    """Refuge and zonal statistics, interleaved; returns (records, parameters of the last runs)."""
    records = {"refuge": [], "zonal": []}
    params = {}
    for _ in range(repeat):
        for case in ("refuge", "zonal"):
            runs, params[case] = timed_runs(case, JAKARTA_DEPTH, JAKARTA_BUILDINGS, out, "jakarta", 1, 3)
            records[case] += runs
    return records, params


def gdal_runs(reference, input_wkbs, repeat):
    """The GDAL reference on every building, ``repeat`` measured times; returns (records, depths)."""
    import numpy as np

    records = []
    for _ in range(repeat):
        with Measure() as measure:
            gdal_depth = np.array([reference.max_depth(w) for w in input_wkbs])
        records.append(measure.record())
    print(f"  jakarta gdal: {records[-1]['seconds']:.2f} s", flush=True)
    return records, gdal_depth


def check_order(refuge_wkbs, zonal_wkbs, source, problems):
    import shapely

    for name, wkbs in (("refuge", refuge_wkbs), ("zonal", zonal_wkbs)):
        # zonal statistics write MultiPolygons: compare shapes, not types
        if len(wkbs) != len(source) or not shapely.equals(shapely.from_wkb(wkbs), source).all():
            problems.append(f"Jakarta: the {name} output is not in input order (geometries differ)")


def jakarta(out, repeat, problems):
    """Real data: Refuge vs zonal statistics vs GDAL, every building."""
    import numpy as np
    import shapely

    print(f"Jakarta: {JAKARTA_DEPTH.name} + {JAKARTA_BUILDINGS.name}", flush=True)
    records, params = tool_runs(out, repeat)
    depth, codes, json_counts, refuge_wkbs = refuge_results(params["refuge"])
    zonal_depth, zonal_wkbs = zonal_results(params["zonal"])
    _, input_wkbs = read_in_order(JAKARTA_BUILDINGS, [])
    source = shapely.from_wkb(input_wkbs)
    check_order(refuge_wkbs, zonal_wkbs, source, problems)
    reference = GdalReference(JAKARTA_DEPTH)
    gdal_records, gdal_depth = gdal_runs(reference, input_wkbs, repeat)
    agree = same_depth(depth, gdal_depth)
    details = [dict(reference.explain(input_wkbs[i], depth[i]), position=int(i))
               for i in np.flatnonzero(~agree)]
    classify_disagreements("Jakarta", details, problems)
    geometric = np.array([reference.geometric_max(w) for w in input_wkbs])
    geometric_agree = int(same_depth(depth, geometric).sum())
    if geometric_agree != len(depth):
        problems.append(f"Jakarta: Refuge's max_depth_m differs from the geometric all-touched maximum for "
                        f"{len(depth) - geometric_agree} buildings")
    counts = check_refuge("Jakarta", depth, codes, json_counts, problems)
    # Why they differ: pixel centres inside each building, as QGIS counts them.
    centres = pixel_centres_inside(JAKARTA_DEPTH, source)
    differ = ~same_depth(depth, zonal_depth)
    return {
        "name": f"Jakarta (real), {len(depth)} buildings",
        "raster": "66 × 55 px of ≈ 50 m, nodata −9999",
        "size": len(depth),
        "summaries": {"refuge": summarize(records["refuge"]), "zonal": summarize(records["zonal"]),
                      "gdal": summarize(gdal_records)},
        "counts": counts,
        "gdal_agree": int(agree.sum()),
        "geometric_agree": geometric_agree,
        "gdal_details": details,
        "gdal_counts": class_counts(classify_depths(gdal_depth)),
        "versus": compare_refuge_zonal(depth, zonal_depth),
        "gdal_versus_zonal": compare_refuge_zonal(gdal_depth, zonal_depth),
        "centres_of_differing": np.bincount(np.minimum(centres[differ], 3), minlength=4).tolist(),
        "centres_all": np.bincount(np.minimum(centres, 3), minlength=4).tolist(),
        "sample": None,
    }
