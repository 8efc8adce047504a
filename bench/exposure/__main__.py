"""``python bench/exposure [ARGS]``: the benchmark; ``--geopandas-child`` and ``--big``: its children."""

import sys
from pathlib import Path


def main(argv):
    if not __package__:  # run by path: bench/ on sys.path, never the checkout's root
        sys.path[0] = str(Path(__file__).resolve().parents[1])
    if len(argv) == 4 and argv[0] == "--geopandas-child":
        from exposure.geopandas_case import geopandas_child

        return geopandas_child(*argv[1:])
    if len(argv) == 4 and argv[0] == "--big":
        from exposure.big import big_child

        return big_child(argv[1], int(argv[2]), Path(argv[3]))
    from exposure.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
