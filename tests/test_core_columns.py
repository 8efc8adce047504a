"""The one field-name uniquifier of the result columns (no QGIS needed)."""

from refuge.core.io.columns import unique_names


def test_free_names_are_kept():
    assert unique_names(["hazard_class", "depth_m"], ["fid", "name"]) == ["hazard_class", "depth_m"]


def test_a_taken_name_is_prefixed_whatever_its_case():
    assert unique_names(["status"], ["fid", "STATUS"]) == ["refuge_status"]


def test_prefixed_again_while_taken_and_never_twice_the_same():
    taken = ["status", "refuge_status"]
    assert unique_names(["status", "status"], taken) == [
        "refuge_refuge_status", "refuge_refuge_refuge_status"]
