"""The code passes ruff (configuration in pyproject.toml)."""

import os
import subprocess
import sys

from conftest import ROOT


def test_ruff_passes():
    ruff = os.path.join(os.path.dirname(sys.executable), "ruff")
    result = subprocess.run([ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
