"""What the evacuation benchmark runs: its data, sizes, targets and tolerances."""

from harness.paths import SHARED_DATA
from harness.report import Section

ALGORITHM = "refuge:evacuation_access"
SECTION = Section("evacuation")

PBF = SHARED_DATA / "osm" / "seychelles-latest.osm.pbf"
SEED = 20240613
HOUSEHOLDS = 100_000
SHELTERS = 89
HOUSEHOLD_OFFSET_M = (0.0, 100.0)
# Shelters: every object of Refuge's shelters theme but bus shelters, plus schools and community centres.
SHELTER_FACILITIES = ("school", "community_centre")
NOT_SHELTERS = ("transport_shelter",)
# Walk profile speeds, as refuge.core.network.profiles.WALK (read from there when importable).
WALK_KMH_DEFAULT = 4.5
CLOSED_ACCESS = ("no", "private")

# Depth raster over Mahé: pixel size (degrees), nodata, and the flood's shape.
DEPTH_PIXEL = 0.0001
DEPTH_NODATA = -9999.0

# Synthetic city.
CITY_SIDE = 708  # nodes per side: 2 * 708 * 707 = 1,001,112 grid segments
CITY_SPACING_M = 80.0
CITY_LON0, CITY_LAT0 = 36.60, -1.45  # south-west corner
CITY_NODE_ID0 = 10_000_000_000  # OSM-style ids above 2**32
CITY_HOUSEHOLDS = 1_000_000
CITY_SHELTERS = 1_000

# Targets from the issue.
TARGET_SECONDS, TARGET_MIB = 5.0, 1024
TARGET_SPEEDUP = 10_000
SCALE_TARGET_SECONDS, SCALE_TARGET_MIB = 30.0, 2048
AGREE_REL = 0.001  # Refuge vs native: identical within 0.1 %
# QGIS's network tools snap points in the network layer's CRS: a metric one (UTM 40 S, Mahé) rather
# than degrees, whose plane is stretched (1 degree of longitude is 0.3 % shorter than one of latitude
# at Mahé), so that QGIS and Refuge snap the same way.
NATIVE_CRS = "EPSG:32740"
MAX_SNAP_M = 500.0  # Refuge's default MAX_SNAP_DISTANCE
WGS84_E2 = 0.00669437999014  # first eccentricity squared
# Outputs not written: ROUTES_OUTPUT is off by default; UNITS_OUTPUT needs AGGREGATION (not given).
SKIPPED_OUTPUTS = ("ROUTES_OUTPUT", "UNITS_OUTPUT")


def walk_speeds():
    """Walk speed per highway class (km/h), Refuge's own table when importable."""
    try:
        from refuge.core.network.profiles import WALK

        return dict(WALK.speeds_kmh)
    except ImportError:  # pragma: no cover
        return {}
