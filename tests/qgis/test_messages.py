"""One translated sentence for every engine error, in English and in French."""

import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def all_subclasses(kind):
    for sub in kind.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def engine_errors():
    import refuge.core
    from refuge.core.errors import RefugeError

    for module in pkgutil.walk_packages(refuge.core.__path__, "refuge.core."):
        importlib.import_module(module.name)  # every error class defined anywhere in core/
    return sorted(set(all_subclasses(RefugeError)), key=lambda kind: kind.__name__)


def test_every_engine_error_has_its_own_sentence(qgis_app):
    from refuge.processing import messages

    table = messages.error_messages()
    missing = [kind.__name__ for kind in engine_errors() if kind not in table]
    assert missing == []


def sample(kind):
    """An instance of ``kind`` with plausible facts (whatever its constructor takes)."""
    import inspect

    from refuge.core.settings import SettingError

    if kind is SettingError:
        return SettingError("out_of_range", "low=2", low=0.0, high=1.0)
    values = {"path": "/data/in.gpkg", "detail": "GDAL said something", "package": "osmium",
              "expected_size": 10, "actual_size": 5, "area_bounds": (0, 0, 1, 1), "data_bounds": (2, 2, 3, 3),
              "band": 3, "band_count": 1, "geotransform": (0, 1, 0.5, 0, 0, -1), "reason": "no_space",
              "value": "1,2,3,4", "problem": "zero_size", "expected": ".gpkg", "other": "/data/other.gpkg",
              "message": "x", "part": "low=2"}
    parameters = [p for p in inspect.signature(kind.__init__).parameters.values() if p.name != "self"
                  and p.default is inspect.Parameter.empty and p.kind == p.POSITIONAL_OR_KEYWORD]
    return kind(*[values.get(p.name, "x") for p in parameters])


@pytest.mark.parametrize("kind", engine_errors(), ids=lambda kind: kind.__name__)
def test_each_sentence_is_translated_and_keeps_english_details_out(qgis_app, kind):
    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QTranslator
    from refuge.processing import messages

    exc = sample(kind)
    english = messages.error_message(exc)
    assert "unexpected error" not in english and "GDAL said something" not in english
    translator = QTranslator()
    assert translator.load(f"{ROOT}/i18n/refuge_fr.qm")
    QgsApplication.installTranslator(translator)
    try:
        french = messages.error_message(exc)
    finally:
        QgsApplication.removeTranslator(translator)
    assert french != english, english
    assert "GDAL said something" not in french
