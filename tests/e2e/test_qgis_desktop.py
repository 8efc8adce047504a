"""Refuge inside the real QGIS desktop application (under Xvfb)."""

import json
import os
import shutil
import signal
import subprocess

import pytest
from conftest import ROOT
from qgis_process_helper import make_profile

pytestmark = pytest.mark.slow

SCRIPT = r"""
import json, os
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface, plugins
report = {"loaded": "refuge" in plugins}
provider = QgsApplication.processingRegistry().providerById("refuge")
report["algorithms"] = [a.id() for a in provider.algorithms()] if provider else []
menu_actions = []
for action in iface.mainWindow().menuBar().actions():
    if action.menu():
        for sub in action.menu().actions():
            if sub.menu() and "Refuge" in sub.text():
                menu_actions += [a.text() for a in sub.menu().actions()]
report["menu"] = menu_actions
with open(os.environ["REFUGE_REPORT"], "w") as handle:
    json.dump(report, handle)
# --code runs before the event loop starts: quit once it runs.
QTimer.singleShot(0, iface.actionExit().trigger)
"""


@pytest.mark.skipif(not shutil.which("xvfb-run") or not shutil.which("qgis"),
                    reason="xvfb-run and qgis are installed by `make setup`")
def test_plugin_loads_in_qgis_desktop(tmp_path):
    profile = make_profile(str(tmp_path / "profile"), ROOT)
    script = tmp_path / "check.py"
    script.write_text(SCRIPT)
    report = tmp_path / "report.json"
    env = dict(os.environ, QGIS_CUSTOM_CONFIG_PATH=profile, REFUGE_REPORT=str(report))
    env.pop("QT_QPA_PLATFORM", None)
    site = subprocess.run([os.path.join(ROOT, ".venv", "bin", "python"), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    env["PYTHONPATH"] = site
    # Own process group: on a hang, QGIS and Xvfb are killed with xvfb-run.
    process = subprocess.Popen(
        ["xvfb-run", "-a", "qgis", "--nologo", "--noversioncheck", "--code", str(script)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
    assert report.exists(), stdout[-2000:] + stderr[-2000:]
    result = json.loads(report.read_text())
    assert result["loaded"]
    assert "refuge:osm_extract_pbf" in result["algorithms"]
    assert "refuge:exposure" in result["algorithms"]
    assert any(text.startswith("Extract OSM layers") for text in result["menu"]), result
