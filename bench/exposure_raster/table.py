"""The raster section's table, and its lines on class counts and checks."""

from harness.report import fmt_mib, fmt_n, join_runs

from exposure_raster.config import CASES, LABELS, MID_SIZE


def counts_cell(counts):
    return " / ".join(fmt_n(c) for c in counts)


def case_cells(case, result):
    """(Buildings per class, Max ≠ Refuge) of a case in the shared process."""
    if case == "refuge":
        return counts_cell(result["counts"]["json"]) + " (SUMMARY_JSON)", "—"
    if case == "zonal":
        return counts_cell(result["versus"]["zonal_counts"]), fmt_n(result["versus"]["differ"])
    return counts_cell(result["gdal_counts"]), fmt_n(result["size"] - result["gdal_agree"])


def result_rows(result):
    """Rows of one data set run in the shared QGIS process."""
    lines = []
    ref = result["summaries"]["refuge"]["seconds"]
    for case in (c for c in CASES if result["summaries"].get(c) is not None):
        s = result["summaries"][case]
        cell = "" if lines else f"{result['name']}; {result['raster']}"
        classes, differ = case_cells(case, result)
        peak = fmt_mib(s["peak_kib"]) + ("" if s["exact"] else " (≥)")
        rise = fmt_mib(max(0, s["rise_kib"]))
        lines.append(f"| {cell} | {LABELS[case]} | {s['seconds']:.2f} | {join_runs(s['runs'])} "
                     f"| {s['seconds'] / ref:.2f}× "
                     f"| {peak} | +{rise} | {s['other_cores']:.2f} | {classes} | {differ} |")
    return lines


def big_rows(big):
    """Rows of the big size, one process per tool."""
    lines = []
    reports = big["reports"]
    refuge = reports["refuge"]
    ref = refuge.get("seconds")
    cell = f"{big['name']}; same raster, one process per tool"
    if "error" in refuge:
        lines.append(f"| {cell} | {LABELS['refuge']} | failed | | | | | | {refuge['error'][:200]} | |")
    else:
        rise = fmt_mib(refuge["peak_kib"] - refuge["baseline_kib"])
        lines.append(f"| {cell} | {LABELS['refuge']} | {ref:.2f} "
                     f"(process {refuge['process_seconds']:.2f}) | 1 run | 1.00× "
                     f"| {fmt_mib(refuge['peak_kib'])} | "
                     f"+{rise} | {refuge['other_cores']:.2f} "
                     f"| {counts_cell(big['counts']['json'])} (SUMMARY_JSON) | — |")
    zonal = reports["zonal"]
    if "error" not in zonal:
        ratio = f"{zonal['seconds'] / ref:.2f}×" if ref else "n/a"
        rise = fmt_mib(zonal["peak_kib"] - zonal["baseline_kib"])
        lines.append(f"| | {LABELS['zonal']} | {zonal['seconds']:.2f} "
                     f"(process {zonal['process_seconds']:.2f}) | 1 run | {ratio} "
                     f"| {fmt_mib(zonal['peak_kib'])} | "
                     f"+{rise} | {zonal['other_cores']:.2f} "
                     f"| {counts_cell(big['versus']['zonal_counts']) if big['versus'] else ''} "
                     f"| {fmt_n(big['versus']['differ']) if big['versus'] else ''} |")
    elif zonal.get("timeout"):
        guess = big.get("zonal_extrapolated")
        text = f"> {zonal['error'].split('within ')[-1]} (stopped)"
        ratio = f"≈ {guess / ref:.0f}× (extrapolated)" if guess and ref else ""
        lines.append(f"| | {LABELS['zonal']} | {text}; ≈ {guess:.0f} extrapolated from "
                     f"{fmt_n(big['extrapolated_from'])} "
                     f"| — | {ratio} | | | {zonal['other_cores']:.2f} | | |")
    else:
        lines.append(f"| | {LABELS['zonal']} | failed | | | | | | {zonal['error'][:200]} | |")
    return lines


def table(results, big):
    lines = [
        "| Data | Tool | Median time (s) | Runs (s) | Time ÷ Refuge | Peak RSS (MiB) | Rise (MiB) "
        "| Other load (cores) | Buildings per class (0 / 1 / 2 / 3) | Max ≠ Refuge |",
        "|---|---|--:|---|--:|--:|--:|--:|---|--:|",
    ]
    for result in results:
        lines += result_rows(result)
    if big is not None:
        lines += big_rows(big)
    return "\n".join(lines)



def area_range(areas):
    low, high = f"{min(areas):.4f}", f"{max(areas):.4f}"
    return low if low == high else f"{low}–{high}"


def plural(count, word, words=None):
    return f"{fmt_n(count)} {word if count == 1 else (words or word + 's')}"


def disagreement_text(details):
    if not details:
        return "."
    parts = []
    for d in details:
        name = f"bid {d['bid']}" if "bid" in d else f"feature {d['position']}"
        parts.append(f"{name}: Refuge {d['refuge']:.4f} m = geometric {d['geometric']:.4f} m, GDAL "
                     f"{d['gdal']:.4f} m, GDAL leaves out {len(d['missed'])} pixels the footprint overlaps "
                     f"by {area_range(d['missed'])} pixel"
                     if d["kind"] == "gdal_snapping" else
                     f"{name}: Refuge {d['refuge']}, geometric {d['geometric']}, GDAL {d['gdal']} "
                     "(**Refuge wrong**)")
    snapping = sum(d["kind"] == "gdal_snapping" for d in details)
    snapping = "all" if snapping == len(details) else snapping
    return (f". The {len(details)} GDAL disagreements ({snapping} of them GDAL's snapping of outlines within "
            "0.01 pixel of a grid line, as documented in `core/raster/sampling.py`, where Refuge keeps the "
            "geometric answer): " + "; ".join(parts) + ".")


def check_lines(results, big):
    lines = []
    for result in results:
        c, v = result["counts"], result["versus"]
        text = (f"- **{result['name']}**: SUMMARY_JSON counts {counts_cell(c['json'])}; counts of the "
                f"output's `hazard_class` {counts_cell(c['output'])}; classes recomputed from `max_depth_m` "
                f"{counts_cell(c['recomputed'])}: {'all equal' if c['ok'] else '**DIFFERENT**'}.")
        if "gdal_agree" in result:
            text += (f" `max_depth_m` equals the GDAL all-touched maximum for {result['gdal_agree']} of "
                     f"{result['size']} buildings, and the geometric all-touched maximum (pixels whose "
                     f"overlap with the footprint exceeds 1e-9 pixel, shapely) for "
                     f"{result['geometric_agree']}"
                     + disagreement_text(result["gdal_details"]))
        if result.get("sample"):
            s = result["sample"]
            text += (f" On a random sample of {fmt_n(s['n'])} buildings, `max_depth_m` equals the GDAL "
                     f"all-touched maximum for {fmt_n(s['agree'])} and the geometric one for "
                     f"{fmt_n(s['geometric_agree'])}" + disagreement_text(s["details"]))
        text += (f" Zonal statistics: {plural(v['differ'], 'maximum differs', 'maxima differ')} from "
                 f"Refuge's ({100 * v['differ'] / result['size']:.1f} %), all lower (zonal above Refuge: "
                 f"{v['zonal_higher']}); {plural(v['class_differ'], 'building changes', 'buildings change')} "
                 f"class; "
                 f"{v['zonal_null_refuge_value']} get no value (NULL) where Refuge has one.")
        lines.append(text)
    if big is not None and big["counts"] is not None:
        c, v = big["counts"], big["versus"]
        text = (f"- **{big['name']}**: SUMMARY_JSON {counts_cell(c['json'])}; output `hazard_class` "
                f"{counts_cell(c['output'])}; recomputed {counts_cell(c['recomputed'])}: "
                f"{'all equal' if c['ok'] else '**DIFFERENT**'}; the first {fmt_n(MID_SIZE)} buildings get "
                f"the same `max_depth_m` as in the {fmt_n(MID_SIZE)} run.")
        if v is not None:
            text += (f" Zonal statistics: {fmt_n(v['differ'])} maxima differ "
                     f"({100 * v['differ'] / big['size']:.1f} %), zonal above Refuge: {v['zonal_higher']}; "
                     f"{fmt_n(v['class_differ'])} change class.")
        lines.append(text)
    return "\n".join(lines)
