"""Travel profiles: who may use which road, at what speed.

Speeds are in km/h. Defaults are Refuge's documented choices, overridable:

- walk: 4.5 km/h on every walkable way (a common planning value for an
  evacuating adult; slower groups are modelled by lowering it), 3 km/h on
  steps; motorways and trunk roads are not walkable.
- drive: a typical free-flow speed per highway class, replaced by the way's
  `maxspeed` when tagged (never above the class speed for service roads and
  tracks); footways, paths, steps, pedestrian streets and cycleways are not
  drivable; `oneway` is respected.

`access=no` or `access=private` closes a way to both profiles.
"""

from dataclasses import dataclass, field

WALK_SPEEDS_KMH = {
    "primary": 4.5, "primary_link": 4.5, "secondary": 4.5, "secondary_link": 4.5,
    "tertiary": 4.5, "tertiary_link": 4.5, "unclassified": 4.5, "residential": 4.5,
    "living_street": 4.5, "service": 4.5, "road": 4.5, "track": 4.5, "pedestrian": 4.5,
    "footway": 4.5, "path": 4.5, "cycleway": 4.5, "bridleway": 4.5, "busway": 4.5,
    "steps": 3.0,
}
DRIVE_SPEEDS_KMH = {
    "motorway": 110.0, "motorway_link": 60.0, "trunk": 90.0, "trunk_link": 50.0,
    "primary": 70.0, "primary_link": 40.0, "secondary": 60.0, "secondary_link": 40.0,
    "tertiary": 50.0, "tertiary_link": 30.0, "unclassified": 40.0, "residential": 30.0,
    "living_street": 10.0, "service": 20.0, "road": 30.0, "track": 15.0, "busway": 40.0,
}
CLOSED_ACCESS = frozenset(("no", "private"))
# Classes whose tagged maxspeed is a legal limit far above real speeds.
_CAPPED_CLASSES = frozenset(("service", "track", "living_street"))


@dataclass(frozen=True)
class Profile:
    name: str
    speeds_kmh: dict = field(default_factory=dict)
    respects_oneway: bool = False
    uses_maxspeed: bool = False
    default_class: str = "road"  # for lines without a class (null, or no class field)

    def speed_kmh(self, highway, maxspeed_kmh=None, access=None):
        """Speed on a way, or None when the profile may not use it."""
        if access is not None and str(access).strip().lower() in CLOSED_ACCESS:
            return None
        speed = self.speeds_kmh.get(highway)
        if speed is None:
            return None
        if self.uses_maxspeed and maxspeed_kmh is not None and maxspeed_kmh == maxspeed_kmh \
                and maxspeed_kmh > 0:
            return min(speed, maxspeed_kmh) if highway in _CAPPED_CLASSES else float(maxspeed_kmh)
        return speed


WALK = Profile("walk", WALK_SPEEDS_KMH)
DRIVE = Profile("drive", DRIVE_SPEEDS_KMH, respects_oneway=True, uses_maxspeed=True)
PROFILES = {p.name: p for p in (WALK, DRIVE)}
