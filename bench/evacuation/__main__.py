"""``python bench/evacuation [ARGS]``: the benchmark; ``--peers``, ``--profile``, ``--read-pbf`` and
``--native``: its children, each in a fresh process under the probe."""

import sys
from pathlib import Path


def child(argv):
    """The child role named by ``argv[0]``, or None when ``argv`` is the benchmark's own."""
    if len(argv) == 7 and argv[0] == "--peers":
        from evacuation.peers import peers_child

        return lambda: peers_child(*argv[1:6], int(argv[6]))
    if len(argv) == 4 and argv[0] == "--profile":
        from evacuation.profile import profile_child

        return lambda: profile_child(argv[1], int(argv[2]), argv[3] == "1")
    if len(argv) == 1 and argv[0] == "--read-pbf":
        from evacuation.profile import read_pbf_child

        return read_pbf_child
    if len(argv) == 6 and argv[0] == "--native":
        from evacuation.native import native_child

        return lambda: native_child(*argv[1:6])
    return None


def main(argv):
    if not __package__:  # run by path: bench/ on sys.path, never the checkout's root
        sys.path[0] = str(Path(__file__).resolve().parents[1])
    role = child(argv)
    if role is not None:
        return role()
    from evacuation.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
