"""The one table of translated labels for the codes Refuge writes in its outputs.

Every code an output carries (hazard class, household, shelter and access
status, and the reason a feature was set aside in a rejects layer) is read
here, once, in the interface language: a code means the same thing, and
reads the same, wherever it appears. The codes themselves are declared in
core/ (``refuge.core.wkb.REASONS``, ``refuge.core.osm.extract.REASONS``,
``refuge.core.network.evacuation.STATUSES``, ...); tests/qgis/test_labels.py
checks that each has an English label here and a French translation.
"""

from ..core.hazard.definitions import CLASS_BY_CODE
from ..core.io.columns import INTEGER, TEXT
from .messages import tr


def class_labels():
    """{hazard class code: label}: 0 is outside every hazard zone."""
    return {0: tr("Not exposed"), 1: tr("Low"), 2: tr("Medium"), 3: tr("High")}


def class_label(code):
    """Label of a class code in the interface language (English or French)."""
    labels = class_labels()
    if code in labels:
        return labels[code]
    return CLASS_BY_CODE[code].label_en if code in CLASS_BY_CODE else str(code)


def household_status_labels():
    """{status: label} of a household (refuge.core.network.evacuation.STATUSES)."""
    return {
        "reachable": tr("a safe shelter is reachable"),
        "at_shelter": tr("at a safe shelter"),
        "isolated_by_flood": tr("cut off by the flood"),
        "no_shelter_reachable": tr("no shelter reachable, even without the flood"),
        "no_road": tr("no road within the snapping distance"),
    }


def shelter_status_labels():
    """{status: label} of a shelter (refuge.core.network.evacuation.SHELTER_STATUSES)."""
    return {
        "safe": tr("safe"),
        "flooded": tr("in the hazard zone: not a destination"),
        "no_road": tr("no road within the snapping distance"),
    }


def evacuation_status_labels():
    """The labels of refuge:evacuation_access's status column (households and shelters)."""
    return {**household_status_labels(), **shelter_status_labels()}


def access_status_labels():
    """The labels of refuge:facility_access's status column (refuge.core.network.access.ACCESS_STATUSES)."""
    return {
        "unchanged": tr("reached as without the flood"),
        "delayed": tr("reached later than the delay threshold"),
        "loses_access": tr("no longer reached once flooded"),
        "no_access_dry": tr("not reached even without the flood"),
        "no_road": tr("no road within the snapping distance"),
        "no_geometry": tr("the feature has no geometry"),
    }


def reason_labels():
    """{reason code: translated sentence} of every feature set aside by an analysis algorithm."""
    return {
        # an input feature's geometry (refuge.core.wkb.REASONS)
        "no_geometry": tr("the feature has no geometry"),
        "unreadable_geometry": tr("the geometry cannot be read (a line of one point, or damaged data)"),
        "invalid_coordinates": tr("the geometry has coordinates that are not numbers (NaN) or infinite"),
        "wrong_geometry_type": tr("the geometry is not of a type this input accepts (for example a line "
                                  "among buildings)"),
        "outside_crs": tr("the coordinates lie outside what the layer's coordinate reference system can "
                          "place (a longitude of 1e20 degrees, for example)"),
        "degenerate_geometry": tr("the geometry encloses nothing (rings of fewer than four points, or "
                                  "folded onto a line)"),
        # roads (refuge.core.network.graph)
        "zero_length": tr("the road has no length (its vertices coincide)"),
        "node_ids_mismatch": tr("the node ids do not match the road's vertices"),
        "closed_to_profile": tr("the road is closed to this travel profile (its class, or access=no or "
                                "private): it is not used"),
        # hazard zones (refuge.core.hazard.zones)
        "empty_geometry": tr("the zone has no geometry"),
        "invalid_geometry": tr("invalid geometry that could not be repaired"),
        "unmapped_value": tr("the value of the class field is not in the value map"),
        "not_polygon": tr("the zone is not a polygon"),
    }


def osm_reason_labels():
    """{reason code: sentence} of the OSM extractor's rejects (refuge.core.osm.extract.REASONS)."""
    return {
        "missing_nodes": tr("some nodes of the way are missing from the file (clipped extract)"),
        "too_few_points": tr("fewer than two distinct points"),
        "not_closed": tr("the way is not a closed ring, so it cannot be an area"),
        "assembly_failed": tr("the multipolygon could not be assembled (member ways missing "
                              "from the file or rings not closed)"),
        "invalid_geometry": tr("invalid geometry that could not be repaired"),
        "not_an_area": tr("a relation that is not a multipolygon (or a boundary) has no area of its own; "
                          "its member ways that are areas are extracted on their own"),
        "members_missing": tr("none of the relation's member nodes and ways are in the file"),
    }


def reject_rows(rejects):
    """Columns (layer, source_fid, reason_code, reason) of ``rejects`` [(layer, fid, code)] for
    :func:`.sinks.write_layer`; each (layer, fid, code) appears once."""
    unique = list(dict.fromkeys(rejects))
    labels = reason_labels()
    return [("layer", TEXT, [r[0] for r in unique]),
            ("source_fid", INTEGER, [r[1] for r in unique]),
            ("reason_code", TEXT, [r[2] for r in unique]),
            ("reason", TEXT, [labels[r[2]] for r in unique])]
