"""Translated labels of the reason codes Refuge writes in its rejects layers.

One table for every algorithm reading features (the OSM extractor's own
reasons are in :func:`.messages.reject_reasons`): a code means the same
thing, and reads the same, wherever it appears.
"""

from .messages import tr


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
        # roads (network)
        "zero_length": tr("the road has no length (its vertices coincide)"),
        "node_ids_mismatch": tr("the node ids do not match the road's vertices"),
        "closed_to_profile": tr("the road is closed to this travel profile (its class, or access=no or "
                                "private): it is not used"),
        # hazard zones (prepare_hazard)
        "empty_geometry": tr("the zone has no geometry"),
        "invalid_geometry": tr("invalid geometry that could not be repaired"),
        "unmapped_value": tr("the value of the class field is not in the value map"),
        "not_polygon": tr("the zone is not a polygon"),
    }


def reject_rows(rejects):
    """Columns (layer, source_fid, reason_code, reason) of ``rejects`` [(layer, fid, code)] for
    :func:`.writer.write_table`; each (layer, fid, code) appears once."""
    seen, unique = set(), []
    for item in rejects:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    labels = reason_labels()
    return [("layer", "text", [r[0] for r in unique]),
            ("source_fid", "integer", [r[1] for r in unique]),
            ("reason_code", "text", [r[2] for r in unique]),
            ("reason", "text", [labels[r[2]] for r in unique])]
