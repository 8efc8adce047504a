"""A JSON summary written whole or not at all."""

import json
import os

import numpy as np

from . import staging


def write_json(path, data):
    """Write ``data`` as UTF-8 JSON to ``path`` through a temporary file (never half-written).

    NaN and infinite numbers, which JSON cannot hold, are written as null.
    Every write is checked: a full disk or a refused write raises
    :class:`refuge.core.errors.OutputError` and leaves nothing behind.
    """
    text = json.dumps(json_safe(data), ensure_ascii=False, indent=1, allow_nan=False)
    temporary = path + ".tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise staging.output_error(path, exc) from exc


def json_safe(value):
    """``value`` with NaN and infinities as None and numpy scalars as Python numbers."""
    if isinstance(value, dict):
        return {key if isinstance(key, (str, int, float, bool)) or key is None else str(key): json_safe(item)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if np.isfinite(number) else None
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    return value
