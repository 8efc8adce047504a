"""``python bench/exposure_raster [ARGS]``: the benchmark; ``--big`` and ``--read``: its children."""

import sys
from pathlib import Path


def main(argv):
    if not __package__:  # run by path: bench/ on sys.path, never the checkout's root
        sys.path[0] = str(Path(__file__).resolve().parents[1])
    if len(argv) == 4 and argv[0] == "--big":
        from exposure_raster.children import big_child

        return big_child(argv[1], int(argv[2]), Path(argv[3]))
    if len(argv) == 3 and argv[0] == "--read":
        from exposure_raster.children import read_child

        return read_child(argv[1], int(argv[2]))
    from exposure_raster.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
