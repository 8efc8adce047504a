"""Refuge's outputs against the peers', household by household, and the flood run against the dry."""

from harness.data import metres_per_degree
from harness.report import fmt_n

from evacuation.config import AGREE_REL


def status_counts(status):
    counts = {}
    for value in status.tolist():
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def relative(a, b, floor=1.0):
    """|a - b| / max(|b|, floor): times in seconds, distances in metres; the floor keeps a few
    centimetres of difference on a route of a few metres from counting as a large relative error."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        return np.abs(a - b) / np.maximum(np.abs(b), floor)


def describe_rel(rel):
    import numpy as np

    if len(rel) == 0:
        return {"n": 0}
    return {"n": int(len(rel)), "median": float(np.median(rel)), "p99": float(np.percentile(rel, 99)),
            "max": float(rel.max()), "above": int((rel > AGREE_REL).sum())}


def compare_peer(refuge, peer, sid_of_fid, prefix="nx", network=None, points=None):
    """Refuge's travel times vs a peer's, household by household; with ``network`` and ``points``
    (lon, lat), the households beyond the tolerance are explained (see :func:`explain`)."""
    import numpy as np

    status = refuge["status"]
    peer_time = peer[f"{prefix}_time"]
    reachable = status == "reachable"
    finite = np.isfinite(peer_time)
    both = reachable & finite
    rel = relative(refuge["travel_time_s"][both], peer_time[both])
    shelter = np.array([sid_of_fid.get(int(f), -2) if f == f else -1 for f in refuge["shelter_fid"]])
    same_shelter = int((shelter[both] == peer[f"{prefix}_shelter"][both]).sum())
    length_rel = relative(refuge["distance_m"][both], peer["length"][both])
    explained = None
    if network is not None:
        index = np.flatnonzero(both)[rel > AGREE_REL]
        explained = explain(network, points[0][index], points[1][index], index,
                            refuge["travel_time_s"][index], peer_time[index])
    return {
        "explained": explained,
        "time": describe_rel(rel),
        "length": describe_rel(length_rel[np.isfinite(length_rel)]),
        "same_shelter": same_shelter,
        "both": int(both.sum()),
        "refuge_reachable_peer_not": int((reachable & ~finite).sum()),
        "peer_reachable_refuge_not": status_counts(status[finite & ~reachable]),
    }


def snap_scale(refuge, peer, points, network):
    """Refuge's ``snap_distance_m`` over the peer's (true to about 1e-4, see WalkNetwork.snap), for
    households on the inner islands (east of 55 E) and on the outer ones: a local projection centred
    far away inflates planar distances by its scale factor."""
    import numpy as np

    lon = points[0]
    valid = np.isfinite(refuge["snap_distance_m"]) & (peer["snap"] > 1.0)
    ratio = refuge["snap_distance_m"] / np.where(valid, peer["snap"], np.nan)
    parts = []
    for label, where in (("inner islands (east of 55° E)", lon >= 55), ("outer islands", lon < 55)):
        chosen = valid & where
        if chosen.any():
            values = ratio[chosen]
            parts.append(f"{label}: median {np.median(values):.4f}, range {values.min():.4f}–"
                         f"{values.max():.4f} ({fmt_n(int(chosen.sum()))})")
    lo, hi = network.node_xy.min(axis=0), network.node_xy.max(axis=0)
    return (f"Refuge's `snap_distance_m` ÷ the true snapping distance (peer's, households over 1 m from "
            f"their road): {'; '.join(parts)}. The roads span {lo[0]:.1f}–{hi[0]:.1f}° E, "
            f"{lo[1]:.1f}–{hi[1]:.1f}° N, so a transverse Mercator centred on their middle is far from "
            "the main islands.")


def explain(network, lon, lat, index, refuge_time, peer_time, limit=2000):
    """Sort households whose times differ beyond the tolerance into

    * ``short``: less than 0.5 s apart (a route of a few metres; the snapped points differ by
      centimetres between Refuge's projection and the peer's plane);
    * ``tie``: another segment lies within 5 cm of the nearest one, elsewhere (two ways on top of
      each other, a way folding back): either is "the nearest road", and the two tools pick
      differently;
    * ``other``: neither; listed for a closer look.
    """
    import numpy as np

    diff = np.abs(refuge_time - peer_time)
    result = {"short": 0, "tie": 0, "other": [], "checked": 0}
    for position in range(min(len(index), limit)):
        if diff[position] < 0.5:
            result["short"] += 1
            continue
        # A plane around this household (metres): its own scale, exact enough within a few km.
        kx, ky = metres_per_degree(float(lat[position]))
        a, b = network.xy_a * (kx, ky), network.xy_b * (kx, ky)
        d = b - a
        squared = np.maximum((d * d).sum(axis=1), 1e-12)
        point = np.array([lon[position] * kx, lat[position] * ky])
        t = np.clip(((point - a) * d).sum(axis=1) / squared, 0, 1)
        nearest = a + t[:, None] * d
        distance = np.hypot(*(point - nearest).T)
        best = int(distance.argmin())
        close = (distance <= distance[best] + 0.05) & (np.hypot(*(nearest - nearest[best]).T) > 0.01)
        if close.any():
            result["tie"] += 1
        else:
            result["other"].append({"hid": int(index[position]), "refuge_s": float(refuge_time[position]),
                                    "peer_s": float(peer_time[position]),
                                    "snap_m": float(distance[best])})
    result["checked"] = min(len(index), limit)
    return result


def flood_checks(dry, flood, safe_fids, problems):
    """The flood run against the dry run: its ``dry_time_s`` is the dry run's time, and no household
    gets faster with the flood."""
    import numpy as np

    result = {}
    if dry is None:
        return result
    dry_reachable = dry["status"] == "reachable"
    if "dry_time_s" in flood:
        # dry_time_s leaves flooded shelters out: compare where the dry run's shelter stayed safe.
        safe = np.isin(dry["shelter_fid"], list(safe_fids))
        both = np.isfinite(flood["dry_time_s"]) & dry_reachable & safe
        rel = relative(flood["dry_time_s"][both], dry["travel_time_s"][both])
        result["dry_time"] = describe_rel(rel)
        result["dry_time_flooded_shelter"] = int((dry_reachable & ~safe).sum())
        if len(rel) and rel.max() > 1e-6:
            problems.append(f"flood run: dry_time_s differs from the dry run's travel_time_s for "
                            f"{int((rel > 1e-6).sum())} households whose shelter is safe (max relative "
                            f"difference {rel.max():.2e})")
    reachable = (flood["status"] == "reachable") & dry_reachable
    # With the flood, a household next to a flooded road joins the nearest usable one instead,
    # possibly farther away; the snapping distance is not part of the cost, so its time may drop.
    same_snap = np.isclose(flood["snap_distance_m"], dry["snap_distance_m"], rtol=0, atol=1e-6)
    faster = reachable & (flood["travel_time_s"] < dry["travel_time_s"] * (1 - 1e-9))
    result["faster"] = int(faster.sum())
    result["faster_same_snap"] = int((faster & same_snap).sum())
    result["faster_moved"] = int((faster & ~same_snap).sum())
    moved = faster & ~same_snap
    if moved.any():
        gain = dry["travel_time_s"][moved] - flood["travel_time_s"][moved]
        extra = flood["snap_distance_m"][moved] - dry["snap_distance_m"][moved]
        worst = np.argmax(gain)
        result["faster_example"] = {"gain_s": float(gain[worst]), "extra_snap_m": float(extra[worst]),
                                    "max_extra_snap_m": float(extra.max())}
    if result["faster_same_snap"]:
        problems.append(f"flood run: {result['faster_same_snap']} households reach a shelter faster than "
                        "when dry from the same snapped point")
    slower = reachable & (flood["travel_time_s"] > dry["travel_time_s"] * (1 + 1e-9))
    result["slower"] = int(slower.sum())
    result["lost"] = status_counts(flood["status"][(dry["status"] == "reachable")
                                                   & (flood["status"] != "reachable")])
    return result

