"""French translation is complete and keeps every placeholder."""

import os
import re
import subprocess
import xml.etree.ElementTree as ET

from conftest import ROOT

TS = os.path.join(ROOT, "i18n", "refuge_fr.ts")


def messages():
    for message in ET.parse(TS).getroot().iter("message"):
        yield message.find("source").text, message.find("translation")


def test_every_string_is_translated():
    unfinished = [source for source, tr in messages()
                  if tr.get("type") in ("unfinished", "obsolete", "vanished") or not tr.text]
    assert unfinished == []


def test_placeholders_and_markup_survive_translation():
    for source, tr in messages():
        assert sorted(re.findall(r"\{\w+\}", source)) == sorted(re.findall(r"\{\w+\}", tr.text)), source
        assert sorted(re.findall(r"</?\w+>", source)) == sorted(re.findall(r"</?\w+>", tr.text)), source


def test_ts_file_lists_every_string_in_the_code(tmp_path):
    """pylupdate5 finds nothing new: `make i18n` was run after the last string change."""
    sources = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    sources = [s for s in sources if not s.startswith(("tests/", "bench/", "scripts/"))]
    fresh = tmp_path / "fresh.ts"
    subprocess.run(["pylupdate5", "-noobsolete", *sources, "-ts", str(fresh)], cwd=ROOT,
                   check=True, capture_output=True)
    in_code = {m.find("source").text for m in ET.parse(fresh).getroot().iter("message")}
    in_ts = {source for source, _ in messages()}
    assert in_code - in_ts == set()
