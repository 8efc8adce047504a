"""Road attribute parsers (core/network/parsing.py), expectations written by hand."""

import numpy as np
import pytest
from refuge.core.network.parsing import flag_values, oneway_values, parse_class_rules, parse_id_lists


def test_node_id_lists_are_parsed_or_flagged():
    # Twin of tests/qgis/test_qgis_evacuation.py::test_node_id_lists_are_parsed_or_flagged, without QGIS.
    flat, ok = parse_id_lists(["[1,2,3]", None, "[4, 5]", "[7,x]", "[8]", "[]"], [3, 2, 2, 2, 2, 0])
    assert ok.tolist() == [True, False, True, False, False, True]
    assert flat.tolist() == [1, 2, 3, 0, 0, 4, 5, 0, 0, 0, 0]


def test_node_id_lists_fast_path_and_slow_path_agree():
    texts = ["[10, 11]", "[12,13,14]", " [15,16] "]
    flat, ok = parse_id_lists(texts, [2, 3, 2])
    assert ok.tolist() == [True, True, True]
    assert flat.tolist() == [10, 11, 12, 13, 14, 15, 16]
    # One bad list sends the parser line by line: only that line is flagged, its vertices are 0.
    flat, ok = parse_id_lists(texts[:1] + ["[12,1.5,14]"] + texts[2:], [2, 3, 2])
    assert ok.tolist() == [True, False, True]
    assert flat.tolist() == [10, 11, 0, 0, 0, 15, 16]


def test_node_id_lists_not_in_brackets_or_of_the_wrong_length_are_flagged():
    flat, ok = parse_id_lists(["1,2", "[1,2", "[1,2,3]", 7], [2, 2, 2, 1])
    assert ok.tolist() == [False, False, False, False]
    assert flat.tolist() == [0] * 7
    assert flat.dtype == np.int64


def test_oneway_values():
    values = [1, "yes", "True", " 1.0 ", -1, "-1", "reverse", -1.0, 0, "no", None, "alternating", 2]
    assert oneway_values(values).tolist() == [1, 1, 1, 1, -1, -1, -1, -1, 0, 0, 0, 0, 0]
    assert oneway_values(values).dtype == np.int8


def test_flag_values():
    values = [1, "1", "yes", "YES", "true", 1.0, True, 0, "no", None, "viaduct", "", -1]
    assert flag_values(values).tolist() == [True] * 7 + [False] * 6


def test_class_rules_accept_decimal_commas_and_comma_separated_pairs():
    # Twin of the tests/qgis test of the same name.
    assert parse_class_rules("low=0,5; medium=0; high=0") == {1: 0.5, 2: 0.0, 3: 0.0}
    assert parse_class_rules("low=0.25, medium=0.1, high=0") == {1: 0.25, 2: 0.1, 3: 0.0}
    assert parse_class_rules("") == {}
    assert parse_class_rules("medium=0.5") == {2: 0.5}  # classes not given keep the profile's default
    with pytest.raises(ValueError):
        parse_class_rules("low=2")  # a factor above 1 would speed roads up
    with pytest.raises(ValueError):
        parse_class_rules("low=-0.1")
