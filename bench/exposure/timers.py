"""Wall time inside some of Refuge's functions, timed by wrapping them from the benchmark."""

import time


class PhaseTimers:
    """Wall time spent in some of Refuge's functions, by wrapping them from outside.

    Nothing in Refuge is changed on disk: the functions are replaced in memory
    by timed wrappers, in the benchmark's process only, and put back by
    ``uninstall``. Times add up per call path (a function called from two
    places gets two rows), in the order the paths were first entered.
    """

    OTHER_THREADS = "in other threads, beside the rows above (their time overlaps it)"

    def __init__(self):
        import threading

        self.totals = {}
        self.order = []
        self.local = threading.local()  # one call stack per thread
        self.lock = threading.Lock()
        self.originals = []

    def _stack(self):
        import threading

        stack = getattr(self.local, "stack", None)
        if stack is None:
            # Refuge runs blocks, areas and the output writer in threads of its own: their calls
            # are listed apart, under one row, since their time overlaps the main thread's.
            main = threading.current_thread() is threading.main_thread()
            stack = self.local.stack = [] if main else [self.OTHER_THREADS]
        return stack

    def _timed(self, label, function):
        def wrapper(*args, **kwargs):
            key = label(args) if callable(label) else label
            stack = self._stack()
            path = tuple(stack) + (key,)
            with self.lock:
                if path not in self.totals:
                    self.totals[path] = 0.0
                    self.order.append(path)
            stack.append(key)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                with self.lock:
                    self.totals[path] += time.perf_counter() - started
                stack.pop()
        return wrapper

    def wrap(self, owner, name, label):
        """Time ``owner.name`` under ``label``; a name this Refuge version lacks is skipped."""
        original = owner.__dict__.get(name)
        if original is None:
            return
        self.originals.append((owner, name, original))
        if isinstance(original, (classmethod, staticmethod)):
            setattr(owner, name, staticmethod(self._timed(label, getattr(owner, name))))
        else:
            setattr(owner, name, self._timed(label, original))

    def install(self):
        """Wrap the algorithm's steps, the engine's and the writers' (whichever this Refuge has)."""
        self._install_algorithm()
        self._install_engine()
        self._install_writers()

    def _install_algorithm(self):
        import shapely
        from refuge.core.exposure import blocks
        from refuge.processing import exposure, sources

        algorithm = exposure.Exposure
        self.wrap(algorithm, "processAlgorithm", "`processAlgorithm` (all of Refuge's Python)")
        self.wrap(algorithm, "_hazard", "hazard layer (`_hazard`: read, check classes, repair)")
        self.wrap(algorithm, "_source", lambda args: f"read {args[2].lower()} layer")
        self.wrap(sources.SourceArrays, "__init__", "QGIS features → WKB → shapely (`SourceArrays`)")
        self.wrap(exposure, "_repaired", "`_repaired` (is_valid, make_valid where invalid)")
        self.wrap(algorithm, "_buildings_in_blocks",
                  "buildings in blocks (per block: repair, engine, hand the columns to the writer)")
        repair = ("`repair` (convex rings certified with numpy, GEOS is_valid for the rest, make_valid "
                  "where invalid)")
        self.wrap(exposure, "repair", repair)  # the units
        self.wrap(blocks, "repair", repair)  # the buildings, block by block (refuge.core.exposure.blocks)
        self.wrap(shapely, "make_valid", "`shapely.make_valid`")

    def _install_engine(self):
        from refuge.core import crs as crs_tools
        from refuge.core import measure
        from refuge.core.exposure import analysis, blocks
        from refuge.core.hazard import index as overlay
        from refuge.core.hazard import zones
        from refuge.processing import exposure

        algorithm = exposure.Exposure
        self.wrap(zones, "resolve_overlaps", "`resolve_overlaps` (union per class, difference)")
        self.wrap(algorithm, "_buildings", "buildings: make_valid, engine, summaries, write")
        self.wrap(analysis, "buildings_exposure", "engine: `buildings_exposure`")
        self.wrap(blocks, "buildings_exposure", "engine: `buildings_exposure`")  # the name blocks calls
        self.wrap(overlay.ZoneIndex, "build", "`ZoneIndex.build` (from resolved zones)")
        self.wrap(overlay.ZoneIndex, "from_polygons", "`ZoneIndex.from_polygons` (raw polygons, STRtree)")
        self.wrap(overlay, "max_class", "`max_class` (STRtree bulk query, max per building)")
        self.wrap(measure, "areas_m2", "`areas_m2` (ellipsoid area scale)")
        self.wrap(overlay, "containing_unit", "`containing_unit` (point_on_surface + STRtree)")
        self.wrap(crs_tools, "reproject", "`reproject` (no-op: same CRS)")
        self.wrap(algorithm, "_write_features", "write buildings output (`_write_features`)")

    def _install_writers(self):
        from refuge.processing import exposure

        algorithm = exposure.Exposure
        self._install_fast_io(algorithm)
        run_state = getattr(exposure, "_Run", None)
        if run_state is not None and "finish_writes" in run_state.__dict__:
            self.wrap(run_state, "finish_writes", "wait for the writers to finish (`finish_writes`)")
        self.wrap(exposure, "add_features", "`add_features` (QgsFeature + sink.addFeatures)")
        self.wrap(algorithm, "_write_table", "write summary table")
        self.wrap(algorithm, "_write_rejects", "write rejects")
        self.wrap(algorithm, "_write_units", "write units output")

    def _install_fast_io(self, algorithm):
        """The direct GDAL reader and the joined GeoPackage writer, wrapped where they are called from."""
        from osgeo import gdal
        from refuge.core.io import copies, joined
        from refuge.processing import sinks, sources

        self.wrap(sources.ArrowArrays, "__init__", "GDAL Arrow stream → shapely (`sources.ArrowArrays`)")
        self.wrap(algorithm, "_write_features_fast", "`_write_features_fast` (result columns)")
        self.wrap(sinks, "write_joined", "`sinks.write_joined`")
        self.wrap(gdal, "VectorTranslate", "`gdal.VectorTranslate` (copy; the R-tree is built when the "
                  "returned dataset is freed, so it is in the rest row above)")
        self.wrap(joined, "sql_values", "`sql_values` (Python lists of column values)")
        self.wrap(copies, "copy_source", "copy of the input for the output (page by page), started "
                  "while the input is read")
        self.wrap(joined.JoinedWriter, "_open", "writer: wait for the copy, add the columns")
        self.wrap(joined.JoinedWriter, "_update", "writer: one block's UPDATE")
        self.wrap(joined.JoinedWriter, "_finish", "writer: triggers back, rows without geometry deleted, "
                  "commit, move into place")

    def uninstall(self):
        for owner, name, original in reversed(self.originals):
            setattr(owner, name, original)
        self.originals = []

    def take(self):
        with self.lock:
            order = sorted(self.order, key=lambda path: path[0] == self.OTHER_THREADS)  # stable
            result = [(path, self.totals[path]) for path in order]
            other = sum(t for p, t in result if len(p) == 2 and p[0] == self.OTHER_THREADS)
            if other:
                result.insert(next(i for i, (p, _) in enumerate(result) if p[0] == self.OTHER_THREADS),
                              ((self.OTHER_THREADS,), other))
            self.totals, self.order = {}, []
        return result

