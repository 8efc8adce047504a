"""The one reader of hazard classes (polygons with a class field) for every algorithm using them.

Exposure and the two access algorithms read the same input the same way:
the class field must exist and hold class codes (0 not exposed, 1 low, 2
medium, 3 high, as whole numbers); zones without a usable geometry are
reported with their reason; invalid zones are repaired.
"""

from dataclasses import dataclass

import numpy as np
from qgis.core import QgsProcessingException

from ..core.geometry import repair
from ..core.hazard.definitions import CLASS_BY_CODE
from . import messages, sources


@dataclass
class HazardZones:
    """Zones with a usable geometry: ``polygons`` (repaired) and their ``codes``, in ``crs``."""

    polygons: np.ndarray
    codes: np.ndarray
    crs: str
    rejects: list  # [(fid, reason code)] of the zones set aside
    repaired: int


def class_code(value):
    """The hazard class code a field value holds (0 to 3, as a whole number), else None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() and int(number) in CLASS_BY_CODE else None


def read_zones(algorithm, parameters, context, feedback, zones_name, field_name):
    """The :class:`HazardZones` of input ``zones_name``, or None when it is not given."""
    source = algorithm.parameterAsSource(parameters, zones_name, context)
    if source is None:
        return None
    layer = algorithm.parameterDefinition(zones_name).description()
    field = algorithm.parameterAsString(parameters, field_name, context) or "hazard_class"
    if source.fields().lookupField(field) < 0:
        raise QgsProcessingException(messages.tr(
            "The hazard layer has no field {field}. Choose its class field, or prepare it "
            "with Prepare a hazard layer.").format(field=field))
    _, arrays = sources.read_arrays(algorithm, parameters, zones_name, context, feedback, always_fast=True)
    if not len(arrays):
        raise QgsProcessingException(messages.tr("The hazard layer {layer} is empty.").format(layer=layer))
    values = arrays.values(field)
    unknown = sorted({"NULL" if v is None else str(v) for v in values if class_code(v) is None})
    if unknown:
        raise QgsProcessingException(messages.tr(
            "The hazard class field holds values that are not classes ({values}): use 0 to 3, "
            "or prepare the layer with Prepare a hazard layer.").format(values=", ".join(unknown[:10])))
    rejected = set(arrays.null_geometry)
    if len(rejected) == len(arrays):
        raise QgsProcessingException(messages.tr(
            "No zone of the hazard layer {layer} has a usable geometry ({count} zones without one): "
            "check the layer.").format(layer=layer, count=len(arrays)))
    if rejected:
        feedback.pushWarning(messages.tr(
            "{count} hazard zones have no usable geometry: they are ignored and listed in the "
            "rejected features.").format(count=len(rejected)))
    keep = np.array([i for i in range(len(arrays)) if i not in rejected], dtype=np.int64)
    codes = np.array([class_code(values[i]) for i in keep], dtype=np.int64)
    polygons, repaired, _ = repair(arrays.geometries[keep])
    if repaired:
        feedback.pushInfo(messages.tr("{layer}: {count} invalid geometries were repaired.").format(
            layer=layer, count=repaired))
    rejects = [(arrays.feature_id(i), arrays.reason(i)) for i in sorted(rejected)]
    return HazardZones(polygons, codes, arrays.crs, rejects, repaired)
