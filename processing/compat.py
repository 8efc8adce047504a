"""Enum values that moved between QGIS 3.22 and QGIS 3.36+/4 (scoped enums).

Each name resolves to the scoped enum when this QGIS has it and to the
older spelling otherwise, so the algorithms run unchanged on 3.22 to 4.x.
"""

from qgis.core import Qgis, QgsProcessing, QgsProcessingAlgorithm, QgsProcessingParameterFile


def _pick(*candidates):
    for owner, path in candidates:
        value = owner
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return value
    raise AttributeError(f"none of {candidates} exists in this QGIS")


SOURCE_POLYGON = _pick((Qgis, "ProcessingSourceType.VectorPolygon"),
                       (QgsProcessing, "TypeVectorPolygon"))
SOURCE_ANY_GEOMETRY = _pick((Qgis, "ProcessingSourceType.VectorAnyGeometry"),
                            (QgsProcessing, "TypeVectorAnyGeometry"))
FILE_BEHAVIOR_FILE = _pick((Qgis, "ProcessingFileParameterBehavior.File"),
                           (QgsProcessingParameterFile, "File"))
FLAG_CAN_CANCEL = _pick((Qgis, "ProcessingAlgorithmFlag.CanCancel"),
                        (QgsProcessingAlgorithm, "FlagCanCancel"))
MSG_INFO = _pick((Qgis, "MessageLevel.Info"), (Qgis, "Info"))
MSG_WARNING = _pick((Qgis, "MessageLevel.Warning"), (Qgis, "Warning"))
MSG_CRITICAL = _pick((Qgis, "MessageLevel.Critical"), (Qgis, "Critical"))
