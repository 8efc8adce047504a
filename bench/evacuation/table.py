"""The evacuation section's table: Refuge against its targets, the peers and the native approach."""

import statistics

from harness.processes import summarize_runs as summarize
from harness.report import budget_verdict as verdict
from harness.report import fmt_n, join_runs, mark

from evacuation.config import (
    AGREE_REL,
    ALGORITHM,
    CITY_HOUSEHOLDS,
    CITY_SHELTERS,
    PBF,
    SCALE_TARGET_MIB,
    SCALE_TARGET_SECONDS,
    SHELTERS,
    TARGET_MIB,
    TARGET_SECONDS,
    TARGET_SPEEDUP,
)


def fmt_s(seconds):
    if seconds is None:
        return "—"
    if seconds < 0.1:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def fmt_rel(stats):
    if not stats or not stats.get("n"):
        return "no household to compare"
    return (f"median {stats['median']:.1e}, 99th percentile {stats['p99']:.1e}, max {stats['max']:.1e} "
            f"over {fmt_n(stats['n'])} households ({fmt_n(stats['above'])} above {AGREE_REL:.1%})")


def describe_run(report):
    if not report["ok"]:
        return f"FAILED {report['error']}"
    return (f"{report['seconds']:.2f} s, {report['peak_kib'] / 1024:.0f} MiB, other load "
            f"{report['other_cores']:.2f} cores")


def refuge_row(label, data_text, summary, startup_seconds, target_seconds, target_mib, error=None):
    if summary is None:
        return f"| {label} | {data_text} | {error or 'failed'} | | | | |"
    net = summary["seconds"] - startup_seconds
    runs = join_runs(summary["runs"]) + f" (other load ≤ {summary['other_cores']:.2f})"
    return (f"| {label} | {data_text} | **{summary['seconds']:.2f} s** (net {net:.2f}) | {runs} "
            f"| {summary['peak_mib']:.0f} | < {target_seconds:g} s, < {target_mib / 1024:g} GiB "
            f"| time {verdict(summary['seconds'], target_seconds)} (net {net / target_seconds:.2f}×); "
            f"memory {verdict(summary['peak_mib'], target_mib)} |")


def refuge_rows(ctx):
    """Refuge dry and with the flood cut, against the targets."""
    refuge = ctx["refuge"]
    flood = ctx["flood"]
    seychelles, startup_s, missing = ctx["seychelles"], ctx["startup_s"], ctx["missing"]
    return [
        refuge_row(f"Refuge `qgis_process run {ALGORITHM}` (walk, GPKG outputs)", seychelles, refuge,
                   startup_s, TARGET_SECONDS, TARGET_MIB, missing),
        refuge_row("Refuge, same + DEPTH raster (flood cut, every segment sampled)", seychelles, flood,
                   startup_s, TARGET_SECONDS, TARGET_MIB, missing),
    ]


def peer_rows(peers, ctx):
    """The networkx peer end to end, and the raw searches."""
    refuge, seychelles, startup_s = ctx["refuge"], ctx["seychelles"], ctx["startup_s"]
    rows = []

    def med(key):
        return statistics.median(r["timings"][key] for r in peers)

    peer_peak = max(r["peak_kib"] for r in peers) / 1024
    nx_total = med("nx_total")
    ratio = f"{nx_total / (refuge['seconds'] - startup_s):.2f}× Refuge's net time" if refuge else ""
    rows.append(f"| networkx peer end to end (read, graph, snap, `multi_source_dijkstra`, households; "
                f"no output written) | {seychelles} | {fmt_s(nx_total)} | "
                f"{join_runs(r['timings']['nx_total'] for r in peers)} | {peer_peak:.0f} "
                f"(both peers) | — | {ratio} |")
    rows.append(f"| ↳ networkx `multi_source_dijkstra` alone | {fmt_n(peers[-1]['nodes'])} nodes + "
                f"{SHELTERS} shelter nodes, {fmt_n(peers[-1]['graph_edges'])} edges | "
                f"{fmt_s(med('nx_search'))} | median of 5 per run | | — | |")
    rows.append(f"| scipy `csgraph.dijkstra(min_only=True)` alone (same graph, CSR) | same graph | "
                f"{fmt_s(med('scipy_search'))} | median of 5 per run | | — | |")
    if "scipy_junction_search" in peers[-1]["timings"]:
        junctions = peers[-1]["junctions"]
        rows.append(f"| context: the same two searches on the junction graph (degree-2 nodes merged, "
                    f"as the issue counted the network) | {fmt_n(junctions['nodes'])} junctions + "
                    f"{SHELTERS} shelter nodes, {fmt_n(junctions['edges'])} edges | scipy "
                    f"{fmt_s(med('scipy_junction_search'))}, networkx {fmt_s(med('nx_junction_search'))} "
                    f"| median of 5 per run | | — | |")
    return rows


def native_rows(native, model, ctx):
    """The native approach on the sample, and its extrapolation to the full set."""
    refuge, seychelles = ctx["refuge"], ctx["seychelles"]
    rows = []
    pairs = native["households"] * native["shelters"]
    rows.append(f"| QGIS `native:shortestpathlayertopoint`, once per shelter, minimum kept (sample) | "
                f"{fmt_n(native['households'])} households × {native['shelters']} shelters "
                f"({fmt_n(pairs)} pairs) | {fmt_s(model['total'])} "
                f"({model['per_pair'] * 1000:.2f} ms per pair) | {native['shelters']} runs of "
                f"{min(native['runs']):.2f}–{max(native['runs']):.2f} | "
                f"{native['report']['peak_kib'] / 1024:.0f} | — | |")
    speedup = ""
    if refuge:
        ratio = model["linear"] / refuge["seconds"]
        speedup = (f"Refuge is **{fmt_n(round(ratio))}×** faster "
                   f"({fmt_n(round(model['model'] / refuge['seconds']))}× by the two-part model): "
                   f"{mark(ratio >= TARGET_SPEEDUP)}")
    rows.append(f"| ↳ extrapolated to the full set | {seychelles} | **{fmt_s(model['linear'])}** "
                f"per pair (two-part model: {fmt_s(model['model'])}) | | "
                f"| Refuge ≥ {fmt_n(TARGET_SPEEDUP)}× faster | {speedup} |")
    return rows


def scale_row(scale, ctx):
    """Refuge on the synthetic city, against its targets."""
    info = scale["info"]
    city_text = (f"synthetic city, {fmt_n(info['segments'])} segments, {fmt_n(CITY_HOUSEHOLDS)} "
                 f"households × {fmt_n(CITY_SHELTERS)} shelters")
    report = scale["report"]
    if report is None:
        return f"| Refuge `qgis_process run` (scale) | {city_text} | {ctx['missing']} | | | | |"
    return refuge_row("Refuge `qgis_process run` (scale, walk, GPKG outputs)", city_text,
                      summarize([report]), ctx["startup_s"], SCALE_TARGET_SECONDS, SCALE_TARGET_MIB,
                      report.get("error", "failed")[:200] if not report["ok"] else None)


def context_rows(results, start, startup_s):
    """read_pbf alone and qgis_process start-up alone, for context."""
    rows = []
    pbf_ok = [r for r in results["pbf"] if r.get("ok")]
    if pbf_ok:
        rows.append(f"| context: `read_pbf` of the roads alone, fresh Python process | "
                    f"{PBF.name} ({PBF.stat().st_size / 1e6:.1f} MB) | "
                    f"{statistics.median(r['call_seconds'] for r in pbf_ok):.2f} s (process "
                    f"{statistics.median(r['seconds'] for r in pbf_ok):.2f}) | "
                    f"{join_runs(r['call_seconds'] for r in pbf_ok)} | "
                    f"{max(r['peak_kib'] for r in pbf_ok) / 1024:.0f} | — | |")
    rows.append(f"| context: `qgis_process list` (start-up, subtracted as \"net\") | — | {startup_s:.2f} s | "
                f"`--version`: {start['version']['seconds']:.2f} s | {start['list']['peak_mib']:.0f} | — | |")
    return rows


def table(results, ctx, model):
    rows = ["| Case | Data | Median time | Runs (s) | Peak RSS (MiB) | Target | Against the target |",
            "|---|---|--:|---|--:|---|---|"] + refuge_rows(ctx)
    peers = [r for r in results["runs"]["peers"] if r.get("ok")]
    if peers:
        rows += peer_rows(peers, ctx)
    if model:
        rows += native_rows(results["native"], model, ctx)
    if results.get("scale") is not None:
        rows.append(scale_row(results["scale"], ctx))
    rows += context_rows(results, results["start"], ctx["startup_s"])
    return "\n".join(rows)
