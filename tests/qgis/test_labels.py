"""Every code an output carries has one label, in English and in French (processing/labels.py)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tables():
    from refuge.processing import labels

    return {"class": labels.class_labels, "household": labels.household_status_labels,
            "shelter": labels.shelter_status_labels, "access": labels.access_status_labels,
            "reason": labels.reason_labels, "osm_reason": labels.osm_reason_labels}


def test_every_code_declared_in_core_has_a_label(qgis_app):
    from refuge.core import wkb
    from refuge.core.hazard.definitions import CLASS_BY_CODE
    from refuge.core.network import access, evacuation
    from refuge.core.osm import extract

    declared = {"class": set(CLASS_BY_CODE) | {0}, "household": set(evacuation.STATUSES),
                "shelter": set(evacuation.SHELTER_STATUSES), "access": set(access.ACCESS_STATUSES),
                "reason": set(wkb.REASONS), "osm_reason": set(extract.REASONS)}
    for name, table in tables().items():
        assert declared[name] <= set(table()), (name, declared[name] - set(table()))


@pytest.mark.parametrize("name", sorted(tables()))
def test_each_label_has_a_french_translation(qgis_app, name):
    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QTranslator

    english = tables()[name]()
    translator = QTranslator()
    assert translator.load(f"{ROOT}/i18n/refuge_fr.qm")
    QgsApplication.installTranslator(translator)
    try:
        french = tables()[name]()
    finally:
        QgsApplication.removeTranslator(translator)
    assert set(french) == set(english)
    untranslated = [code for code in english if french[code] == english[code] or not french[code]]
    assert untranslated == []


def test_rejects_rows_keep_each_reject_once_with_its_label(qgis_app):
    from refuge.processing.labels import reason_labels, reject_rows

    rows = dict((name, values) for name, _kind, values in reject_rows(
        [("roads", 4, "zero_length"), ("roads", 4, "zero_length"), ("buildings", 1, "no_geometry")]))
    assert rows["source_fid"] == [4, 1]
    assert rows["reason"] == [reason_labels()["zero_length"], reason_labels()["no_geometry"]]
