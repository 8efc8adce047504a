"""The algorithms' help comes from processing/help/<language>/<name>.html, in QGIS's language.

Each algorithm has an English and a French file; each of its parameters has a help sentence in
both, which becomes the parameter's help (its tool tip); a file never documents a parameter the
algorithm lacks. No algorithm class overrides the loader (RefugeAlgorithm.shortHelpString).
"""

import os

import pytest
from refuge.__about__ import ALGORITHM_NAMES
from refuge.processing.help import HELP_DIR, algorithm_help

LANGUAGES = ("en", "fr")
_PROVIDERS = []  # kept alive: an algorithm's parameters die with the provider that holds it


def algorithm(name):
    from refuge.processing.provider import RefugeProvider

    if not _PROVIDERS:
        provider = RefugeProvider()
        provider.loadAlgorithms()
        _PROVIDERS.append(provider)
    found = _PROVIDERS[0].algorithm(name)
    assert found is not None, name
    return found


def parameter_names(name):
    return [definition.name() for definition in algorithm(name).parameterDefinitions()]


@pytest.fixture
def french_locale(qgis_app):
    """QGIS's interface language set to French (the user setting), and the French translator."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    from refuge.__about__ import PLUGIN_DIR

    settings = QgsSettings()
    saved = {key: settings.value(key) for key in ("locale/overrideFlag", "locale/userLocale")}
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "fr_FR")
    translator = QTranslator()
    assert translator.load(os.path.join(PLUGIN_DIR, "i18n", "refuge_fr.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)
    for key, value in saved.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)


def test_the_provider_loads_the_algorithms_of_about(qgis_app):
    assert [a.name() for a in _provider_algorithms()] == list(ALGORITHM_NAMES)


def _provider_algorithms():
    algorithm(ALGORITHM_NAMES[0])
    return sorted(_PROVIDERS[0].algorithms(), key=lambda a: ALGORITHM_NAMES.index(a.name()))


def test_every_algorithm_has_a_help_file_in_each_language_and_nothing_else_is_there():
    for language in LANGUAGES:
        files = set(os.listdir(os.path.join(HELP_DIR, language)))
        algorithms = {f"{name}.html" for name in ALGORITHM_NAMES}
        assert algorithms <= files, (language, sorted(algorithms - files))
        assert all(f.startswith("_") for f in files - algorithms), (language, sorted(files - algorithms))
    assert set(os.listdir(os.path.join(HELP_DIR, "en"))) == set(os.listdir(os.path.join(HELP_DIR, "fr")))


@pytest.mark.parametrize("name", ALGORITHM_NAMES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_parameter_has_a_help_and_no_help_names_a_missing_parameter(qgis_app, name, language):
    from refuge.processing.help import read

    names = parameter_names(name)
    own = read(language, f"{name}.html")  # this language's file alone, without the English fallback
    assert own is not None and own.text
    missing = [n for n in names if not own.parameters.get(n)]
    assert missing == [], f"{language}/{name}.html has no help for {missing}"
    unknown = sorted(set(own.parameters) - set(names))
    assert unknown == [], f"{language}/{name}.html documents parameters {name} does not have"


@pytest.mark.parametrize("name", ALGORITHM_NAMES)
def test_the_base_class_serves_the_file_and_names_every_parameter(qgis_app, name):
    from refuge.processing.base import RefugeAlgorithm

    instance = algorithm(name)
    text = RefugeAlgorithm.shortHelpString(instance)
    assert text == algorithm_help(name, "en").text
    for definition in instance.parameterDefinitions():
        assert definition.description() in text, (name, definition.name())
        assert definition.help() == algorithm_help(name, "en").parameters[definition.name()]


@pytest.mark.parametrize("name", ALGORITHM_NAMES)
def test_french_help_loads_when_the_locale_is_french(french_locale, name):
    from refuge.processing.base import RefugeAlgorithm

    french = algorithm_help(name, "fr")
    assert algorithm_help(name) == french  # the locale of QGIS's settings
    instance = algorithm(name).createInstance()  # parameters made now, in French
    text = RefugeAlgorithm.shortHelpString(instance)
    assert text == french.text and text != algorithm_help(name, "en").text
    for definition in instance.parameterDefinitions():
        assert definition.help() == french.parameters[definition.name()], definition.name()
        assert definition.description() in text, (name, definition.name())


def test_an_unknown_language_falls_back_to_english():
    assert algorithm_help("exposure", "xx_YY") == algorithm_help("exposure", "en")
    assert algorithm_help("no_such_algorithm", "fr").text == ""


def test_no_algorithm_overrides_the_help_of_the_files(qgis_app):
    from refuge.processing.base import RefugeAlgorithm

    for instance in _provider_algorithms():
        assert type(instance).shortHelpString is RefugeAlgorithm.shortHelpString, instance.name()
        assert not hasattr(instance, "network_help"), instance.name()
