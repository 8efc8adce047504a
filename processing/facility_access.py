"""refuge:facility_access: how long emergency services take to reach households, dry and flooded."""


import numpy as np
from qgis.core import (
    QgsProcessingMultiStepFeedback,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..__about__ import plugin_version
from ..core.network import tables
from ..core.network.access import facility_access
from ..core.network.summary import FacilityResult
from . import compat, messages
from .base import RefugeAlgorithm, guarded_run
from .labels import access_status_labels, reject_rows
from .network import NetworkParameters, publish
from .sinks import InputRows, write_layer


class FacilityAccess(NetworkParameters, RefugeAlgorithm):
    HOUSEHOLDS = "HOUSEHOLDS"
    FACILITIES = "FACILITIES"
    FACILITY_NAME_FIELD = "FACILITY_NAME_FIELD"
    DELAY_THRESHOLD_MIN = "DELAY_THRESHOLD_MIN"
    HOUSEHOLDS_OUTPUT = "HOUSEHOLDS_OUTPUT"
    REJECTS = "REJECTS"
    SUMMARY_JSON = "SUMMARY_JSON"
    ADVANCED = NetworkParameters.NETWORK_ADVANCED | {
        FACILITY_NAME_FIELD, DELAY_THRESHOLD_MIN, REJECTS, SUMMARY_JSON}

    def name(self):
        return "facility_access"

    def displayName(self):  # noqa: N802
        return self.tr("Emergency access from facilities")

    def initAlgorithm(self, config=None):  # noqa: N802
        any_geometry = [compat.SOURCE_POINT, compat.SOURCE_POLYGON]
        self.add_network_parameters(default_profile=1)
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.HOUSEHOLDS, self.tr("Households"), any_geometry))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.FACILITIES, self.tr("Facilities"), any_geometry))
        self.addParameter(QgsProcessingParameterField(
            self.FACILITY_NAME_FIELD, self.tr("Facility name field"),
            parentLayerParameterName=self.FACILITIES, optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.DELAY_THRESHOLD_MIN, self.tr("Delay threshold (min)"), compat.NUMBER_DOUBLE,
            defaultValue=5.0, minValue=0.0))
        households = QgsProcessingParameterFeatureSink(
            self.HOUSEHOLDS_OUTPUT, self.tr("Households with emergency access"), compat.SOURCE_ANY_GEOMETRY)
        # A temporary output is a GeoPackage file, written at file speed (see
        # RefugeAlgorithm.resolve_file_outputs).
        households.setSupportsNonFileBasedOutput(False)
        self.addParameter(households)
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.REJECTS, self.tr("Rejected features"), compat.SOURCE_TABLE, optional=True,
            createByDefault=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.SUMMARY_JSON, self.tr("Summary (JSON)"), self.tr("JSON (*.json)"), optional=True,
            createByDefault=True))

    def check_parameters(self, parameters, context):
        """Every parameter checked before any work (called by guarded_run)."""
        self.check_network_parameters(parameters, context)

    @guarded_run
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.ensure_dependencies()
        self.repair_invalid_geometries(context)
        parameters = self.resolve_file_outputs(parameters, context, [self.HOUSEHOLDS_OUTPUT])
        steps = QgsProcessingMultiStepFeedback(3, feedback)
        road = self.read_network(parameters, context, steps)
        steps.setCurrentStep(1)
        (h_source, households, h_lonlat), (_, facilities, f_lonlat) = self.read_points(
            parameters, context, steps, road, (self.HOUSEHOLDS, self.FACILITIES),
            (self.tr("The households layer is empty."),
             self.tr("The facilities layer is empty: give at least one facility.")))
        messages.check_canceled(feedback)
        threshold_s = 60.0 * self.parameterAsDouble(parameters, self.DELAY_THRESHOLD_MIN, context)
        access = self._access(parameters, context, steps, road, h_lonlat, f_lonlat, threshold_s)
        steps.setCurrentStep(2)
        outputs = {}
        self._write_households(parameters, context, steps, h_source, households, facilities, access, outputs)
        # Households without a geometry are in the output (status no_geometry) and in the rejects
        # with their reason; facilities without one are only in the rejects.
        rejects = road.reject_rows()
        rejects += [(layer, arrays.feature_id(i), arrays.reason(i))
                    for layer, arrays in (("households", households), ("facilities", facilities))
                    for i in arrays.null_geometry]
        rejects = list(dict.fromkeys(rejects))
        publish(outputs, self.REJECTS,
                write_layer(self, parameters, self.REJECTS, context, steps, reject_rows(rejects)))
        summary = FacilityResult(road=road, access=access, delay_threshold_s=threshold_s,
                                 generator=f"Refuge {plugin_version()}",
                                 rejected_features=len(rejects)).summary()
        self.write_summary(parameters, context, summary, outputs)
        counts = summary["by_status"]
        feedback.pushInfo(self.tr(
            "{lost} households lose emergency access because of the flood, {delayed} are reached "
            "more than {minutes} min later, {unchanged} keep their access.").format(
            lost=counts["loses_access"], delayed=counts["delayed"], minutes=threshold_s / 60.0,
            unchanged=counts["unchanged"]))
        return outputs

    def _access(self, parameters, context, feedback, road, h_lonlat, f_lonlat, threshold_s):
        """The :class:`~refuge.core.network.access.Access` per household (no_geometry where it has none)."""
        projector = road.network.projector
        max_snap = self.parameterAsDouble(parameters, self.MAX_SNAP_DISTANCE, context)
        access = self.run_engine(facility_access, road.network, road.cut_speed_kmh, projector.to_xy(h_lonlat),
                                 projector.to_xy(f_lonlat), max_snap, threshold_s)
        self.require_households_on_roads(access.status, max_snap)
        if not np.isin(access.status, ["unchanged", "delayed", "loses_access"]).any():
            feedback.pushWarning(self.tr(
                "No household is reached from a facility, even without the flood: check that the "
                "facilities are within {distance} m of a usable road, on the same road network as the "
                "households.").format(distance=max_snap))
        access.status[np.isnan(h_lonlat).any(axis=1)] = "no_geometry"
        return access

    def _write_households(self, parameters, context, feedback, h_source, households, facilities, access,
                          outputs):
        f_fids = np.array([facilities.feature_id(i) for i in range(len(facilities))], dtype=np.int64)
        name_field = self.parameterAsString(parameters, self.FACILITY_NAME_FIELD, context)
        names = [None if v is None else str(v) for v in facilities.values(name_field)] if name_field \
            else [None] * len(facilities)
        # Every household is written; those without a geometry say so in their status.
        keep = np.arange(len(households))
        columns = tables.facility_columns(access, keep, f_fids, names, access_status_labels())
        publish(outputs, self.HOUSEHOLDS_OUTPUT,
                write_layer(self, parameters, self.HOUSEHOLDS_OUTPUT, context, feedback, columns,
                            rows_of=InputRows(h_source, households, keep)))
