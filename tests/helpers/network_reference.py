"""Independent references for network tests: inputs on real OSM roads, and networkx costs.

Nothing here uses Refuge's routing code; only its profile tables
(profiles.py: the documented speed per class, maxspeed and access rules)
give each way's speed. Roads come from Refuge's OSM extract (the documented
input format: ``highway``, ``oneway`` 1/-1/0, ``maxspeed_kmh``, ``access``,
``node_ids``); the speed of each way is written to a ``speed_kmh`` column
that QGIS and networkx read (and Refuge, unless a test checks that its own
profile gives the same speeds).

The networkx graph links ways through their shared OSM node ids, measures
every segment geodesically on WGS 84 (pyproj.Geod) and inserts each point as
a virtual node at the nearest point of the nearest segment, found in UTM
(metres), as QGIS's network tools do in a projected layer.
"""

import json
import os
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pyproj
import shapely
from osgeo import ogr, osr

GEOD = pyproj.Geod(ellps="WGS84")
UTM32 = "EPSG:32632"  # Monaco (7.4 E) and Liechtenstein (9.5 E) are both in UTM zone 32
TO_UTM = pyproj.Transformer.from_crs("EPSG:4326", UTM32, always_xy=True)
TO_LONLAT = pyproj.Transformer.from_crs(UTM32, "EPSG:4326", always_xy=True)


def profile_speed(profile, uniform_kmh=None):
    """``speed(row)``: the km/h of a road row for a Refuge profile (None: not usable).

    The profile tables are the documented input speeds, not the code under test;
    ``uniform_kmh`` replaces every usable way's speed (to compare distances).
    """

    def speed(row):
        value = profile.speed_kmh(row["highway"], row["maxspeed_kmh"], row["access"])
        return value if value is None or uniform_kmh is None else uniform_kmh

    return speed


@dataclass
class Roads:
    """Usable ways of one profile: parallel lists, geometries in lon/lat."""

    rows: list
    lines: list
    speed_kmh: list
    oneway: list  # 1 forward only, -1 backward only, 0 both (always 0 for walking)
    node_ids: list  # OSM node id of every vertex


def read_roads(gpkg, speed, respect_oneway):
    """Ways of the extract's ``roads`` layer that ``speed(row)`` allows (not None)."""
    dataset = ogr.Open(str(gpkg))
    layer = dataset.GetLayerByName("roads")
    rows, lines, speeds, oneways, node_ids = [], [], [], [], []
    for feature in layer:
        row = feature.items()
        value = speed(row)
        if value is None:
            continue
        rows.append(row)
        lines.append(shapely.from_wkb(bytes(feature.GetGeometryRef().ExportToWkb())))
        speeds.append(float(value))
        oneways.append(int(row["oneway"] or 0) if respect_oneway else 0)
        node_ids.append(json.loads(row["node_ids"]))
    return Roads(rows, lines, speeds, oneways, node_ids)


def _srs(crs):
    srs = osr.SpatialReference()
    srs.SetFromUserInput(crs)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


def write_layer(path, name, geometries, fields, rows, crs="EPSG:4326", fids=None):
    """Append a layer to a GeoPackage with OGR. ``fields``: [(name, ogr type)]."""
    driver = ogr.GetDriverByName("GPKG")
    dataset = ogr.Open(str(path), 1) if os.path.exists(str(path)) else driver.CreateDataSource(str(path))
    kind = ogr.wkbLineString if geometries[0].geom_type == "LineString" else ogr.wkbPoint
    layer = dataset.CreateLayer(name, _srs(crs), kind, ["FID=fid"])
    for field_name, field_type in fields:
        layer.CreateField(ogr.FieldDefn(field_name, field_type))
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    for i, (geometry, row) in enumerate(zip(geometries, rows)):
        feature = ogr.Feature(definition)
        if fids is not None:
            feature.SetFID(int(fids[i]))
        for (field_name, _), value in zip(fields, row):
            if value is not None:
                feature.SetField(field_name, value)
        feature.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(geometry)))
        layer.CreateFeature(feature)
    layer.CommitTransaction()
    dataset = None
    return f"{path}|layername={name}"


def to_utm(geometries):
    return shapely.transform(np.asarray(geometries, dtype=object),
                             lambda xy: np.column_stack(TO_UTM.transform(xy[:, 0], xy[:, 1])))


def to_lonlat(geometries):
    return shapely.transform(np.asarray(geometries, dtype=object),
                             lambda xy: np.column_stack(TO_LONLAT.transform(xy[:, 0], xy[:, 1])))


class Segments:
    """Every segment (consecutive vertex pair) of the roads, with a UTM search tree."""

    def __init__(self, roads):
        starts, ends, ways, ids_a, ids_b = [], [], [], [], []
        for i, (line, ids) in enumerate(zip(roads.lines, roads.node_ids)):
            coords = shapely.get_coordinates(line)
            assert len(coords) == len(ids), "one OSM node id per vertex"
            starts.append(coords[:-1]), ends.append(coords[1:])
            ids_a.append(ids[:-1]), ids_b.append(ids[1:])
            ways.append(np.full(len(coords) - 1, i))
        self.a_lonlat, self.b_lonlat = np.concatenate(starts), np.concatenate(ends)
        self.a_id, self.b_id = np.concatenate(ids_a), np.concatenate(ids_b)
        self.way = np.concatenate(ways)
        ax, ay = TO_UTM.transform(self.a_lonlat[:, 0], self.a_lonlat[:, 1])
        bx, by = TO_UTM.transform(self.b_lonlat[:, 0], self.b_lonlat[:, 1])
        self.a_utm, self.b_utm = np.column_stack((ax, ay)), np.column_stack((bx, by))
        self.lines_utm = shapely.linestrings(np.stack((self.a_utm, self.b_utm), axis=1))
        self.tree = shapely.STRtree(self.lines_utm)
        _, _, self.length_m = GEOD.inv(self.a_lonlat[:, 0], self.a_lonlat[:, 1],
                                       self.b_lonlat[:, 0], self.b_lonlat[:, 1])

    def nearest(self, point_utm):
        """(segment index, distance m, fraction along it) of the nearest segment point."""
        candidates, distances = self.tree.query_nearest(point_utm, return_distance=True,
                                                        all_matches=True)
        index = int(candidates[np.argmin(distances)])
        line = self.lines_utm[index]
        fraction = line.project(point_utm) / line.length if line.length else 0.0
        return index, float(np.min(distances)), fraction

    def ambiguous(self, point_utm, margin):
        """True when another segment, snapping elsewhere, is within ``margin`` m of the nearest."""
        index, distance, _ = self.nearest(point_utm)
        snapped = shapely.line_interpolate_point(self.lines_utm[index], self.lines_utm[index]
                                                 .project(point_utm))
        for other in self.tree.query(point_utm.buffer(distance + margin)):
            line = self.lines_utm[other]
            if other == index or line.distance(point_utm) > distance + margin:
                continue
            if line.interpolate(line.project(point_utm)).distance(snapped) > 0.01:
                return True
        return False


def sample_points(segments, count, seed, offset_m=(3.0, 40.0), avoid=(), min_gap_m=0.0,
                  margin_m=0.5):
    """``count`` lon/lat points beside random road points (length-weighted), snap unambiguous."""
    rng = np.random.default_rng(seed)
    weights = segments.length_m / segments.length_m.sum()
    points = []
    avoid = list(avoid)
    while len(points) < count:
        index = int(rng.choice(len(weights), p=weights))
        a, b = segments.a_utm[index], segments.b_utm[index]
        t = rng.uniform(0.05, 0.95)
        direction = (b - a) / max(np.hypot(*(b - a)), 1e-9)
        normal = np.array((-direction[1], direction[0])) * rng.choice((-1, 1))
        xy = a + t * (b - a) + normal * rng.uniform(*offset_m)
        point = shapely.Point(xy)
        if segments.ambiguous(point, margin_m):
            continue
        if any(point.distance(other) < min_gap_m for other in avoid):
            continue
        points.append(point)
        avoid.append(point)
    return list(to_lonlat(points))


@dataclass
class Snapped:
    """Where a point meets the network: segment, fraction along it, lon/lat, geodesic offset."""

    segment: int
    fraction: float
    lonlat: tuple
    distance_m: float


def snap(segments, points_lonlat):
    """:class:`Snapped` of each lon/lat point: nearest point of the nearest segment, in UTM."""
    snapped = []
    for point, utm in zip(points_lonlat, to_utm(points_lonlat)):
        index, _, fraction = segments.nearest(utm)
        xy = segments.a_utm[index] + fraction * (segments.b_utm[index] - segments.a_utm[index])
        lonlat = TO_LONLAT.transform(*xy)
        offset = GEOD.inv(point.x, point.y, lonlat[0], lonlat[1])[2]
        snapped.append(Snapped(index, fraction, lonlat, offset))
    return snapped


def build_graph(roads, segments, snapped):
    """networkx MultiDiGraph: OSM nodes plus one virtual node ("p", i) per snapped point i.

    Edges carry ``length`` (geodesic m) and ``time`` (s) and follow ``oneway``.
    """
    graph = nx.MultiDiGraph()
    on_segment = {}
    for i, s in enumerate(snapped):
        on_segment.setdefault(s.segment, []).append(i)
    speed_ms = np.asarray(roads.speed_kmh)[segments.way] / 3.6
    direction = np.asarray(roads.oneway)[segments.way]
    for index in range(len(segments.way)):
        a, b = int(segments.a_id[index]), int(segments.b_id[index])
        if index in on_segment:
            chain = [(a, tuple(segments.a_lonlat[index]))]
            for i in sorted(on_segment[index], key=lambda i: snapped[i].fraction):
                chain.append((("p", i), snapped[i].lonlat))
            chain.append((b, tuple(segments.b_lonlat[index])))
            pieces = [(u, v, GEOD.inv(pu[0], pu[1], pv[0], pv[1])[2])
                      for (u, pu), (v, pv) in zip(chain[:-1], chain[1:])]
        else:
            pieces = [(a, b, segments.length_m[index])]
        for u, v, length in pieces:
            time = length / speed_ms[index]
            if direction[index] >= 0:
                graph.add_edge(u, v, length=length, time=time)
            if direction[index] <= 0:
                graph.add_edge(v, u, length=length, time=time)
    return graph


def _path_length(graph, path, weight):
    total = 0.0
    for u, v in zip(path[:-1], path[1:]):
        edge = min(graph[u][v].values(), key=lambda e: e[weight])
        total += edge["length"]
    return total


def nearest_costs(graph, origins, targets, weight, towards_origins):
    """{target: (cost, length of that cheapest path, origin)} by multi-source Dijkstra.

    Nodes are virtual point nodes ("p", i). ``towards_origins``: cost of the
    trip target -> nearest origin (evacuation), else origin -> target.
    """
    search = graph.reverse(copy=False) if towards_origins else graph
    costs, paths = nx.multi_source_dijkstra(search, [("p", i) for i in origins], weight=weight)
    result = {}
    for target in targets:
        node = ("p", target)
        if node not in costs:
            result[target] = (float("inf"), float("inf"), None)
            continue
        path = paths[node]
        result[target] = (costs[node], _path_length(search, path, weight), path[0][1])
    return result
