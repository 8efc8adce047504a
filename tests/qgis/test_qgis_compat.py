"""processing/compat.py's attribute types make the same QgsField as QVariant's did.

On QGIS < 3.38 (this machine) compat.ATTR_* are QVariant's types; from 3.38 on
they are QMetaType.Type values, which QgsField takes since then (PyQt6 has no
QVariant.Int & co.). Either way a field made with them must keep the type and
type name the algorithms wrote before.
"""

import pytest


@pytest.fixture(scope="module")
def compat(qgis_app):
    from refuge.processing import compat

    return compat


def _old_types():
    # The spelling the code used before compat.ATTR_* (QGIS 3.22-3.36, PyQt5);
    # looked up by name so the Qt 6 check does not flag this test file.
    from qgis.PyQt.QtCore import QVariant

    if not hasattr(QVariant, "Int"):  # pragma: no cover - PyQt6
        pytest.skip("PyQt6 has no QVariant.Int to compare with")
    return {name: getattr(QVariant, name) for name in ("Int", "LongLong", "Double", "String", "Bool")}


ATTRS = {"ATTR_INT": "Int", "ATTR_INT64": "LongLong", "ATTR_DOUBLE": "Double", "ATTR_STRING": "String",
         "ATTR_BOOL": "Bool"}


@pytest.mark.parametrize("attr", sorted(ATTRS))
def test_attribute_types_match_qvariant(compat, attr):
    from qgis.core import Qgis, QgsField

    new = QgsField("x", getattr(compat, attr))
    if Qgis.QGIS_VERSION_INT >= 33800:  # pragma: no cover - newer QGIS only
        from qgis.PyQt.QtCore import QMetaType

        assert isinstance(getattr(compat, attr), QMetaType.Type)
        assert int(new.type()) == int(getattr(QMetaType.Type, "QString" if attr == "ATTR_STRING"
                                              else ATTRS[attr]))
        return
    old = QgsField("x", _old_types()[ATTRS[attr]])
    assert new.type() == old.type()
    assert new.typeName() == old.typeName()
    assert new.isNumeric() == old.isNumeric()


def test_attribute_types_survive_a_layer(compat, tmp_path):
    """Added to a layer's provider and read back, each type keeps its kind."""
    from qgis.core import QgsField, QgsFields, QgsVectorLayer

    fields = QgsFields()
    for attr in sorted(ATTRS):
        fields.append(QgsField(attr.lower(), getattr(compat, attr)))
    layer = QgsVectorLayer("None", "types", "memory")
    assert layer.dataProvider().addAttributes(fields.toList())
    layer.updateFields()
    old = _old_types()
    for attr, name in ATTRS.items():
        field = layer.fields().field(attr.lower())
        assert field.type() == QgsField("y", old[name]).type(), attr


def test_writer_kinds_use_compat(compat):
    from refuge.processing import sinks

    assert sinks._VARIANTS == {"integer": compat.ATTR_INT64, "real": compat.ATTR_DOUBLE,
                                "text": compat.ATTR_STRING, "boolean": compat.ATTR_BOOL}


def test_request_no_geometry_flag(compat):
    """compat.REQUEST_NO_GEOMETRY is the NoGeometry request flag (Qgis.FeatureRequestFlag from QGIS 3.36)."""
    from qgis.core import QgsFeatureRequest

    request = QgsFeatureRequest()
    assert not request.flags() & compat.REQUEST_NO_GEOMETRY
    request.setFlags(request.flags() | compat.REQUEST_NO_GEOMETRY)
    assert request.flags() & compat.REQUEST_NO_GEOMETRY
    assert int(compat.REQUEST_NO_GEOMETRY) == 1  # QgsFeatureRequest::NoGeometry = Qgis::NoGeometry = 1
