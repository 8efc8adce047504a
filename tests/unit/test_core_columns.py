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


def test_one_null_for_missing_values_of_every_kind():
    from refuge.core.io.columns import BOOLEAN, INTEGER, REAL, TEXT, plain

    assert [plain(REAL, v) for v in (None, float("nan"), 2, "2.5")] == [None, None, 2.0, 2.5]
    assert [plain(INTEGER, v) for v in (None, 3.0, True)] == [None, 3, 1]
    assert [plain(BOOLEAN, v) for v in (None, 0, 1)] == [None, False, True]
    assert [plain(TEXT, v) for v in (None, 5, "é")] == [None, "5", "é"]


def test_every_writer_knows_every_kind():
    """The GeoPackage writer speaks the same vocabulary as the engine's results."""
    from refuge.core.io import gpkg
    from refuge.core.io.columns import KINDS
    from refuge.core.osm.themes import THEMES

    assert set(gpkg._FIELD_TYPES) == set(KINDS)
    assert {column.kind for theme in THEMES for column in theme.columns} <= set(KINDS)


def test_a_whole_column_from_numpy_or_a_list():
    import numpy as np
    from refuge.core.io.columns import INTEGER, REAL, TEXT, plain_values

    assert plain_values(REAL, np.array([1.5, np.nan])) == [1.5, None]
    assert plain_values(INTEGER, np.array([3, 4], dtype=np.int32)) == [3, 4]
    assert type(plain_values(INTEGER, np.array([3]))[0]) is int
    assert plain_values(TEXT, ["a", None, 2]) == ["a", None, "2"]
