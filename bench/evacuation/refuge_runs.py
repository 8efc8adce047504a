"""Refuge through the real ``scripts/qgis_process`` binary, and its outputs read back."""

import json
import subprocess
import time
from pathlib import Path

from harness.data import gpkg_table, read_only, remove
from harness.load import DISTURBED_CORES
from harness.paths import QGIS_PROCESS, ROOT
from harness.processes import child_env, launch

from evacuation.config import ALGORITHM, SKIPPED_OUTPUTS


def qgis(*args, timeout=None):
    return subprocess.run([str(QGIS_PROCESS), *args], capture_output=True, text=True, cwd=ROOT,
                          env=child_env(pythonpath=False), timeout=timeout)


def algorithm_available():
    proc = qgis("list")
    return proc.returncode == 0 and ALGORITHM in proc.stdout


def destinations():
    """Destination parameters of the algorithm created by default: {name: parameter type}."""
    proc = qgis("help", ALGORITHM, "--json")
    text = proc.stdout[proc.stdout.find("{"):]
    parameters = json.loads(text)["parameters"]
    result = {}
    for name, definition in parameters.items():
        raw = definition.get("raw_definition", {})
        if definition.get("is_destination") and raw.get("create_by_default", True):
            result[name] = raw.get("parameter_type", "sink")
    return result


def refuge_parameters(tag, roads, households, shelters, out, sinks, depth=None):
    parameters = {"ROADS": str(roads), "HOUSEHOLDS": str(households), "SHELTERS": str(shelters),
                  "PROFILE": "0", "POPULATION_FIELD": "population", "SHELTER_NAME_FIELD": "name"}
    if depth is not None:
        parameters["DEPTH"] = str(depth)
    for name, kind in sinks.items():
        if name in SKIPPED_OUTPUTS:
            continue
        suffix = ".json" if kind == "fileDestination" or name == "SUMMARY_JSON" else ".gpkg"
        parameters[name] = str(out / f"{tag}_{name.lower()}{suffix}")
    return parameters


def run_refuge(parameters, timeout=None, retries=2):
    """One ``qgis_process run`` under a fresh probe; outputs removed first. A run during which other
    processes used more than DISTURBED_CORES is redone (at most ``retries`` times)."""
    argv = [str(QGIS_PROCESS), "run", ALGORITHM, "--"] + [f"{k}={v}" for k, v in parameters.items()]
    for attempt in range(retries + 1):
        for name, value in parameters.items():
            if name.endswith("_OUTPUT") or name in ("REJECTS", "SUMMARY_JSON"):
                remove(value)
        report = launch([argv], timeout=timeout, env=child_env(pythonpath=False))
        if not report["ok"] or report["other_cores"] <= DISTURBED_CORES or attempt == retries:
            return report
        print(f"    {report['seconds']:.2f} s with other load {report['other_cores']:.2f} cores: redone",
              flush=True)
    return report


def read_households(path, size):
    """Refuge's household output, as arrays indexed by ``hid``."""
    import numpy as np

    columns = ["status", "shelter_fid", "distance_m", "travel_time_s", "snap_distance_m", "dry_time_s"]
    with read_only(path) as db:
        table = gpkg_table(path)
        present = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
        wanted = [c for c in columns if c in present]
        rows = db.execute(f'SELECT hid, {", ".join(wanted)} FROM "{table}"').fetchall()
    hid = np.array([r[0] for r in rows], dtype=np.int64)
    if len(rows) != size or len(np.unique(hid)) != size:
        raise RuntimeError(f"{path}: {len(rows)} rows, {len(np.unique(hid))} distinct hid, expected {size}")
    result = {"status": np.empty(size, dtype=object)}
    for position, column in enumerate(wanted, start=1):
        if column == "status":
            result["status"][hid] = [r[position] for r in rows]
            continue
        values = np.full(size, np.nan)
        values[hid] = [np.nan if r[position] is None else r[position] for r in rows]
        result[column] = values
    return result


def shelter_sid_by_fid(path):
    with read_only(path) as db:
        table = gpkg_table(path)
        return dict(db.execute(f'SELECT fid, sid FROM "{table}"').fetchall())


def summary_json(parameters):
    path = parameters.get("SUMMARY_JSON")
    if not path or not Path(path).exists():
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def safe_shelters(path):
    """sids of the shelters whose shelter_status is safe, and the count per status."""
    if not path or not Path(path).exists():
        return {"sids": set(), "counts": {}}
    with read_only(path) as db:
        rows = db.execute(f'SELECT sid, shelter_status FROM "{gpkg_table(path)}"').fetchall()
    counts = {}
    for _, status in rows:
        counts[status] = counts.get(status, 0) + 1
    return {"sids": {sid for sid, status in rows if status == "safe"}, "counts": counts}


def flood_roads(parameters):
    """Segments of the flood run's road output, and how many are impassable."""
    path = parameters.get("ROADS_OUTPUT")
    if not path or not Path(path).exists():
        return None
    with read_only(path) as db:
        table = gpkg_table(path)
        columns = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
        total = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        result = {"segments": total}
        if "passable" in columns:
            query = f'SELECT COUNT(*) FROM "{table}" WHERE NOT passable'
            result["impassable"] = db.execute(query).fetchone()[0]
        if "max_depth_m" in columns:
            result["wet"] = db.execute(f'SELECT COUNT(*) FROM "{table}" WHERE max_depth_m > 0').fetchone()[0]
    return result


def wait_for_algorithm(minutes):
    """Poll ``qgis_process list`` until the algorithm is registered (``make install-plugin`` first)."""
    deadline = time.monotonic() + minutes * 60
    while True:
        subprocess.run(["make", "install-plugin"], cwd=ROOT, capture_output=True)
        if algorithm_available():
            return True
        if time.monotonic() >= deadline:
            return False
        print(f"{ALGORITHM} not available yet: waiting", flush=True)
        time.sleep(180)

