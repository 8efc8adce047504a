"""The four cases of the OSM benchmark: their commands, their runs, and what they produced."""

import json
import shutil
import statistics
import subprocess

from harness.data import read_only
from harness.paths import QGIS_PROCESS
from harness.processes import bench_command, child_env, launch, summarize_runs

ALGORITHM = "refuge:osm_extract_pbf"
# Display order and labels of the cases in the table.
CASES = ("refuge", "qgis", "gdal", "osmium")
LABELS = {
    "refuge": "Refuge engine (`extract_pbf`)",
    "qgis": "Refuge via `qgis_process run`",
    "gdal": "GDAL `ogr2ogr -f GPKG`",
    "osmium": "osmium `tags-filter` + `export`",
}


def theme_keys():
    """Every tag key Refuge's themes look at: the osmium filter must use the same."""
    from refuge.core.osm.themes import THEMES

    return list(dict.fromkeys(key for theme in THEMES for key in theme.keys))


def case_commands(case, pbf, out):
    """Command lines of one case, and the files to delete before each run."""
    if case == "refuge":
        target = out / "refuge.gpkg"
        return [bench_command("osm_extract", "--engine", pbf, target)], [target]
    if case == "qgis":
        target = out / "refuge-qgis.gpkg"
        return [[str(QGIS_PROCESS), "run", ALGORITHM, "--", f"INPUT={pbf}", f"OUTPUT={target}"]], [target]
    if case == "gdal":
        target = out / "gdal.gpkg"
        return [["ogr2ogr", "-f", "GPKG", str(target), str(pbf)]], [target]
    if case == "osmium":
        filtered, target = out / "osmium-filtered.osm.pbf", out / "osmium.geojsonseq"
        return [
            ["osmium", "tags-filter", "--overwrite", "-o", str(filtered), str(pbf), *theme_keys()],
            ["osmium", "export", "--overwrite", "-f", "geojsonseq", "-o", str(target), str(filtered)],
        ], [filtered, target]
    raise ValueError(case)


def gpkg_counts(path):
    """Feature count of each feature table of a GeoPackage (plain SQLite, no GDAL)."""
    with read_only(path) as db:
        tables = [row[0] for row in db.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def count_features(case, out, stdout):
    """Features produced by a case's run: (count, note)."""
    if case == "refuge":
        report = json.loads(stdout)
        return sum(report["counts"].values()), f"+{report['rejects']} rejects"
    if case == "qgis":
        counts = gpkg_counts(out / "refuge-qgis.gpkg")
        rejects = counts.pop("rejects", 0)
        return sum(counts.values()), f"+{rejects} rejects"
    if case == "gdal":
        counts = gpkg_counts(out / "gdal.gpkg")
        return sum(counts.values()), f"{len(counts)} layers"
    if case == "osmium":
        with open(out / "osmium.geojsonseq", "rb") as lines:
            return sum(1 for line in lines if line.strip()), "GeoJSONSeq lines"
    raise ValueError(case)


def max_node_id(pbf):
    """Largest node ID in the file, which osmium's memory use follows (see the notes)."""
    proc = subprocess.run(["osmium", "fileinfo", "--extended", "--get", "data.maxid.nodes", str(pbf)],
                          capture_output=True, text=True)
    return int(proc.stdout) if proc.returncode == 0 and proc.stdout.strip().isdigit() else None


def remove(paths):
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def run_once(case, pbf, out):
    """One measured run of a case under a fresh probe. Only the engine gets our PYTHONPATH."""
    steps, outputs = case_commands(case, pbf, out)
    remove(outputs)
    report = launch(steps, env=child_env(pythonpath=case == "refuge"))
    if report["ok"]:
        report["features"], report["note"] = count_features(case, out, report["stdout"])
        if case == "refuge":
            report["call_seconds"] = json.loads(report["stdout"])["call_seconds"]
    return report


def run_file(pbf, work, repeat):
    """All cases on one file, `repeat` times, cases interleaved within a repetition
    so that slow drifts of the machine (heat, other load) spread over all of them."""
    out = work / pbf.name.split(".")[0]
    out.mkdir(parents=True, exist_ok=True)
    # Read the file once, untimed, so that whichever case comes first does not
    # pay for bringing it into the page cache.
    pbf.read_bytes()
    runs = {case: [] for case in CASES}
    for rep in range(repeat):
        for case in CASES:
            report = run_once(case, pbf, out)
            if report["ok"]:
                print(f"  {pbf.name} run {rep + 1}/{repeat} {case}: {report['seconds']:.2f} s, "
                      f"{report['peak_kib'] / 1024:.0f} MiB, {report['features']} features", flush=True)
            else:
                print(f"  {pbf.name} run {rep + 1}/{repeat} {case}: FAILED {report['error']}", flush=True)
            runs[case].append(report)
    return runs


def summarize(reports):
    """Median time and the largest peak RSS over a case's runs, or None if any run failed."""
    summary = summarize_runs(reports) if reports else None
    if summary is None:
        return None
    features = {r["features"] for r in reports}
    # The outputs are deterministic; if they were not, show the range.
    summary["features"] = min(features) if len(features) == 1 else f"{min(features)}–{max(features)}"
    summary["note"] = reports[-1]["note"]
    if "call_seconds" in reports[0]:
        summary["call_seconds"] = statistics.median(r["call_seconds"] for r in reports)
    return summary
