"""An independent reading of a .pbf file, to check the extractor against.

Written separately from refuge.core.osm on purpose: a plain pyosmium
SimpleHandler with node locations, no area assembler, no shared code. It
lists, per theme, the OSM objects that the theme definitions (README, schema
section) say belong to it, and which ways have nodes missing from the file.
"""

import osmium

ROUTABLE = {
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
    "residential", "living_street", "service", "road", "track", "pedestrian",
    "footway", "path", "cycleway", "bridleway", "steps", "busway",
}
FACILITY_AMENITY = {
    "hospital", "clinic", "doctors", "pharmacy", "school", "kindergarten", "college",
    "university", "fire_station", "police", "townhall", "community_centre",
    "place_of_worship", "marketplace", "drinking_water",
}
FACILITY_HEALTHCARE = {"hospital", "clinic", "doctor", "pharmacy"}
WATERWAY_LINES = {"river", "stream", "canal", "drain", "ditch", "brook", "tidal_channel",
                  "rapids", "wadi"}


def is_building(t):
    return "building" in t and t["building"] != "no"


def is_road(t):
    return t.get("highway") in ROUTABLE


def is_facility(t):
    return t.get("amenity") in FACILITY_AMENITY or t.get("healthcare") in FACILITY_HEALTHCARE


def is_shelter(t):
    return (t.get("emergency") == "assembly_point"
            or t.get("emergency:social_facility") == "shelter"
            or t.get("disaster:shelter_type") not in (None, "no")
            or t.get("social_facility") == "shelter"
            or t.get("amenity") == "shelter")


def is_waterway(t):
    return t.get("waterway") in WATERWAY_LINES


def is_water_area(t):
    return (t.get("natural") == "water" or t.get("waterway") in ("riverbank", "dock")
            or t.get("landuse") in ("reservoir", "basin"))


def is_boundary(t):
    return t.get("boundary") == "administrative"


class ReferenceHandler(osmium.SimpleHandler):
    def __init__(self):
        super().__init__()
        self.members = {name: set() for name in (
            "buildings", "roads", "facilities", "shelters", "waterways", "water_areas",
            "boundaries")}
        self.missing_node_ways = set()
        self.closed_ways = set()

    def node(self, n):
        t = {tag.k: tag.v for tag in n.tags}
        if is_facility(t):
            self.members["facilities"].add(("node", n.id))
        if is_shelter(t):
            self.members["shelters"].add(("node", n.id))

    def way(self, w):
        t = {tag.k: tag.v for tag in w.tags}
        if not t:
            return
        if any(not node.location.valid() for node in w.nodes):
            self.missing_node_ways.add(w.id)
        closed = len(w.nodes) >= 4 and w.nodes[0].ref == w.nodes[-1].ref
        if closed:
            self.closed_ways.add(w.id)
        key = ("way", w.id)
        for name, test in (("buildings", is_building), ("roads", is_road),
                           ("facilities", is_facility), ("shelters", is_shelter),
                           ("waterways", is_waterway), ("water_areas", is_water_area)):
            if test(t):
                self.members[name].add(key)
        if is_boundary(t) and closed:
            self.members["boundaries"].add(key)

    def relation(self, r):
        # Every relation carrying a theme's tags belongs to the theme, whatever its type (README:
        # multipolygons are assembled, other relations of point themes become a point from their
        # members, other relations of polygon themes are rejects). Line themes are made of ways.
        t = {tag.k: tag.v for tag in r.tags}
        key = ("relation", r.id)
        for name, test in (("buildings", is_building), ("facilities", is_facility),
                           ("shelters", is_shelter), ("water_areas", is_water_area),
                           ("boundaries", is_boundary)):
            if test(t):
                self.members[name].add(key)


def reference(path):
    handler = ReferenceHandler()
    handler.apply_file(path, locations=True)
    return handler
