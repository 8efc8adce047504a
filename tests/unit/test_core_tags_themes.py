"""Tag parsers and theme rules, on hand-made tag sets."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from refuge.core.osm import tags as t
from refuge.core.osm.themes import (
    GROUPS,
    THEMES,
    THEMES_BY_NAME,
    attributes,
    themes_for_groups,
)


@pytest.mark.parametrize("value, expected", [
    ("50", 50.0), ("30 mph", 30 * 1.609344), ("50;30", 50.0), ("FR:urban", None),
    ("none", None), ("walk", None), ("7.5", 7.5), ("10 knots", 18.52),
])
def test_maxspeed_kmh(value, expected):
    result = t.maxspeed_kmh({"maxspeed": value})
    assert result == pytest.approx(expected) if expected is not None else result is None


@pytest.mark.parametrize("tags, expected", [
    ({"oneway": "yes"}, 1), ({"oneway": "-1"}, -1), ({"oneway": "reverse"}, -1),
    ({"oneway": "no"}, 0), ({}, 0), ({"junction": "roundabout"}, 1),
    ({"junction": "roundabout", "oneway": "no"}, 0), ({"highway": "motorway"}, 1),
    ({"highway": "residential"}, 0), ({"oneway": "reversible"}, 0),
])
def test_oneway(tags, expected):
    assert t.oneway(tags) == expected


def test_numbers_and_flags():
    assert t.real("building:levels")({"building:levels": "3"}) == 3.0
    assert t.real("building:levels")({"building:levels": "2,5"}) == 2.5
    assert t.real("building:levels")({"building:levels": "many"}) is None
    assert t.integer("capacity")({"capacity": "120 people"}) == 120
    assert t.integer("capacity")({"capacity": "2.5"}) is None
    assert t.integer("emergency:capacity", "capacity")({"capacity": "40"}) == 40
    assert t.flag("bridge")({"bridge": "viaduct"}) == 1
    assert t.flag("bridge")({"bridge": "no"}) == 0
    assert t.flag("bridge")({}) == 0
    assert t.height_m({"height": "12 m"}) == 12.0
    assert t.height_m({"height": "10 ft"}) == pytest.approx(3.048)


def test_categories():
    buildings = THEMES_BY_NAME["buildings"]
    assert buildings.category({"building": "house"}) == "house"
    assert buildings.category({"building": "no"}) is None
    facilities = THEMES_BY_NAME["facilities"]
    assert facilities.category({"amenity": "hospital"}) == "hospital"
    assert facilities.category({"healthcare": "doctor"}) == "doctors"
    assert facilities.category({"amenity": "bench"}) is None
    shelters = THEMES_BY_NAME["shelters"]
    assert shelters.category({"amenity": "shelter", "shelter_type": "public_transport"}) \
        == "transport_shelter"
    assert shelters.category({"amenity": "shelter"}) == "shelter"
    assert shelters.category({"amenity": "school", "emergency:social_facility": "shelter"}) \
        == "evacuation_centre"
    assert shelters.category({"emergency": "assembly_point"}) == "assembly_point"
    roads = THEMES_BY_NAME["roads"]
    assert roads.category({"highway": "proposed"}) is None
    assert roads.category({"highway": "footway"}) == "footway"


def test_critical_flag_follows_category():
    facilities = THEMES_BY_NAME["facilities"]
    assert attributes(facilities, {"amenity": "hospital"})["critical"] == 1
    assert attributes(facilities, {"healthcare": "clinic"})["critical"] == 1
    assert attributes(facilities, {"amenity": "pharmacy"})["critical"] == 0


def test_groups():
    assert set(GROUPS) == {"buildings", "roads", "facilities", "shelters", "waterways", "boundaries"}
    assert [th.name for th in themes_for_groups(["waterways"])] == ["waterways", "water_areas"]
    assert themes_for_groups(None) == THEMES
    with pytest.raises(ValueError):
        themes_for_groups(["volcanoes"])


tag_values = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_:;0123456789 .", max_size=12)
tag_sets = st.dictionaries(
    st.sampled_from(["building", "highway", "amenity", "healthcare", "emergency",
                     "social_facility", "waterway", "natural", "landuse", "boundary",
                     "name", "oneway", "maxspeed", "capacity", "shelter_type"]),
    tag_values, max_size=6)


@given(tag_sets)
def test_rules_are_total_and_typed(tags):
    for theme in THEMES:
        category = theme.category(tags)
        assert category is None or isinstance(category, str)
        values = attributes(theme, tags)
        for column in theme.columns:
            value = values[column.name]
            expected = {"text": str, "integer": int, "real": float, "boolean": int}[column.kind]
            assert value is None or isinstance(value, expected)


@given(tag_sets)
def test_value_no_never_matches(tags):
    tags = {key: "no" for key in tags}
    for theme in THEMES:
        assert theme.category(tags) is None
