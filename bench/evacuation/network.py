"""The walk network, read the same way by the peers and by the data preparation."""

import time

from evacuation.config import CLOSED_ACCESS, WALK_KMH_DEFAULT, WGS84_E2, walk_speeds


class WalkNetwork:
    """Walkable segments of a roads layer: one per pair of consecutive vertices, joined by OSM node id.

    ``a``, ``b``: node indices of each segment's ends; ``xy_a``, ``xy_b``: their lon/lat;
    ``length_m``: geodesic length (WGS 84); ``speed_kmh``; ``way``: fid of the road.
    """

    def __init__(self, gpkg, layer="roads", timings=None):
        import numpy as np
        import pyproj
        import shapely
        from osgeo import ogr

        timings = {} if timings is None else timings
        started = time.perf_counter()
        speeds = walk_speeds()
        ogr.UseExceptions()
        dataset = ogr.Open(str(gpkg))
        source = dataset.GetLayerByName(layer)
        names = [source.GetLayerDefn().GetFieldDefn(i).GetName()
                 for i in range(source.GetLayerDefn().GetFieldCount())]
        has_access = "access" in names
        wkbs, ids, way_speeds, fids = [], [], [], []
        for feature in source:
            highway = feature.GetField("highway")
            access = feature.GetField("access") if has_access else None
            speed = speeds.get(highway, None) if speeds else WALK_KMH_DEFAULT
            if speed is None or (access is not None and access.strip().lower() in CLOSED_ACCESS):
                continue
            geometry = feature.GetGeometryRef()
            if geometry is None:
                continue
            wkbs.append(bytes(geometry.ExportToWkb()))
            ids.append(feature.GetField("node_ids"))
            way_speeds.append(speed)
            fids.append(feature.GetFID())
        dataset = None
        timings["read"] = time.perf_counter() - started
        started = time.perf_counter()
        lines = shapely.from_wkb(wkbs)
        coords, owner = shapely.get_coordinates(lines, return_index=True)
        node_ids = np.fromstring(",".join(s[1:-1] for s in ids), sep=",", dtype=np.int64) \
            if ids else np.zeros(0, np.int64)
        if len(node_ids) != len(coords):
            raise ValueError(f"{len(coords)} vertices but {len(node_ids)} node ids")
        same_line = owner[1:] == owner[:-1]
        first = np.flatnonzero(same_line)
        a_ids, b_ids = node_ids[first], node_ids[first + 1]
        keep = a_ids != b_ids
        first = first[keep]
        unique, inverse = np.unique(node_ids, return_inverse=True)
        self.node_ids = unique
        self.node_xy = np.zeros((len(unique), 2))
        self.node_xy[inverse] = coords
        self.a, self.b = inverse[first], inverse[first + 1]
        self.xy_a, self.xy_b = coords[first], coords[first + 1]
        geod = pyproj.Geod(ellps="WGS84")
        _, _, self.length_m = geod.inv(self.xy_a[:, 0], self.xy_a[:, 1], self.xy_b[:, 0], self.xy_b[:, 1])
        self.speed_kmh = np.asarray(way_speeds, dtype=float)[owner[first]]
        self.time_s = self.length_m / (self.speed_kmh / 3.6)
        self.way = np.asarray(fids)[owner[first]]
        self.line_count = len(wkbs)
        timings["build_arrays"] = time.perf_counter() - started

    @property
    def node_count(self):
        return len(self.node_ids)

    def snap(self, lon, lat):
        """Nearest segment of each point and where on it (fraction from ``a``), with the snap distance.

        Nearest in the Mercator plane of the WGS 84 ellipsoid (conformal: true to shape around every
        point, whatever the extent), as Refuge and QGIS snap in a plane; the distance is that plane's
        distance divided by the local scale factor. Returns (segment, fraction, distance_m).
        """
        import numpy as np
        import pyproj
        import shapely

        transformer = pyproj.Transformer.from_crs("EPSG:4326", "+proj=merc +datum=WGS84 +units=m",
                                                  always_xy=True)

        def mercator(lon, lat):
            return transformer.transform(lon, lat)

        ax, ay = mercator(self.xy_a[:, 0], self.xy_a[:, 1])
        bx, by = mercator(self.xy_b[:, 0], self.xy_b[:, 1])
        ends = [np.column_stack((ax, ay)), np.column_stack((bx, by))]
        tree = shapely.STRtree(shapely.linestrings(np.stack(ends, axis=1)))
        px, py = mercator(np.asarray(lon), np.asarray(lat))
        (point_index, segment), distance = tree.query_nearest(shapely.points(px, py), return_distance=True,
                                                              all_matches=False)
        order = np.argsort(point_index)
        phi = np.radians(np.asarray(lat))
        scale = np.sqrt(1 - WGS84_E2 * np.sin(phi) ** 2) / np.cos(phi)  # Mercator's scale factor
        segment, distance = segment[order], distance[order] / scale
        dx, dy = bx[segment] - ax[segment], by[segment] - ay[segment]
        squared = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = ((px - ax[segment]) * dx + (py - ay[segment]) * dy) / squared
        t = np.clip(np.nan_to_num(t, nan=0.0), 0.0, 1.0)
        return segment, t, distance

    def components(self):
        """Connected component label of each node (the walk network is undirected)."""
        import numpy as np
        import scipy.sparse
        import scipy.sparse.csgraph

        n = self.node_count
        matrix = scipy.sparse.coo_matrix((np.ones(len(self.a)), (self.a, self.b)), shape=(n, n)).tocsr()
        return scipy.sparse.csgraph.connected_components(matrix, directed=False)[1]

