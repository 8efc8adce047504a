"""Write the demo's HTML report from qgis_process --json results.

Counts are read back from the GeoPackage with GDAL, not taken from the
algorithm's own log, so the report shows what the file really holds.
"""

import html
import json
import sys

from osgeo import ogr


def main(results_path, report_path):
    with open(results_path, encoding="utf-8") as handle:
        text = handle.read()
    run = json.loads(text[text.index("{"):])
    output = run["results"]["OUTPUT"]
    dataset = ogr.Open(output)
    rows = []
    for index in range(dataset.GetLayerCount()):
        layer = dataset.GetLayerByIndex(index)
        rows.append((layer.GetName(), layer.GetFeatureCount()))
    reasons = dataset.ExecuteSQL(
        "SELECT theme, reason_code, COUNT(*) FROM rejects GROUP BY theme, reason_code")
    reject_rows = [(f.GetField(0), f.GetField(1), f.GetField(2)) for f in reasons]
    dataset.ReleaseResultSet(reasons)
    timestamp = dataset.GetMetadataItem("OSM_TIMESTAMP") or "unknown / inconnue"
    attribution = dataset.GetMetadataItem("ATTRIBUTION")
    cells = "".join(f"<tr><td>{html.escape(n)}</td><td>{c}</td></tr>" for n, c in rows)
    reject_cells = "".join(
        f"<tr><td>{html.escape(t)}</td><td>{html.escape(r)}</td><td>{c}</td></tr>"
        for t, r, c in reject_rows)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Refuge demo</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.3em .8em}}</style></head>
<body><h1>Refuge demo: Helsinki</h1>
<p>OpenStreetMap layers extracted offline by <code>refuge:osm_extract_pbf</code> through
<code>qgis_process</code> / Couches OpenStreetMap extraites hors ligne.</p>
<p>Source: {html.escape(run["inputs"]["INPUT"])}; OSM date / date des données: {html.escape(timestamp)}.</p>
<h2>Layers / Couches</h2><table><tr><th>layer / couche</th><th>features / objets</th></tr>{cells}</table>
<h2>Rejected objects / Objets rejetés</h2>
<table><tr><th>theme / thème</th><th>reason / raison</th><th>count / nombre</th></tr>{reject_cells}</table>
<p>Output / Sortie: <code>{html.escape(output)}</code></p>
<p>{html.escape(attribution or "")}, ODbL.</p></body></html>
"""
    with open(report_path, "w", encoding="utf-8") as handle:
        handle.write(page)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
