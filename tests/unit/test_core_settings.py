"""The one 'key=value' settings grammar (refuge.core.settings) and the exposure settings read with it
(refuge.core.exposure.needs): wrong numbers are refused with the part at fault and the allowed range,
right ones read exactly, whatever the separators, case, spacing, decimal comma or language.

Before the fix, women=1.5, water_l_day=-15 or household_size=0 were accepted and gave
impossible numbers of people and needs.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from refuge.core import settings as grammar
from refuge.core.exposure import needs
from refuge.core.settings import SettingError


def refused(function, text):
    with pytest.raises(SettingError) as caught:
        function(text)
    return caught.value


# -- pairs and numbers ------------------------------------------------------------------------------


def test_pairs_split_on_semicolons_new_lines_and_commas_before_a_key():
    text = "a=1; b = 2\nc=3, d=0,5 ,e=6"
    assert [(k, v) for k, v, _ in grammar.pairs(text)] == [
        ("a", "1"),
        ("b", "2"),
        ("c", "3"),
        ("d", "0,5"),
        ("e", "6"),
    ]


def test_pairs_refuse_a_part_without_equals():
    error = refused(grammar.pairs, "a=1; oops; b=2")
    assert (error.problem, error.part) == ("not_pair", "oops")


@pytest.mark.parametrize(
    "text, value", [("0.5", 0.5), ("0,5", 0.5), (" 2 ", 2.0), ("-1,25", -1.25), ("1e3", 1000.0)]
)
def test_number_reads_decimal_points_and_commas(text, value):
    assert grammar.number(text) == value


@pytest.mark.parametrize("text", ["abc", "", "nan", "inf", "-inf", "1e400", "0,5,1", "1.2.3", "½"])
def test_number_refuses_what_is_not_a_finite_number(text):
    error = refused(grammar.number, text)
    assert error.problem == "not_number"


DEFAULTS = {"alpha": 1.0, "beta": 2.0}


def test_numbers_keep_the_defaults_of_keys_not_given():
    assert grammar.numbers("Beta = 5", DEFAULTS) == {"alpha": 1.0, "beta": 5.0}
    assert grammar.numbers("", DEFAULTS) == DEFAULTS


def test_numbers_refuse_an_unknown_key_and_name_the_right_ones():
    error = refused(lambda t: grammar.numbers(t, DEFAULTS), "alpha=1; gamma=3")
    assert (error.problem, error.part) == ("unknown_key", "gamma")
    assert set(error.allowed) == {"alpha", "beta"}


@pytest.mark.parametrize("text", ["alpha=1; alpha=2", "alpha=1; ALPHA = 2", "alpha=1\n Alpha=1"])
def test_numbers_refuse_a_key_given_twice(text):
    error = refused(lambda t: grammar.numbers(t, DEFAULTS), text)
    assert error.problem == "duplicate_key"
    assert "alpha" in error.part.lower()


@pytest.mark.parametrize(
    "text, low, high, low_open",
    [
        ("alpha=-0.1", 0.0, 1.0, False),
        ("alpha=1.01", 0.0, 1.0, False),
        ("beta=0", 0.0, None, True),
        ("beta=-3", 0.0, None, True),
    ],
)
def test_numbers_refuse_values_out_of_range_with_the_range(text, low, high, low_open):
    ranges = {"alpha": (0.0, 1.0, False), "beta": (0.0, None, True)}
    error = refused(lambda t: grammar.numbers(t, DEFAULTS, ranges=ranges), text)
    assert (error.problem, error.part) == ("out_of_range", text)
    assert (error.low, error.high, error.low_open) == (low, high, low_open)


def test_numbers_accept_the_bounds_of_a_closed_range():
    ranges = {"alpha": (0.0, 1.0, False), "beta": (0.0, 1.0, False)}
    assert grammar.numbers("alpha=0; beta=1", DEFAULTS, ranges=ranges) == {"alpha": 0.0, "beta": 1.0}


# -- classes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, code",
    [
        ("low", 1),
        ("Faible", 1),
        ("1", 1),
        ("medium", 2),
        ("moyen", 2),
        ("MOYENNE", 2),
        ("modéré", 2),
        ("high", 3),
        ("fort", 3),
        ("forte", 3),
        ("élevé", 3),
        ("eleve", 3),
        ("3", 3),
        ("dry", 0),
        ("sec", 0),
        ("non exposé", 0),
        ("not  exposed", 0),
        ("0", 0),
    ],
)
def test_class_words_in_english_and_french(word, code):
    assert grammar.class_key(word) == code


@pytest.mark.parametrize("word", ["very high", "4", "-1", "", "haut", "1.5"])
def test_words_that_name_no_class(word):
    assert grammar.class_key(word) is None


def test_value_map_matches_values_ignoring_case_and_spaces():
    assert grammar.class_map("YES=high; no = dry; Flood  Prone=moyen") == [
        ("yes", 3),
        ("no", 0),
        ("flood prone", 2),
    ]


def test_value_map_splits_at_the_last_equals():
    assert grammar.class_map("depth=2=high") == [("depth=2", 3)]


@pytest.mark.parametrize("text", ["YES=high;YES=low", "YES=high; yes = low", "Yes=high\n YES =high"])
def test_value_map_refuses_a_value_given_twice(text):
    error = refused(grammar.class_map, text)
    assert error.problem == "duplicate_key"
    assert "yes" in error.part.lower()


def test_value_map_refuses_a_word_that_is_not_a_class():
    error = refused(grammar.class_map, "YES=extreme")
    assert (error.problem, error.part) == ("not_class", "extreme")
    assert "low" in error.allowed


@pytest.mark.parametrize("text", ["", "  ", ";;"])
def test_empty_value_map_is_refused(text):
    assert refused(grammar.class_map, text).problem == "empty"


# -- number lists (isochrone bands) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, values",
    [("5, 10, 15", [5.0, 10.0, 15.0]), ("15;5 10", [5.0, 10.0, 15.0]), ("10, 10, 2.5", [2.5, 10.0])],
)
def test_number_list_reads_sorted_distinct_numbers(text, values):
    assert grammar.number_list(text) == values


@pytest.mark.parametrize(
    "text, problem",
    [
        ("abc", "not_number"),
        ("5, abc", "not_number"),
        ("0, 5", "out_of_range"),
        ("-5", "out_of_range"),
        ("", "empty"),
        (" , ;", "empty"),
        ("5, inf", "not_number"),
    ],
)
def test_number_list_refuses_bad_bands(text, problem):
    assert refused(grammar.number_list, text).problem == problem


# -- exposure settings ---------------------------------------------------------------------------------


def test_displacement_in_french_with_decimal_commas():
    assert needs.parse_displacement("faible=0, moyen=0,5, fort=1") == {0: 0.0, 1: 0.0, 2: 0.5, 3: 1.0}


@pytest.mark.parametrize("text", ["low=0.1; faible=0.2", "high=1; 3=0.5", "medium=0; MOYEN=0"])
def test_displacement_refuses_a_class_given_twice_in_two_languages(text):
    assert refused(needs.parse_displacement, text).problem == "duplicate_key"


@pytest.mark.parametrize("text", ["low=1.2", "high=-0.5", "medium=150"])
def test_displacement_rates_lie_between_0_and_1(text):
    error = refused(needs.parse_displacement, text)
    assert (error.problem, error.low, error.high) == ("out_of_range", 0.0, 1.0)


def test_displacement_refuses_a_key_that_is_not_a_class():
    error = refused(needs.parse_displacement, "extreme=1")
    assert error.problem == "unknown_key" and "low" in error.allowed


@pytest.mark.parametrize(
    "text, part",
    [("women=1.5", "women=1.5"), ("under5=-0.1", "under5=-0.1"), ("women=0.5; aged60=2", "aged60=2")],
)
def test_demographic_ratios_lie_between_0_and_1(text, part):
    error = refused(needs.parse_demographics, text)
    assert (error.problem, error.part, error.low, error.high) == ("out_of_range", part, 0.0, 1.0)


def test_demographic_ratios_read_decimal_commas_and_keep_defaults():
    ratios = needs.parse_demographics("women=0,52; Under5 = 0.1")
    assert ratios == {**needs.DEMOGRAPHICS, "women": 0.52, "under5": 0.1}


@pytest.mark.parametrize(
    "text, part, low_open",
    [
        ("water_l_day=-15", "water_l_day=-15", False),
        ("household_size=0", "household_size=0", True),
        ("people_per_toilet=0", "people_per_toilet=0", True),
        ("people_per_toilet=-20", "people_per_toilet=-20", True),
        ("shelter_m2=-1", "shelter_m2=-1", False),
    ],
)
def test_needs_refuse_negative_quantities_and_zero_divisors(text, part, low_open):
    error = refused(needs.parse_needs, text)
    assert (error.problem, error.part, error.low, error.high, error.low_open) == (
        "out_of_range",
        part,
        0.0,
        None,
        low_open,
    )


def test_needs_accept_zero_quantities_that_divide_nothing():
    assert needs.parse_needs("water_l_day=0; shelter_m2=0")["water_l_day"] == 0.0


def test_needs_refuse_duplicate_and_unknown_keys():
    assert refused(needs.parse_needs, "water_l_day=15; Water_L_Day=20").problem == "duplicate_key"
    error = refused(needs.parse_needs, "beer_l_day=2")
    assert error.problem == "unknown_key" and "water_l_day" in error.allowed


def test_needs_from_settings_are_what_was_written():
    """Needs computed by hand from parsed settings: 100 people in the high class, all displaced."""
    displacement = needs.parse_displacement("fort=1; moyen=0,5")
    minimum = needs.parse_needs("water_l_day=20; household_size=4")
    report = needs.displaced_needs({0: 50.0, 1: 0.0, 2: 10.0, 3: 100.0}, displacement, None, minimum)
    assert report.displaced == pytest.approx(105.0)
    assert report.needs["water_l_day"] == pytest.approx(105.0 * 20)


# -- properties ---------------------------------------------------------------------------------------

TOKENS = list("=;,\n .-+eE0123456789_") + [
    "low",
    "high",
    "moyen",
    "faible",
    "dry",
    "women",
    "water_l_day",
    "household_size",
    "alpha",
    "é",
    "١",
    "½",
    "\t",
    "\u00a0",
    "∞",
    "NaN",
    "inf",
    "1e400",
    "0,5",
    "YES",
]
SETTING_TEXT = st.lists(st.sampled_from(TOKENS), max_size=25).map("".join) | st.text(max_size=30)

PARSERS = {
    "displacement": needs.parse_displacement,
    "demographics": needs.parse_demographics,
    "needs": needs.parse_needs,
    "value map": grammar.class_map,
    "number list": grammar.number_list,
    "numbers": lambda text: grammar.numbers(text, DEFAULTS, ranges={"alpha": (0.0, 1.0, False)}),
}


@settings(max_examples=400, deadline=None)
@given(text=SETTING_TEXT, parser=st.sampled_from(sorted(PARSERS)))
def test_random_text_raises_only_setting_errors(text, parser):
    """Whatever a user types, a parser returns its settings or raises SettingError (which the
    algorithms turn into a message), never another exception."""
    try:
        result = PARSERS[parser](text)
    except SettingError as error:
        assert error.problem in (
            "not_pair",
            "unknown_key",
            "not_number",
            "out_of_range",
            "duplicate_key",
            "not_class",
            "empty",
        )
        return
    if parser in ("displacement", "demographics", "needs", "numbers"):
        assert all(isinstance(v, float) and math.isfinite(v) for v in result.values())
    if parser == "number list":
        assert result == sorted(set(result)) and result[0] > 0


def _written(value, comma):
    text = repr(float(value))
    return text.replace(".", ",") if comma else text


@settings(max_examples=200, deadline=None)
@given(
    values=st.dictionaries(st.sampled_from(sorted(needs.DEMOGRAPHICS)), st.floats(0.0, 1.0, allow_nan=False)),
    separators=st.lists(st.sampled_from(["; ", ";", "\n", ", ", " ;\n"]), min_size=4, max_size=4),
    commas=st.lists(st.booleans(), min_size=4, max_size=4),
    upper=st.lists(st.booleans(), min_size=4, max_size=4),
    end=st.sampled_from(["", ";", "\n", " ; "]),
)
def test_ratios_written_any_way_are_read_exactly(values, separators, commas, upper, end):
    """Ratios in range, written with any separator, decimal commas and case, are read exactly."""
    parts = [
        f"{key.upper() if up else key} = {_written(value, comma)}"
        for (key, value), comma, up in zip(values.items(), commas, upper)
    ]
    text = "".join(separator + part for part, separator in zip(parts, ["", *separators])) + end
    assert needs.parse_demographics(text) == {**needs.DEMOGRAPHICS, **values}
