"""The exposure benchmark's synthetic data, written once as GeoPackages, and its read-back."""

from harness.data import gpkg_table, metres_per_degree, read_only, rectangle_rings_m, write_polygons

from exposure.config import GRID, HALF_M, HAZARD_COUNT, LAT0, LON0, SEED


def extent():
    lon_m, lat_m = metres_per_degree(LAT0)
    return (LON0 - HALF_M / lon_m, LAT0 - HALF_M / lat_m, LON0 + HALF_M / lon_m, LAT0 + HALF_M / lat_m)


def rectangles(centres_m, widths, heights, angles):
    """Polygons (EPSG:4326) of rectangles given in metres around (LON0, LAT0)."""
    import numpy as np
    import shapely

    lon_m, lat_m = metres_per_degree(LAT0)
    x, y = rectangle_rings_m(centres_m[:, 0], centres_m[:, 1], widths, heights, angles)
    coords = np.stack((LON0 + x / lon_m, LAT0 + y / lat_m), axis=-1)
    return shapely.polygons(coords)


def write_hazard(path):
    """HAZARD_COUNT rectangles (30 % squares) of 50-300 m, classes 1/2/3 drawn 0.5/0.3/0.2."""
    import numpy as np

    rng = np.random.default_rng([SEED, 0])
    centres = rng.uniform(-HALF_M, HALF_M, (HAZARD_COUNT, 2))
    widths = rng.uniform(50, 300, HAZARD_COUNT)
    squares = rng.random(HAZARD_COUNT) < 0.3
    heights = np.where(squares, widths, rng.uniform(50, 300, HAZARD_COUNT))
    classes = rng.choice([1, 2, 3], HAZARD_COUNT, p=[0.5, 0.3, 0.2])
    print(f"writing {path.name}", flush=True)
    write_polygons(path, "hazard", rectangles(centres, widths, heights, np.zeros(HAZARD_COUNT)),
                   {"hazard_class": classes})


def write_units(path):
    """GRID x GRID squares over the area, named R<row>C<column>."""
    import numpy as np
    import shapely

    west, south, east, north = extent()
    xs, ys = np.linspace(west, east, GRID + 1), np.linspace(south, north, GRID + 1)
    boxes, names = [], []
    for row in range(GRID):
        for column in range(GRID):
            boxes.append(shapely.box(xs[column], ys[row], xs[column + 1], ys[row + 1]))
            names.append(f"R{row}C{column}")
    write_polygons(path, "units", np.array(boxes, dtype=object), {"name": names})


def write_buildings(path, size):
    """``size`` rotated rectangles of 5-30 m a side, all inside the area."""
    import numpy as np

    rng = np.random.default_rng([SEED, size])
    margin = 25.0  # half-diagonal of a 30 m x 30 m building is 21.2 m: all stay inside
    centres = rng.uniform(-HALF_M + margin, HALF_M - margin, (size, 2))
    widths, heights = rng.uniform(5, 30, size), rng.uniform(5, 30, size)
    angles = rng.uniform(0, np.pi, size)
    print(f"writing {path.name}", flush=True)
    write_polygons(path, "buildings", rectangles(centres, widths, heights, angles),
                   {"bid": np.arange(size)})


def make_data(data_dir, sizes):
    """Hazard, units and one buildings file per size; existing files are kept."""
    data_dir.mkdir(parents=True, exist_ok=True)
    files = {"hazard": data_dir / f"hazard_{HAZARD_COUNT}_s{SEED}.gpkg",
             "units": data_dir / f"units_{GRID}x{GRID}.gpkg"}
    if not files["hazard"].exists():
        write_hazard(files["hazard"])
    if not files["units"].exists():
        write_units(files["units"])
    for size in sizes:
        files[size] = data_dir / f"buildings_{size}_s{SEED}.gpkg"
        if not files[size].exists():
            write_buildings(files[size], size)
    return files


def per_building_from_gpkg(path, size, class_field="hazard_class"):
    """hazard_class per building (by bid) from an output GeoPackage."""
    import numpy as np

    result = np.full(size, -1, dtype=np.int64)
    with read_only(path) as db:
        rows = db.execute(f'SELECT bid, "{class_field}" FROM "{gpkg_table(path)}"').fetchall()
    for bid, code in rows:
        result[bid] = 0 if code is None else int(code)
    return result


def class_counts(per_building):
    import numpy as np

    counts = np.bincount(np.asarray(per_building, dtype=np.int64).clip(0), minlength=4)
    return {code: int(counts[code]) for code in range(4)}
