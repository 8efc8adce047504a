"""Road attribute values as the network needs them: node id lists, oneway and yes/no flags, class factors.

A roads layer is written by many tools (Refuge's own OSM extract, osmnx,
hand-made layers), so the values come as numbers or as text, in English,
with ``None`` for nulls. Each parser here takes the plain values of one
field and returns a numpy array aligned with them; nothing is rejected
silently: a line whose node ids do not match its vertices is flagged, and the
caller lists it with its reason.
"""

import numpy as np

from .. import settings

_TRUE_TEXTS = ("1", "true", "yes", "1.0")
_FORWARD_TEXTS = ("1", "yes", "true", "1.0")
_BACKWARD_TEXTS = ("-1", "reverse", "-1.0")


def parse_id_lists(texts, vertex_counts):
    """Node ids from JSON lists of integers such as ``[12,13,14]``, one per vertex.

    Returns (flat ids for the vertices of every line in order, per-line bool
    "ids match the vertices"); lines that do not match get zeros. Parsed as one
    string for speed, line by line only if that fails, so that one bad list
    flags its line and not the whole layer.
    """
    vertex_counts = np.asarray(vertex_counts, dtype=np.int64)
    bodies, counts = _list_bodies(texts)
    ok = counts == vertex_counts
    joined = ",".join(b for b, good in zip(bodies, ok) if good and b)
    try:
        good_ids = np.array(joined.split(","), dtype=np.int64) if joined else np.zeros(0, np.int64)
    except ValueError:
        good_ids = _ids_line_by_line(bodies, ok)
    flat = np.zeros(int(vertex_counts.sum()), dtype=np.int64)
    owner = np.repeat(np.arange(len(texts)), vertex_counts)
    flat[ok[owner]] = good_ids
    return flat, ok


def _list_bodies(texts):
    """(text between the brackets of each list, its item count; -1 when not a bracketed list)."""
    bodies, counts = [], np.zeros(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        body = "" if text is None else str(text).strip()
        if body.startswith("[") and body.endswith("]"):
            body = body[1:-1].strip()
            counts[i] = body.count(",") + 1 if body else 0
        else:
            counts[i] = -1
            body = ""
        bodies.append(body)
    return bodies, counts


def _ids_line_by_line(bodies, ok):
    """The ids of the lines still ``ok``, each parsed alone; a line that fails is set not ok (in place)."""
    good_ids = []
    for i, body in enumerate(bodies):
        if ok[i] and body:
            try:
                good_ids.append(np.array(body.split(","), dtype=np.int64))
            except ValueError:
                ok[i] = False
    return np.concatenate(good_ids) if good_ids else np.zeros(0, np.int64)


def oneway_values(values):
    """1 forward only, -1 backward only, 0 both, from numbers or yes/no/true/-1 text (OSM ``oneway``)."""
    result = np.zeros(len(values), dtype=np.int8)
    for i, value in enumerate(values):
        if value is None:
            continue
        text = str(value).strip().lower()
        if text in _FORWARD_TEXTS:
            result[i] = 1
        elif text in _BACKWARD_TEXTS:
            result[i] = -1
    return result


def flag_values(values):
    """True where a value says yes (1, true, yes; any case); False for anything else and nulls.

    OSM ``bridge`` and ``tunnel`` also hold other words (viaduct, culvert...):
    only these yes values count.
    """
    return np.array([str(v).strip().lower() in _TRUE_TEXTS if v is not None else False
                     for v in values], dtype=bool)


def parse_class_rules(text):
    """{class code: speed factor} from 'low=0.5; medium=0; high=0' (grammar: :mod:`refuge.core.settings`).

    Factors lie between 0 (impassable) and 1 (no slowdown): a factor above 1
    would speed roads up. Classes not given are left out of the result (the
    profile's default factor applies to them).
    """
    given = settings.numbers(text, {1: None, 2: None, 3: None}, key=settings.class_key,
                             ranges={code: (0.0, 1.0, False) for code in (1, 2, 3)})
    return {code: factor for code, factor in given.items() if factor is not None}
