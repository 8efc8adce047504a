"""The plugin loads in QGIS with an iface; provider and algorithms are complete."""

import pytest


@pytest.fixture
def plugin(refuge_unloaded):
    import refuge
    from qgis.testing.mocked import get_iface

    iface = get_iface()
    instance = refuge.classFactory(iface)
    instance.initGui()
    yield instance, iface
    instance.unload()


def test_init_gui_registers_provider_and_menu(plugin):
    from qgis.core import QgsApplication

    instance, iface = plugin
    provider = QgsApplication.processingRegistry().providerById("refuge")
    assert provider is instance.provider
    assert sorted(a.id() for a in provider.algorithms()) == [
        "refuge:evacuation_access", "refuge:exposure", "refuge:facility_access", "refuge:osm_extract_pbf",
        "refuge:prepare_hazard"]
    assert [a.objectName() for a in instance.actions] == [
        "refuge_osm_extract_pbf", "refuge_prepare_hazard", "refuge_exposure", "refuge_evacuation_access",
        "refuge_facility_access"]
    assert iface.addPluginToMenu.call_count == 6  # the five algorithms and Help
    assert instance.actions[0].text().startswith("Extract OSM layers")
    assert instance.help_action.objectName() == "refuge_help"
    assert iface.addPluginToMenu.call_args.args[1] is instance.help_action


def test_unload_removes_everything(refuge_unloaded):
    import refuge
    from qgis.core import QgsApplication
    from qgis.testing.mocked import get_iface

    registry = QgsApplication.processingRegistry()
    iface = get_iface()
    instance = refuge.classFactory(iface)
    instance.initGui()
    instance.unload()
    assert registry.providerById("refuge") is None
    assert instance.actions == [] and instance.help_action is None
    assert iface.removePluginMenu.call_count == 6  # the five algorithms and Help


def test_init_processing_alone_as_qgis_process_does(refuge_unloaded):
    import refuge
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    instance = refuge.classFactory(None)
    instance.initProcessing()
    instance.initProcessing()  # idempotent
    assert registry.providerById("refuge") is instance.provider
    instance.unload()


def test_every_algorithm_is_documented(qgis_app):
    """The help of processing/help/ (served by the base class) names every parameter and gives
    each its own help; tests/qgis/test_help.py checks the files in both languages."""
    from qgis.core import QgsApplication
    from refuge.processing.base import RefugeAlgorithm

    provider = QgsApplication.processingRegistry().providerById("refuge")
    assert provider.algorithms()
    for algorithm in provider.algorithms():
        assert algorithm.name() == algorithm.name().lower()
        assert algorithm.displayName() and algorithm.group() and algorithm.groupId()
        help_text = algorithm.shortHelpString()
        file_text = RefugeAlgorithm.shortHelpString(algorithm)
        for parameter in algorithm.parameterDefinitions():
            assert parameter.description(), parameter.name()
            assert parameter.description() in help_text, (algorithm.id(), parameter.name())
            assert parameter.description() in file_text, (algorithm.id(), parameter.name())
            assert parameter.help(), (algorithm.id(), parameter.name())
        ok, message = algorithm.canExecute()
        assert ok, message
        assert algorithm.createInstance().name() == algorithm.name()


def test_dependency_check_matches_qgis_geos():
    import shapely
    from qgis.core import Qgis
    from refuge.core.deps import check, geos_release

    assert check(Qgis.geosVersion()) == []
    assert geos_release(Qgis.geosVersion()) == tuple(shapely.geos_version)
    problems = check("2.0.0-CAPI-1.0")
    assert problems and problems[0][0] == "shapely" and "GEOS" in problems[0][1]


def test_french_translation_compiled():
    import os

    from qgis.PyQt.QtCore import QTranslator
    from refuge.__about__ import PLUGIN_DIR

    path = os.path.join(PLUGIN_DIR, "i18n", "refuge_fr.qm")
    assert os.path.exists(path), "run 'make translations'"
    translator = QTranslator()
    assert translator.load(path)
    assert translator.translate("OsmExtractPbf", "Extract OSM layers from a .pbf file") \
        == "Extraire les couches OSM d’un fichier .pbf"


def test_shared_messages_are_translated_whatever_their_context(qgis_app):
    """messages.tr() finds strings pylupdate filed under "@default" and under "messages"."""
    import os
    import xml.etree.ElementTree as ET

    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    from refuge.__about__ import PLUGIN_DIR
    from refuge.processing import messages

    translator = QTranslator()
    assert translator.load(os.path.join(PLUGIN_DIR, "i18n", "refuge_fr.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        checked = 0
        for context in ET.parse(os.path.join(PLUGIN_DIR, "i18n", "refuge_fr.ts")).getroot().iter("context"):
            if context.find("name").text not in ("@default", "messages"):
                continue
            for message in context.iter("message"):
                source = message.find("source").text
                assert messages.tr(source) == message.find("translation").text, source
                checked += 1
        assert checked > 10
    finally:
        QCoreApplication.removeTranslator(translator)


def test_algorithms_refuse_to_run_with_a_broken_geometry_stack(qgis_app, monaco_pbf, tmp_path):
    """With shapely on another GEOS than QGIS, nothing is computed and the fix is named."""
    from qgis.core import QgsApplication, QgsProcessingException
    from refuge.processing import dependencies

    import processing

    algorithm = QgsApplication.processingRegistry().algorithmById("refuge:osm_extract_pbf")
    saved = dependencies._problems
    dependencies._problems = [("shapely", "shapely uses GEOS 3.12.0 but QGIS uses GEOS 3.11.1")]
    try:
        ok, message = algorithm.canExecute()
        assert not ok and "GEOS 3.12.0" in message and "README" in message
        with pytest.raises(QgsProcessingException) as info:
            processing.run("refuge:osm_extract_pbf",
                           {"INPUT": monaco_pbf, "OUTPUT": str(tmp_path / "out.gpkg")})
        assert "GEOS" in str(info.value)
        assert not (tmp_path / "out.gpkg").exists()
    finally:
        dependencies._problems = saved
