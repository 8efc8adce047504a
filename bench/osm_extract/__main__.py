"""``python bench/osm_extract [ARGS]``: the benchmark; ``--engine PBF GPKG``: the engine's run."""

import sys
from pathlib import Path


def main(argv):
    if not __package__:  # run by path: bench/ on sys.path, never the checkout's root
        sys.path[0] = str(Path(__file__).resolve().parents[1])
    if len(argv) == 3 and argv[0] == "--engine":
        from osm_extract.engine import engine

        return engine(argv[1], argv[2])
    from osm_extract.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
