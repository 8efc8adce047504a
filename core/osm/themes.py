"""Theme definitions: which OSM objects make each Refuge layer, and its schema.

Themes are declared once, as data, and shared by every OSM source (the .pbf
reader now, an Overpass downloader later): the tag rules say which objects
belong to a theme and give their ``category``; the columns say how tags become
typed attributes. Every layer also carries ``osm_id``, ``osm_type``, ``name``,
``category`` and ``tags`` (all tags as JSON), see :data:`COMMON_COLUMNS`.

Geometries are in EPSG:4326 (longitude, latitude in degrees), as in OSM.
"""

from dataclasses import dataclass, field

from ..io.columns import BOOLEAN, INTEGER, REAL, TEXT  # noqa: F401 - the kinds themes use
from . import tags as t

POINT = "point"
LINE = "line"
POLYGON = "polygon"

# Column kinds: the one vocabulary of core/io/columns.py, mapped to GeoPackage types by the writer.


@dataclass(frozen=True)
class Rule:
    """Objects whose tag ``key`` has one of ``values`` (any value when None).

    ``category`` is the stable code stored in the ``category`` column; when
    None the tag value itself is the category (e.g. ``building=house`` ->
    ``house``). Values in ``exclude`` never match (``building=no``).
    """

    key: str
    values: tuple = None
    category: str = None
    exclude: tuple = ("no",)
    # Extra (key, values) conditions that must all hold as well.
    also: tuple = ()

    def match(self, tags):
        """Category code if the tag dictionary matches this rule, else None."""
        value = tags.get(self.key)
        if value is None or value in self.exclude:
            return None
        if self.values is not None and value not in self.values:
            return None
        for key, values in self.also:
            if tags.get(key) not in values:
                return None
        return self.category if self.category is not None else value


@dataclass(frozen=True)
class Column:
    """A typed attribute column computed from the tags of each object."""

    name: str
    kind: str
    parse: object  # callable(tags) -> value or None
    doc: str = ""


@dataclass(frozen=True)
class Theme:
    """One output layer.

    ``group`` is the choice offered to users (``waterways`` gives two layers,
    lines and water areas). ``from_nodes`` / ``from_ways`` /
    ``from_relations`` say which OSM object types may belong; for polygon and
    point themes, ways must be closed rings to form an area (points also
    accept open ways, represented by the middle of the line), and relations
    must have a ``type`` in ``relation_types``.
    """

    name: str
    group: str
    geometry: str
    rules: tuple
    columns: tuple = ()
    from_nodes: bool = False
    from_ways: bool = True
    from_relations: bool = False
    relation_types: tuple = ("multipolygon",)
    keep_node_ids: bool = False
    # Open ways matching the rules are skipped rather than rejected (boundary
    # segments are members of a boundary relation, not boundaries).
    ignore_open_ways: bool = False
    description: str = ""
    extra: dict = field(default_factory=dict)

    def category(self, tags):
        """Category code of an object with these tags, or None if outside."""
        if self.keyset.isdisjoint(tags):
            return None  # the common case, decided in C
        for rule in self.rules:
            category = rule.match(tags)
            if category is not None:
                return category
        return None

    @property
    def keys(self):
        """Tag keys that any rule of this theme looks at (for pre-filtering)."""
        return tuple(dict.fromkeys(rule.key for rule in self.rules))

    @property
    def keyset(self):
        return frozenset(rule.key for rule in self.rules)


COMMON_COLUMNS = (
    Column("osm_id", INTEGER, None, "OpenStreetMap id (unique per osm_type)"),
    Column("osm_type", TEXT, None, "node, way or relation"),
    Column("name", TEXT, t.text("name"), "value of `name`"),
    Column("category", TEXT, None, "stable category code from the theme rules"),
)
TAGS_COLUMN = Column("tags", TEXT, None, "all tags of the object as a JSON object")

# Roads a person or a vehicle can travel on. Excluded on purpose: proposed,
# construction, abandoned, platform, raceway, bus_guideway, corridor (indoor).
ROUTABLE_HIGHWAYS = (
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
    "residential", "living_street", "service", "road", "track", "pedestrian",
    "footway", "path", "cycleway", "bridleway", "steps", "busway",
)

# Facilities flagged as critical in exposure analysis.
CRITICAL_CATEGORIES = frozenset(
    ("hospital", "clinic", "school", "kindergarten", "fire_station", "police")
)
# Shelters designated for emergencies (categories of the shelters theme), critical as well when a
# shelters layer is analysed as facilities. Plain amenity=shelter (huts, picnic or bus shelters) is not.
EMERGENCY_SHELTER_CATEGORIES = frozenset(("evacuation_centre", "social_shelter", "assembly_point"))

FACILITY_RULES = tuple(
    Rule("amenity", (value,), category)
    for value, category in (
        ("hospital", "hospital"),
        ("clinic", "clinic"),
        ("doctors", "doctors"),
        ("pharmacy", "pharmacy"),
        ("school", "school"),
        ("kindergarten", "kindergarten"),
        ("college", "college"),
        ("university", "university"),
        ("fire_station", "fire_station"),
        ("police", "police"),
        ("townhall", "townhall"),
        ("community_centre", "community_centre"),
        ("place_of_worship", "place_of_worship"),
        ("marketplace", "marketplace"),
        ("drinking_water", "drinking_water"),
    )
) + tuple(
    # Health facilities tagged only with the newer healthcare=* scheme.
    Rule("healthcare", (value,), category)
    for value, category in (
        ("hospital", "hospital"),
        ("clinic", "clinic"),
        ("doctor", "doctors"),
        ("pharmacy", "pharmacy"),
    )
)



def _is_critical_facility(tags):
    """1 if the facility's category is in :data:`CRITICAL_CATEGORIES`, else 0."""
    for rule in FACILITY_RULES:
        category = rule.match(tags)
        if category is not None:
            return 1 if category in CRITICAL_CATEGORIES else 0
    return 0


SHELTER_RULES = (
    Rule("emergency", ("assembly_point",), "assembly_point"),
    # Designated evacuation centres that normally serve another function
    # (school, hall...): the emergency:* namespace used in the Philippines,
    # Taiwan and Japan, and HOT's disaster:shelter_type.
    Rule("emergency:social_facility", ("shelter",), "evacuation_centre"),
    Rule("disaster:shelter_type", None, "evacuation_centre"),
    Rule("social_facility", ("shelter",), "social_shelter"),
    Rule("amenity", ("shelter",), "transport_shelter",
         also=(("shelter_type", ("public_transport",)),)),
    Rule("amenity", ("shelter",), "shelter"),
)

THEMES = (
    Theme(
        name="buildings",
        group="buildings",
        geometry=POLYGON,
        rules=(Rule("building", None, None),),
        from_relations=True,
        columns=(
            Column("levels", REAL, t.real("building:levels"), "number in `building:levels`"),
            Column("height_m", REAL, t.height_m, "`height` in metres"),
            Column("amenity", TEXT, t.text("amenity"), "value of `amenity`"),
        ),
        description="Building footprints (closed ways and multipolygon relations); "
        "category is the value of `building`.",
    ),
    Theme(
        name="roads",
        group="roads",
        geometry=LINE,
        rules=(Rule("highway", ROUTABLE_HIGHWAYS, None),),
        keep_node_ids=True,
        columns=(
            Column("highway", TEXT, t.text("highway"), "value of `highway`"),
            Column("oneway", INTEGER, t.oneway,
                   "1 forward only, -1 backward only, 0 both ways (roundabouts and motorways imply 1)"),
            Column("maxspeed_kmh", REAL, t.maxspeed_kmh, "`maxspeed` in km/h (mph converted)"),
            Column("surface", TEXT, t.text("surface"), "value of `surface`"),
            Column("bridge", BOOLEAN, t.flag("bridge"), "1 if `bridge` is set and not 'no'"),
            Column("tunnel", BOOLEAN, t.flag("tunnel"), "1 if `tunnel` is set and not 'no'"),
            Column("access", TEXT, t.text("access"), "value of `access`"),
            Column("layer", INTEGER, t.integer("layer"), "value of `layer`"),
            Column("lanes", INTEGER, t.integer("lanes"), "value of `lanes`"),
        ),
        description="Routable highways as lines; `node_ids` lists the OSM node id of "
        "every vertex, so a network can be built without snapping.",
    ),
    Theme(
        name="facilities",
        group="facilities",
        geometry=POINT,
        rules=FACILITY_RULES,
        from_nodes=True,
        from_relations=True,
        columns=(
            Column("amenity", TEXT, t.text("amenity"), "value of `amenity`"),
            Column("healthcare", TEXT, t.text("healthcare"), "value of `healthcare`"),
            Column("operator", TEXT, t.text("operator"), "value of `operator`"),
            Column("capacity", INTEGER, t.integer("capacity"), "number in `capacity`"),
            Column("beds", INTEGER, t.integer("beds"), "number in `beds`"),
            Column("critical", BOOLEAN, _is_critical_facility,
                   "1 for hospitals, clinics, schools, kindergartens, fire stations, police"),
        ),
        description="Public facilities as points; polygons become a point inside "
        "the polygon (`geom_source` says which).",
    ),
    Theme(
        name="shelters",
        group="shelters",
        geometry=POINT,
        rules=SHELTER_RULES,
        from_nodes=True,
        from_relations=True,
        columns=(
            Column("capacity", INTEGER, t.integer("emergency:capacity", "capacity"),
                   "number in `emergency:capacity`, else `capacity`"),
            Column("shelter_type", TEXT, t.text("shelter_type"), "value of `shelter_type`"),
            Column("amenity", TEXT, t.text("amenity"), "value of `amenity`"),
            Column("operator", TEXT, t.text("operator"), "value of `operator`"),
        ),
        description="Shelters and assembly points as points; `transport_shelter` "
        "(bus shelters) is kept but is not a safe place for evacuation.",
    ),
    Theme(
        name="waterways",
        group="waterways",
        geometry=LINE,
        rules=(Rule("waterway", ("river", "stream", "canal", "drain", "ditch", "brook",
                                 "tidal_channel", "rapids", "wadi"), None),),
        columns=(
            Column("intermittent", BOOLEAN, t.flag("intermittent"), "1 if `intermittent=yes`"),
            Column("tunnel", BOOLEAN, t.flag("tunnel"), "1 if `tunnel` is set (culverts)"),
            Column("width_m", REAL, t.real("width"), "number in `width`"),
        ),
        description="Rivers, streams, canals and drains as lines.",
    ),
    Theme(
        name="water_areas",
        group="waterways",
        geometry=POLYGON,
        rules=(
            Rule("natural", ("water",), "water"),
            Rule("waterway", ("riverbank", "dock"), None),
            Rule("landuse", ("reservoir", "basin"), None),
        ),
        from_relations=True,
        columns=(
            Column("water", TEXT, t.text("water"), "value of `water` (river, lake, pond...)"),
            Column("intermittent", BOOLEAN, t.flag("intermittent"), "1 if `intermittent=yes`"),
        ),
        description="Water bodies as polygons (natural=water, riverbanks, reservoirs).",
    ),
    Theme(
        name="boundaries",
        group="boundaries",
        geometry=POLYGON,
        rules=(Rule("boundary", ("administrative",), "administrative"),),
        from_relations=True,
        relation_types=("boundary", "multipolygon"),
        ignore_open_ways=True,
        columns=(
            Column("admin_level", INTEGER, t.integer("admin_level"), "value of `admin_level`"),
            Column("ref", TEXT, t.first_text("ref:INSEE", "ref"), "`ref:INSEE`, else `ref`"),
            Column("iso_code", TEXT, t.first_text("ISO3166-2", "ISO3166-1"),
                   "`ISO3166-2`, else `ISO3166-1`"),
            Column("wikidata", TEXT, t.text("wikidata"), "value of `wikidata`"),
        ),
        description="Administrative boundaries as polygons with their admin_level.",
    ),
)

THEMES_BY_NAME = {theme.name: theme for theme in THEMES}
GROUPS = tuple(dict.fromkeys(theme.group for theme in THEMES))


def themes_for_groups(groups=None):
    """Themes belonging to the chosen groups (all themes when ``groups`` is empty)."""
    if not groups:
        return THEMES
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown theme group(s): {', '.join(sorted(unknown))}")
    return tuple(theme for theme in THEMES if theme.group in groups)


def attributes(theme, tags):
    """Typed column values of ``theme.columns`` for one object's tags."""
    return {column.name: column.parse(tags) for column in theme.columns}
