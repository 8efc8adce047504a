"""The README documents what the code does (schema, reasons, parameters)."""

import os
import re

from conftest import ROOT
from refuge.__about__ import ALGORITHM_NAMES, REQUIRED
from refuge.core.osm.extract import REASONS, REJECT_FIELDS, layer_fields
from refuge.core.osm.themes import THEMES

README = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()


def test_two_commands_come_first():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split()[:2] for line in first_block.strip().splitlines()] == [
        ["make", "demo"], ["make", "test"]]


def test_every_layer_and_column_is_documented_in_both_languages():
    english, french = README.split("# Refuge (français)")
    for theme in THEMES:
        assert f"`{theme.name}`" in english and f"`{theme.name}`" in french
        for name, _ in layer_fields(theme):
            assert f"`{name}`" in english, (theme.name, name)
    for name, _ in REJECT_FIELDS:
        assert f"`{name}`" in english


def test_every_reject_reason_is_documented_in_both_languages():
    english, french = README.split("# Refuge (français)")
    for code in REASONS:
        assert f"`{code}`" in english and f"`{code}`" in french


def test_access_statuses_and_fields_are_documented_in_both_languages():
    from refuge.core.network.access import ACCESS_STATUSES
    from refuge.core.network.evacuation import SHELTER_STATUSES, STATUSES

    english, french = README.split("# Refuge (français)")
    fields = ["status", "shelter_fid", "distance_m", "travel_time_s", "snap_distance_m", "dry_time_s",
              "assigned_shelter_fid", "people_without_place", "load_ratio", "overflow", "flood_speed_kmh",
              "passable", "population_beyond_threshold", "band_from_min", "time_dry_s", "time_flood_s",
              "delay_s", "access_status", "zero_length", "node_ids_mismatch"]
    for code in (*STATUSES, *SHELTER_STATUSES, *ACCESS_STATUSES, *fields):
        assert f"`{code}`" in english and f"`{code}`" in french, code


def test_the_installation_table_gives_every_required_minimum_in_both_languages():
    """The README's table of dependencies says what refuge.__about__.REQUIRED says."""
    names = {"osmium": "pyosmium", "GDAL": "GDAL"}
    for part in README.split("# Refuge (français)"):
        start = part.index("## Installation")
        section = part[start:part.index("\n## ", start)]
        for package, minimum in REQUIRED.items():
            name = re.escape(names.get(package, package))
            rows = re.findall(r"^\| *([^|]*?" + name + r"[^|]*?) *\| *([0-9][0-9.]*)", section, re.M)
            assert [version for _, version in rows] == [minimum], (package, rows)


def test_every_algorithm_is_documented_in_both_languages():
    """Each algorithm's help (processing/help, read without QGIS) has a text and a help per
    parameter in English and in French, for the same parameters."""
    from refuge.processing.help import algorithm_help

    for name in ALGORITHM_NAMES:
        english, french = algorithm_help(name, "en"), algorithm_help(name, "fr")
        assert english.text and french.text and french.text != english.text, name
        assert english.parameters and set(french.parameters) == set(english.parameters), name
        for parameter, text in french.parameters.items():
            assert text and text != english.parameters[parameter], (name, parameter)
