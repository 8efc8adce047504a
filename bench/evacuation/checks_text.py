"""The evacuation section's checks: Refuge against the peers, the native sample and the dry run."""

from harness.report import fmt_n

from evacuation.config import AGREE_REL, SHELTERS
from evacuation.table import fmt_rel


def format_counts(counts):
    return ", ".join(f"{k} {fmt_n(v)}" for k, v in counts.items())


def peer_line(c):
    """Refuge against the networkx peer, with the households beyond the tolerance explained."""
    e = c.get("explained")
    detail = ""
    if e and c["time"].get("above"):
        others = ", ".join(f"hid {o['hid']} ({o['refuge_s']:.1f} s vs {o['peer_s']:.1f} s)"
                           for o in e["other"][:5])
        detail = (f" Of the {fmt_n(c['time']['above'])} households beyond {AGREE_REL:.1%} "
                  f"({e['checked']} checked): {e['short']} are less than 0.5 s apart (routes of a few "
                  f"metres), {e['tie']} sit at a tie between two road segments within 5 cm of each "
                  f"other (overlapping or folded OSM ways: each tool takes one), "
                  f"{len(e['other'])} unexplained" + (f": {others}" if others else "") + ".")
    return (f"- Refuge vs the networkx peer, every household reachable in both "
                 f"({fmt_n(c['both'])}): travel time relative difference {fmt_rel(c['time'])}; same "
                 f"nearest shelter for {fmt_n(c['same_shelter'])}; distance along the route: "
                 f"{fmt_rel(c['length'])}. Reachable by Refuge only: {c['refuge_reachable_peer_not']}; "
                 f"by the peer only, by Refuge's status: "
                 f"{format_counts(c['peer_reachable_refuge_not']) or 'none'}.{detail}")


def native_line(native):
    """The native sample: routes found, and Refuge and networkx on the same households."""
    c = native["comparison"]
    native_only = format_counts(c.get("native_only", {})) or "none"
    beyond = ""
    if c.get("same_vertex") or c.get("beyond_other"):
        listed = ", ".join(f"hid {b['hid']}: Refuge {b['refuge_s']:.1f} s, native {b['native_s']:.1f} s, "
                           f"networkx {b['networkx_s']:.1f} s" for b in c.get("beyond", []))
        beyond = (f" Beyond {AGREE_REL:.1%}: {c.get('same_vertex', 0)} household(s) joining the road "
                  f"at the very vertex where its shelter joins (0 s for Refuge; QGIS reports \"no "
                  f"route\" when start and end share a graph vertex, so the native minimum is the next "
                  f"shelter), "
                  f"{c.get('beyond_other', 0)} other(s)" + (f": {listed}" if listed else "") + ".")
    return (f"- Native sample ({fmt_n(c['households'])} households × {native['shelters']} "
                 f"shelters, minimum per household): {fmt_n(c['native_routes'])} households get a route. "
                 f"Refuge run on the same households and shelters: {fmt_rel(c.get('refuge'))}; routed "
                 f"by Refuge only: {c.get('refuge_only', '—')}, by native only: {native_only}. "
                 f"networkx peer on the same: {fmt_rel(c.get('networkx'))}.{beyond}")


def flood_line(results):
    """The flood run's statuses and checks against the dry run."""
    checks = results.get("flood_checks", {})
    text = f"- Flood run statuses: {format_counts(results['flood_status'])}"
    if checks.get("lost"):
        text += f"; of the households reachable when dry, {format_counts(checks['lost'])}"
    if "slower" in checks:
        text += (f"; {fmt_n(checks['slower'])} reach a shelter later than when dry, "
                 f"{checks['faster']} sooner")
    if checks.get("faster_moved"):
        example = checks["faster_example"]
        text += (f" ({checks['faster_moved']} of them because the flood moves their snapped point to "
                 f"another, usable road farther away, and the snapping distance is not part of the "
                 f"cost: up to {example['gain_s']:.0f} s sooner for {example['extra_snap_m']:.0f} m more "
                 f"off-road)")
    if checks.get("dry_time"):
        text += (f"; `dry_time_s` vs the dry run's time, households whose dry-run shelter stays safe: "
                 f"{fmt_rel(checks['dry_time'])}")
    if results.get("flood_shelters"):
        text += f"; shelters: {format_counts(results['flood_shelters'])}"
    roads = results.get("flood_roads")
    if roads:
        text += (f"; road output: {fmt_n(roads['segments'])} segments, "
                 f"{fmt_n(roads.get('wet', 0))} wet, {fmt_n(roads.get('impassable', 0))} impassable")
    return text + "."


def check_lines(results):
    lines = []
    if results.get("refuge_status"):
        lines.append(f"- Refuge's household statuses (dry): {format_counts(results['refuge_status'])}.")
    if results.get("vs_peer"):
        lines.append(peer_line(results["vs_peer"]))
    if results.get("vs_scipy"):
        lines.append(f"- Refuge vs scipy (same graph): {fmt_rel(results['vs_scipy']['time'])}.")
    native = results.get("native")
    if native and native.get("comparison"):
        lines.append(native_line(native))
    if native and native.get("full_check"):
        lines.append(f"- Refuge's full run ({SHELTERS} shelters) vs native, for the sampled households "
                     f"whose nearest shelter is one of the {native['shelters']} sampled: "
                     f"{fmt_rel(native['full_check'])}"
                     + (f", of which {native['full_check']['same_vertex']} at their shelter's vertex (above)"
                        if native["full_check"].get("same_vertex") else "") + ".")
    if results.get("flood_status"):
        lines.append(flood_line(results))
    scale = results.get("scale")
    if results.get("snap_scale"):
        lines.append(f"- Refuge's network projection: {results['snap_scale']}")
    if scale and scale.get("status"):
        lines.append(f"- Scale run statuses: {format_counts(scale['status'])}.")
    return "\n".join(lines) or "- none (Refuge did not run)"
