"""The ``refuge`` case: extract_pbf in a fresh Python process (standard library imports only)."""

import json
import time


def engine(pbf, output):
    """Run extract_pbf with all themes and report what a table needs as JSON.

    The import is timed apart so the table can show the call alone next to the
    whole process (Python start-up + imports + call), which is what is compared.
    """
    start = time.perf_counter()
    from refuge.core.osm.extract import extract_pbf

    imported = time.perf_counter()
    result = extract_pbf(pbf, output)
    done = time.perf_counter()
    print(json.dumps({
        "import_seconds": imported - start,
        "call_seconds": done - imported,
        "counts": result["counts"],
        "rejects": result["rejects"],
    }))
