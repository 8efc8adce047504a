"""The geopandas case: ``sjoin`` + ``groupby().max()`` in a process of its own virtual environment.

``geopandas_child`` runs with bench/.venv-geopandas/bin/python, without our PYTHONPATH: it
imports only the standard library and ``harness.memory`` before geopandas.
"""

import json
import os
import subprocess
import time

from harness.memory import max_rss_kib
from harness.paths import BENCH
from harness.processes import bench_command

GEOPANDAS_VENV = BENCH / ".venv-geopandas"


def geopandas_child(buildings_path, hazard_path, output_npy):
    started = time.perf_counter()
    import geopandas
    import numpy as np
    import pyogrio
    import shapely

    imported = time.perf_counter()
    buildings = geopandas.read_file(buildings_path, engine="pyogrio")
    hazards = geopandas.read_file(hazard_path, engine="pyogrio")
    read = time.perf_counter()
    joined = geopandas.sjoin(buildings[["bid", "geometry"]], hazards[["hazard_class", "geometry"]],
                             how="left", predicate="intersects")
    joined_at = time.perf_counter()
    maxima = joined.groupby("bid")["hazard_class"].max().fillna(0).astype("int64")
    done = time.perf_counter()
    per_building = np.zeros(len(buildings), dtype=np.int64)
    per_building[maxima.index.to_numpy()] = maxima.to_numpy()
    np.save(output_npy, per_building)
    print(json.dumps({
        "import_seconds": imported - started,
        "read_seconds": read - imported,
        "sjoin_seconds": joined_at - read,
        "groupby_seconds": done - joined_at,
        "compute_seconds": done - read,
        "read_compute_seconds": done - imported,
        "joined_rows": len(joined),
        "peak_kib": max_rss_kib(),
        "versions": {"geopandas": geopandas.__version__, "pyogrio": pyogrio.__version__,
                     "shapely": shapely.__version__, "GEOS": ".".join(map(str, shapely.geos_version)),
                     "GDAL (pyogrio)": pyogrio.__gdal_version_string__, "numpy": np.__version__},
    }))


def run_geopandas(files, size, out):
    import numpy as np

    python = GEOPANDAS_VENV / "bin" / "python"
    output = out / f"geopandas_{size}.npy"
    if output.exists():
        output.unlink()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    argv = [str(python), *bench_command("exposure", "--geopandas-child", files[size], files["hazard"],
                                         output)[1:]]
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"geopandas child exited with {proc.returncode}: {proc.stderr[-2000:]}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return np.load(output), report


def ensure_geopandas_venv():
    """Create bench/.venv-geopandas if needed; never touches the project's .venv."""
    python = GEOPANDAS_VENV / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-c", "import geopandas, pyogrio"],
                                          capture_output=True).returncode == 0:
        return True
    print("creating bench/.venv-geopandas (geopandas, pyogrio from PyPI)", flush=True)
    base = os.environ.get("GEOPANDAS_PYTHON", "python3")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    for argv in ([base, "-m", "venv", str(GEOPANDAS_VENV)],
                 [str(python), "-m", "pip", "install", "-q", "geopandas", "pyogrio"]):
        if subprocess.run(argv, env=env).returncode != 0:
            return False
    return True

