"""The reference of the all-touched rule: GDAL's RasterizeLayer, one building at a time."""

import math


class GdalReference:
    """Max depth of each polygon over the pixels ``RasterizeLayer(ALL_TOUCHED=TRUE)`` burns."""

    def __init__(self, depth_path, window=False):
        from osgeo import gdal, ogr, osr

        gdal.UseExceptions()
        ogr.UseExceptions()
        self.gdal, self.ogr = gdal, ogr
        self.src = gdal.Open(str(depth_path))
        self.band = self.src.GetRasterBand(1)
        self.nodata = self.band.GetNoDataValue()
        self.gt = self.src.GetGeoTransform()
        self.width, self.height = self.src.RasterXSize, self.src.RasterYSize
        self.srs = osr.SpatialReference()
        self.srs.ImportFromWkt(self.src.GetProjection())
        self.srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        self.window = window  # True: a small raster around each polygon (grid shifted by whole pixels)
        self.mask = None
        if not window:
            self.mask = self._mem(self.width, self.height, self.gt)

    def _mem(self, width, height, gt):
        mask = self.gdal.GetDriverByName("MEM").Create("", width, height, 1, self.gdal.GDT_Byte)
        mask.SetGeoTransform(gt)
        mask.SetProjection(self.src.GetProjection())
        return mask

    def _window(self, minx, miny, maxx, maxy):
        """Pixel window (c0, r0, c1, r1) around an envelope, with a margin of two pixels."""
        x0, dx, _, y0, _, dy = self.gt
        c0 = max(0, int(math.floor((minx - x0) / dx)) - 2)
        c1 = min(self.width, int(math.ceil((maxx - x0) / dx)) + 2)
        r0 = max(0, int(math.floor((maxy - y0) / dy)) - 2)
        r1 = min(self.height, int(math.ceil((miny - y0) / dy)) + 2)
        return c0, r0, c1, r1

    def burned(self, wkb):
        """(window, boolean mask of the window) of the pixels GDAL burns with ALL_TOUCHED=TRUE."""
        ogr = self.ogr
        geometry = ogr.CreateGeometryFromWkb(wkb)
        source = ogr.GetDriverByName("Memory").CreateDataSource("")
        layer = source.CreateLayer("one", self.srs, ogr.wkbPolygon)
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(geometry)
        layer.CreateFeature(feature)
        minx, maxx, miny, maxy = geometry.GetEnvelope()
        c0, r0, c1, r1 = window = self._window(minx, miny, maxx, maxy)
        if c1 <= c0 or r1 <= r0:
            return window, None
        if self.window:
            x0, dx, _, y0, _, dy = self.gt
            mask = self._mem(c1 - c0, r1 - r0, (x0 + c0 * dx, dx, 0.0, y0 + r0 * dy, 0.0, dy))
            self.gdal.RasterizeLayer(mask, [1], layer, burn_values=[1], options=["ALL_TOUCHED=TRUE"])
            return window, mask.GetRasterBand(1).ReadAsArray() == 1
        self.gdal.RasterizeLayer(self.mask, [1], layer, burn_values=[1], options=["ALL_TOUCHED=TRUE"])
        mask_band = self.mask.GetRasterBand(1)
        burned = mask_band.ReadAsArray(c0, r0, c1 - c0, r1 - r0) == 1
        if int((mask_band.ReadAsArray() == 1).sum()) != int(burned.sum()):
            raise RuntimeError("GDAL burned pixels outside the polygon's envelope")
        mask_band.Fill(0)
        return window, burned

    def values(self, window):
        import numpy as np

        c0, r0, c1, r1 = window
        values = self.band.ReadAsArray(c0, r0, c1 - c0, r1 - r0).astype(np.float64)
        if self.nodata is not None:
            values[values == self.nodata] = np.nan
        return values

    def max_depth(self, wkb):
        """Max depth over the pixels GDAL burns (NaN if none or all nodata)."""
        import numpy as np

        window, burned = self.burned(wkb)
        if burned is None:
            return np.nan
        values = self.values(window)[burned]
        values = values[~np.isnan(values)]
        return float(values.max()) if values.size else np.nan

    def overlap_areas(self, wkb, window):
        """Area (in pixels) of polygon ∩ pixel for every pixel of ``window``: the geometric rule."""
        import numpy as np
        import shapely

        x0, dx, _, y0, _, dy = self.gt
        polygon = shapely.transform(shapely.from_wkb(wkb),
                                    lambda xy: np.column_stack(((xy[:, 0] - x0) / dx, (xy[:, 1] - y0) / dy)))
        c0, r0, c1, r1 = window
        cols, rows = np.meshgrid(np.arange(c0, c1), np.arange(r0, r1))
        boxes = shapely.box(cols, rows, cols + 1, rows + 1)
        # GEOS raises the floating-point "invalid" flag on empty intersections: harmless, silenced
        with np.errstate(invalid="ignore"):
            return shapely.area(shapely.intersection(polygon, boxes))

    def geometric_max(self, wkb):
        """Max depth over the pixels the polygon's interior overlaps (area > 1e-9 pixel)."""
        import numpy as np
        import shapely

        minx, miny, maxx, maxy = shapely.bounds(shapely.from_wkb(wkb))
        window = self._window(minx, miny, maxx, maxy)
        values = self.values(window)[self.overlap_areas(wkb, window) > 1e-9]
        values = values[~np.isnan(values)]
        return float(values.max()) if values.size else np.nan

    def explain(self, wkb, refuge_depth):
        """Compare GDAL's burned pixels with the geometric rule (overlap area > 1e-9 pixel) for one polygon.

        Returns {gdal, geometric: max depths, missed: overlap areas of the pixels the polygon
        enters that GDAL leaves out, extra: those GDAL burns without the polygon entering them}.
        """
        import numpy as np

        window, burned = self.burned(wkb)
        areas = self.overlap_areas(wkb, window)
        touched = areas > 1e-9
        values = self.values(window)

        def maximum(mask):
            v = values[mask]
            v = v[~np.isnan(v)]
            return float(v.max()) if v.size else float("nan")

        return {"refuge": float(refuge_depth), "gdal": maximum(burned), "geometric": maximum(touched),
                "missed": sorted(float(a) for a in areas[touched & ~burned]),
                "extra": int((burned & ~touched).sum())}

