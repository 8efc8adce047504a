"""Killed runs, recovered by the next run, and two runs writing the same output at once.

Through the real qgis_process binary (kill -9 while it writes 200,000
buildings; two runs in parallel), and core/io/staging.py's recovery tested
directly without QGIS (a journal completed, a folder without one deleted, a
folder whose lock a live process holds left alone).
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from edges_helper import (
    assert_no_traceback,
    exposure_inputs,
    exposure_parameters,
    feature_count,
    integrity,
    leftovers,
    output_text,
    shown,
    staging_folders,
    start_qgis_process,
    write_layer,
    write_many_buildings,
    zone_rows,
)
from osgeo import gdal, ogr
from qgis_process_helper import run_json

pytestmark = pytest.mark.slow

PROFILE = os.environ.get("REFUGE_EDGES_PROFILE") or None
MANY = 200000
FEWER = 120000


def run(algorithm, parameters):
    return run_json(algorithm, parameters, config=PROFILE)


@pytest.fixture(scope="module")
def many_buildings(tmp_path_factory):
    """{count: path} of two synthetic building layers (200,000 and 120,000 buildings)."""
    folder = tmp_path_factory.mktemp("many")
    many = write_many_buildings(folder / "many.gpkg", MANY)
    fewer = str(folder / "fewer.gpkg")
    gdal.VectorTranslate(fewer, many, options=gdal.VectorTranslateOptions(
        format="GPKG", where=f"fid <= {FEWER}", layerName="buildings"))
    assert feature_count(fewer) == FEWER
    return {MANY: many, FEWER: fewer}


def wait_for(condition, process, timeout=120.0, step=0.01):
    """Poll ``condition()`` until true while ``process`` runs; returns its last value."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            return condition()
        time.sleep(step)
    return condition()


def staged_files(folder):
    """Files in the staging folders of ``folder`` other than their lock and journal."""
    found = []
    for staging in staging_folders(folder):
        try:
            found += [os.path.join(staging, name) for name in os.listdir(staging)
                      if name not in (".lock", ".publish")]
        except OSError:
            pass
    return found


def earlier_outputs(folder, names):
    written = {}
    for name in names:
        path = os.path.join(str(folder), name)
        with open(path, "wb") as handle:
            handle.write(f"an earlier run's {name}\n".encode())
        with open(path, "rb") as handle:
            written[path] = handle.read()
    return written


def assert_unchanged(files):
    for path, content in files.items():
        with open(path, "rb") as handle:
            assert handle.read() == content, f"{path} was changed"


# == 4. kill -9 while writing, then the next run recovers ========================================

def test_kill_9_while_writing_keeps_earlier_outputs_and_the_next_run_recovers(tmp_path, many_buildings):
    out = tmp_path / "out"
    out.mkdir()
    inputs = exposure_inputs(tmp_path)
    earlier = earlier_outputs(out, ["buildings.gpkg", "facilities.gpkg", "summary.json"])
    parameters = exposure_parameters(
        inputs, BUILDINGS=many_buildings[MANY], FACILITIES=inputs["buildings"],
        BUILDINGS_OUTPUT=str(out / "buildings.gpkg"), FACILITIES_OUTPUT=str(out / "facilities.gpkg"),
        SUMMARY_JSON=str(out / "summary.json"))
    process = start_qgis_process("refuge:exposure", parameters, config=PROFILE, log=str(tmp_path / "log"))
    try:
        writing = wait_for(lambda: staged_files(out), process)
        assert writing, "no staging folder with a file in it appeared: " + \
            (tmp_path / "log").read_text(encoding="utf-8", errors="replace")
        time.sleep(0.3)  # well inside the write of 200,000 buildings
        assert process.poll() is None, "the run ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert_unchanged(earlier)
    stale = staging_folders(out)
    assert len(stale) == 1, stale
    assert not os.path.exists(os.path.join(stale[0], ".publish"))
    assert sorted(os.listdir(out)) == sorted(["buildings.gpkg", "facilities.gpkg", "summary.json",
                                              os.path.basename(stale[0])])

    # Any Refuge run writing to that folder recovers it: the killed run had not started publishing,
    # so its staged files are deleted, and the earlier outputs stay.
    zones = write_layer(tmp_path / "zones.gpkg", "zones", ogr.wkbPolygon, zone_rows(), [("FLOODPRONE", str)])
    results, completed = run("refuge:prepare_hazard", {
        "ZONES": zones, "CLASS_FIELD": "FLOODPRONE", "OUTPUT": str(out / "hazard.gpkg")})
    assert results is not None, shown(output_text(completed))
    assert not os.path.exists(stale[0])
    assert staging_folders(out) == []
    assert_unchanged(earlier)
    assert feature_count(out / "hazard.gpkg") == 1
    assert sorted(os.listdir(out)) == ["buildings.gpkg", "facilities.gpkg", "hazard.gpkg", "summary.json"]

    # And the killed run, run again, completes.
    results, completed = run("refuge:exposure", parameters)
    assert results is not None, shown(output_text(completed))
    assert feature_count(out / "buildings.gpkg") == MANY
    assert integrity(out / "buildings.gpkg") == "ok"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert sum(summary["buildings"]["count"].values()) == MANY
    assert leftovers(tmp_path) == []


def _fake_staging(folder, name, files, journal):
    """A staging folder as a killed run leaves it: {name: bytes} staged, a journal if ``journal``."""
    staging = os.path.join(str(folder), name)
    os.mkdir(staging)
    open(os.path.join(staging, ".lock"), "wb").close()
    for entry, content in files.items():
        with open(os.path.join(staging, entry), "wb") as handle:
            handle.write(content)
    if journal is not None:
        with open(os.path.join(staging, ".publish"), "w", encoding="utf-8") as handle:
            json.dump({"entries": journal}, handle)
    return staging


def test_the_next_qgis_process_run_completes_a_run_killed_while_publishing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    staged_layer = write_layer(tmp_path / "staged.gpkg", "buildings", ogr.wkbPoint,
                               [("POINT (1 2)", {})] * 5)
    with open(staged_layer, "rb") as handle:
        layer_bytes = handle.read()
    (out / "buildings.gpkg").write_bytes(b"the output before the killed run")
    # Killed after its journal: summary.json already moved, buildings.gpkg not yet.
    (out / "summary.json").write_bytes(b'{"killed run": true}')
    published = _fake_staging(out, ".refuge-999999-aaaaaaaaaaaa", {"buildings.gpkg": layer_bytes},
                              ["buildings.gpkg", "summary.json"])
    abandoned = _fake_staging(out, ".refuge-999998-bbbbbbbbbbbb", {"other.gpkg": b"half written"}, None)
    zones = write_layer(tmp_path / "zones.gpkg", "zones", ogr.wkbPolygon, zone_rows(), [("FLOODPRONE", str)])
    results, completed = run("refuge:prepare_hazard", {
        "ZONES": zones, "CLASS_FIELD": "FLOODPRONE", "OUTPUT": str(out / "hazard.gpkg")})
    assert results is not None, shown(output_text(completed))
    assert not os.path.exists(published) and not os.path.exists(abandoned)
    assert (out / "buildings.gpkg").read_bytes() == layer_bytes
    assert (out / "summary.json").read_bytes() == b'{"killed run": true}'
    assert not (out / "other.gpkg").exists()
    assert feature_count(out / "hazard.gpkg") == 1
    assert sorted(os.listdir(out)) == ["buildings.gpkg", "hazard.gpkg", "summary.json"]


HOLDER = """
import fcntl, sys
handle = open(sys.argv[1], "a+b")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
print("locked", flush=True)
sys.stdin.read()
"""


def hold_lock(staging):
    """A subprocess holding the lock of ``staging`` (as a live run does) until its stdin closes."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, os.path.join(staging, ".lock")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def release(holder):
    holder.stdin.close()
    holder.wait(timeout=30)


def test_the_next_qgis_process_run_leaves_a_live_runs_staging_folder_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    live = _fake_staging(out, ".refuge-999997-cccccccccccc", {"buildings.gpkg": b"being written"},
                         ["buildings.gpkg"])
    holder = hold_lock(live)
    try:
        zones = write_layer(tmp_path / "zones.gpkg", "zones", ogr.wkbPolygon, zone_rows(),
                            [("FLOODPRONE", str)])
        results, completed = run("refuge:prepare_hazard", {
            "ZONES": zones, "CLASS_FIELD": "FLOODPRONE", "OUTPUT": str(out / "hazard.gpkg")})
        assert results is not None, shown(output_text(completed))
        assert os.path.exists(os.path.join(live, "buildings.gpkg")) and not (out / "buildings.gpkg").exists()
    finally:
        release(holder)


# -- core/io/staging.py's recovery, without QGIS ---------------------------------------------------

def test_recover_completes_a_journal_deletes_the_rest_and_spares_live_runs(tmp_path):
    from refuge.core.io import staging

    (tmp_path / "a.gpkg").write_bytes(b"old a")
    (tmp_path / "b.json").write_bytes(b"old b")
    (tmp_path / "keep.txt").write_bytes(b"not an output of any run")
    # An old shapefile whose .qix index the new one does not replace: removed with it.
    for part in (".shp", ".shx", ".dbf", ".qix"):
        (tmp_path / f"roads{part}").write_bytes(b"old " + part.encode())
    journaled = _fake_staging(tmp_path, ".refuge-1-journaled", {
        "a.gpkg": b"new a", "b.json": b"new b", "roads.shp": b"new shp", "roads.shx": b"new shx",
        "roads.dbf": b"new dbf"}, ["a.gpkg", "b.json", "roads.dbf", "roads.shp", "roads.shx"])
    unjournaled = _fake_staging(tmp_path, ".refuge-2-unjournaled", {"a.gpkg": b"half a", "c.gpkg": b"c"},
                                None)
    half = _fake_staging(tmp_path, ".refuge-3-half", {"d.gpkg": b"new d"}, ["e.gpkg", "d.gpkg"])
    (tmp_path / "e.gpkg").write_bytes(b"e, moved before the kill")
    live = _fake_staging(tmp_path, ".refuge-4-live", {"a.gpkg": b"live a"}, ["a.gpkg"])
    holder = hold_lock(live)
    try:
        staging.recover(str(tmp_path))
        assert not os.path.exists(journaled) and not os.path.exists(unjournaled)
        assert not os.path.exists(half)
        assert os.path.exists(os.path.join(live, "a.gpkg")) and os.path.exists(os.path.join(live, ".publish"))
        assert (tmp_path / "a.gpkg").read_bytes() == b"new a"
        assert (tmp_path / "b.json").read_bytes() == b"new b"
        assert (tmp_path / "d.gpkg").read_bytes() == b"new d"
        assert (tmp_path / "e.gpkg").read_bytes() == b"e, moved before the kill"
        assert not (tmp_path / "c.gpkg").exists()
        assert (tmp_path / "roads.shp").read_bytes() == b"new shp"
        assert not (tmp_path / "roads.qix").exists()
        assert (tmp_path / "keep.txt").read_bytes() == b"not an output of any run"
    finally:
        release(holder)
    staging.recover(str(tmp_path))  # its run is gone now: the journal is completed
    assert not os.path.exists(live)
    assert (tmp_path / "a.gpkg").read_bytes() == b"live a"
    assert sorted(os.listdir(tmp_path)) == ["a.gpkg", "b.json", "d.gpkg", "e.gpkg", "keep.txt",
                                            "roads.dbf", "roads.shp", "roads.shx"]


def test_a_new_staging_recovers_its_folder_and_its_own_lock_is_held(tmp_path):
    from refuge.core.io import staging

    stale = _fake_staging(tmp_path, ".refuge-5-stale", {"x.gpkg": b"x"}, None)
    run_staging = staging.Staging()
    staged = run_staging.stage(str(tmp_path / "x.gpkg"))
    assert not os.path.exists(stale)
    with open(staged, "wb") as handle:
        handle.write(b"written by this run")
    own = os.path.dirname(staged)
    assert os.path.basename(own).startswith(".refuge-") and own != stale
    # While this run lives, another run's recovery leaves its folder alone (the lock is held).
    checker = subprocess.run([sys.executable, "-c", HOLDER, os.path.join(own, ".lock")],
                             input="", capture_output=True, text=True)
    assert checker.returncode != 0 and "locked" not in checker.stdout
    run_staging.publish()
    assert (tmp_path / "x.gpkg").read_bytes() == b"written by this run"
    assert staging_folders(tmp_path) == []

    other = staging.Staging()
    other.stage(str(tmp_path / "y.gpkg"))
    other.discard()
    assert sorted(os.listdir(tmp_path)) == ["x.gpkg"]


# == 5. Two runs writing the same outputs at once =================================================

def test_two_runs_writing_the_same_output_at_once(tmp_path, many_buildings):
    out = tmp_path / "out"
    out.mkdir()
    inputs = exposure_inputs(tmp_path)
    target, summary = out / "buildings.gpkg", out / "summary.json"
    processes = []
    for count in (MANY, FEWER):
        parameters = exposure_parameters(inputs, BUILDINGS=many_buildings[count],
                                         BUILDINGS_OUTPUT=str(target), SUMMARY_JSON=str(summary))
        processes.append(start_qgis_process("refuge:exposure", parameters, config=PROFILE,
                                            log=str(tmp_path / f"log{count}")))
    seen_together = set()
    try:
        while any(process.poll() is None for process in processes):
            folders = staging_folders(out)
            if len(folders) >= 2:
                seen_together.add(tuple(folders))
            time.sleep(0.01)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    logs = {count: (tmp_path / f"log{count}").read_text(encoding="utf-8", errors="replace")
            for count in (MANY, FEWER)}
    for process, count in zip(processes, (MANY, FEWER)):
        assert "Traceback" not in logs[count], logs[count]
        assert process.returncode == 0 or "Refuge" in logs[count] or "output" in logs[count], logs[count]
    assert any(process.returncode == 0 for process in processes), logs
    assert seen_together, "the two runs never had their staging folders at the same time"
    assert all(len(set(folders)) == len(folders) for folders in seen_together)
    final = feature_count(target)
    assert final in (MANY, FEWER)
    assert integrity(target) == "ok"
    written = json.loads(summary.read_text(encoding="utf-8"))
    assert sum(written["buildings"]["count"].values()) == final, "the summary and the layer of two runs"
    assert leftovers(out) == []
    assert sorted(os.listdir(out)) == ["buildings.gpkg", "summary.json"]


def test_no_traceback_in_a_killed_runs_next_run(tmp_path):
    """A staging folder from a killed run whose journal is damaged: the next run still works."""
    out = tmp_path / "out"
    out.mkdir()
    broken = _fake_staging(out, ".refuge-999996-dddddddddddd", {"a.gpkg": b"a"}, None)
    with open(os.path.join(broken, ".publish"), "w", encoding="utf-8") as handle:
        handle.write("{not json")
    zones = write_layer(tmp_path / "zones.gpkg", "zones", ogr.wkbPolygon, zone_rows(), [("FLOODPRONE", str)])
    results, completed = run("refuge:prepare_hazard", {
        "ZONES": zones, "CLASS_FIELD": "FLOODPRONE", "OUTPUT": str(out / "hazard.gpkg")})
    assert results is not None, shown(output_text(completed))
    assert_no_traceback(completed)
    assert staging_folders(out) == []
    assert feature_count(out / "hazard.gpkg") == 1
