"""Points for the relations of a point theme that are not areas (``type=site`` and the like).

A school, a hospital or an assembly point is sometimes mapped as a relation
grouping its parts (``type=site``: the buildings, the grounds, an entrance
node) rather than as a multipolygon. Such a relation has no area of its own
to assemble, but its members have geometries: the relation becomes the point
that GEOS's interior point gives for the members present in the file (closed
member ways as polygons, open ones as lines, member nodes as points; the
point lies on the members of the highest dimension, inside a polygon when
there is one). Members that are relations are not followed. A relation with
no member node or way in the file becomes a reject (``members_missing``).

Relations are rare: the member ways are read in one extra pass over the
file's ways, filtered by id in C++, and only when there is such a relation.
"""

from dataclasses import dataclass

from . import pbf

try:
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = None


@dataclass
class _Site:
    theme: object
    category: str
    osm_id: int
    tags: dict
    nodes: tuple
    ways: tuple


class MemberPoints:
    """The relations of point themes waiting for their members' geometry."""

    def __init__(self):
        self.sites = []
        self._members = {}  # relation id -> (nodes, ways), shared by the themes of one relation

    def __bool__(self):
        return bool(self.sites)

    def add(self, theme, category, relation, tags):
        """Remember ``relation`` (a pyosmium relation, valid only now) for ``theme``."""
        members = self._members.get(relation.id)
        if members is None:
            nodes, ways = [], []
            for member in relation.members:
                if member.type == "n":
                    nodes.append(member.ref)
                elif member.type == "w":
                    ways.append(member.ref)
            members = self._members[relation.id] = (tuple(nodes), tuple(ways))
        self.sites.append(_Site(theme, category, relation.id, tags, *members))

    def resolve(self, path, locations):
        """[(site, (lon, lat) or None)] once the file has been read; ``locations``: its node index."""
        way_ids = {way for site in self.sites for way in site.ways}
        ways = pbf.way_locations(path, way_ids, locations) if way_ids else {}
        points = {}
        resolved = []
        for site in self.sites:
            if site.osm_id not in points:
                points[site.osm_id] = _point(site, locations, ways)
            resolved.append((site, points[site.osm_id]))
        return resolved


def _node_location(locations, ref):
    try:
        location = locations.get(ref)
    except KeyError:
        return None
    return (location.lon, location.lat) if location.valid() else None


def _point(site, locations, ways):
    """The interior point of the members of ``site`` present in the file, or None."""
    parts = []
    for ref in site.nodes:
        location = _node_location(locations, ref)
        if location is not None:
            parts.append(shapely.Point(location))
    for ref in site.ways:
        coords = ways.get(ref) or []
        if len(coords) >= 4 and coords[0] == coords[-1]:
            part = shapely.make_valid(shapely.Polygon(coords))
        elif len(set(coords)) >= 2:
            part = shapely.LineString(coords)
        elif coords:
            part = shapely.Point(coords[0])
        else:
            continue
        # Flat and without EMPTY parts: GEOS's interior point crashes on an EMPTY part of a collection.
        parts.extend(piece for piece in shapely.get_parts(part) if not piece.is_empty)
    if not parts:
        return None
    point = shapely.point_on_surface(shapely.GeometryCollection(parts))
    return None if point.is_empty else (point.x, point.y)
