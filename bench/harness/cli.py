"""The options every benchmark's command line has: its scratch folder and the results file."""

from pathlib import Path

from harness.paths import RESULTS


def parse(parser, argv, work, check_repeat=False):
    """Add ``--work`` (default ``work``) and ``--results`` to ``parser`` and parse ``argv``;
    ``check_repeat``: refuse a ``--repeat`` below 1."""
    parser.add_argument("--work", type=Path, default=work, help="scratch folder")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if check_repeat and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args
