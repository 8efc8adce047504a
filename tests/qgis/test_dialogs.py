"""The Processing dialogs a planner meets: the few inputs that matter first, tuning folded away."""

import pytest

ALGORITHMS = ("osm_extract_pbf", "prepare_hazard", "exposure", "evacuation_access", "facility_access")


_PROVIDERS = []  # kept alive: an algorithm's parameters die with the provider that holds it


def algorithm(name):
    from refuge.processing.provider import RefugeProvider

    if not _PROVIDERS:
        provider = RefugeProvider()
        provider.loadAlgorithms()  # addAlgorithm() initialises each algorithm
        _PROVIDERS.append(provider)
    found = _PROVIDERS[0].algorithm(name)
    assert found is not None, name
    return found


@pytest.mark.parametrize("name", ALGORITHMS)
def test_at_most_ten_parameters_are_in_view(qgis_app, name):
    from refuge.processing import compat

    definitions = algorithm(name).parameterDefinitions()
    in_view = [d.name() for d in definitions if not compat.is_advanced(d)]
    assert len(in_view) <= 10, in_view
    assert in_view, "every parameter folded away"


@pytest.mark.parametrize("name", ALGORITHMS)
def test_every_advanced_name_is_a_parameter_and_flagged(qgis_app, name):
    from refuge.processing import compat

    instance = algorithm(name)
    names = {d.name() for d in instance.parameterDefinitions()}
    assert instance.ADVANCED <= names, sorted(instance.ADVANCED - names)
    for definition in instance.parameterDefinitions():
        assert compat.is_advanced(definition) == (definition.name() in instance.ADVANCED), definition.name()


@pytest.mark.parametrize("name", ALGORITHMS)
def test_required_inputs_stay_in_view(qgis_app, name):
    """A parameter without a default that must be given is never folded away (the dialog would
    hide what stops the run)."""
    from refuge.processing import compat

    for definition in algorithm(name).parameterDefinitions():
        required = not (definition.flags() & _optional_flag()) and definition.defaultValue() is None
        if required and not definition.isDestination():
            assert not compat.is_advanced(definition), definition.name()


def _optional_flag():
    from qgis.core import Qgis, QgsProcessingParameterDefinition

    return getattr(getattr(Qgis, "ProcessingParameterFlag", None), "Optional", None) or \
        QgsProcessingParameterDefinition.FlagOptional
