"""Write the demo's HTML report from qgis_process --json results.

Counts are read back from the GeoPackage with GDAL, not taken from the
algorithm's own log, so the report shows what the file really holds.
"""

import html
import json
import sys

from osgeo import ogr


def exposure_section(path):
    """Exposure tables from the exposure summary JSON (rounded for display only)."""
    with open(path, encoding="utf-8") as handle:
        summary = json.load(handle)
    classes = summary["classes"]
    codes = sorted(classes, key=int)
    header = "".join(f"<th>{html.escape(classes[c]['en'])} / {html.escape(classes[c]['fr'])}</th>"
                     for c in codes)

    def row(label, values, scale=1.0):
        cells = "".join(f"<td>{values.get(c, 0) * scale:,.0f}</td>" for c in codes)
        return f"<tr><th>{label}</th>{cells}</tr>"

    rows = []
    buildings = summary.get("buildings", {})
    if buildings:
        rows.append(row("Buildings / Bâtiments", buildings["count"]))
        rows.append(row("Footprint (m²) / Emprise (m²)", buildings["footprint_m2"]))
        if "population" in buildings:
            rows.append(row("Residents / Habitants", buildings["population"]))
    facilities = summary.get("facilities", {})
    if facilities:
        rows.append(row("Facilities / Équipements", facilities["count"]))
        rows.append(row("Critical facilities / Équipements critiques", facilities["critical"]))
    roads = summary.get("roads", {})
    if roads:
        rows.append(row("Roads (m) / Routes (m)", roads["length_m"]))
    displaced = summary.get("displaced")
    needs = ""
    if displaced:
        items, groups = displaced["needs"], displaced["groups"]
        needs = (
            f"<h3>Displaced people and needs / Personnes déplacées et besoins</h3>"
            f"<p>Displaced / Déplacés : <b>{displaced['people']:,.0f}</b> "
            f"(women / femmes {groups['women']:,.0f}, under 5 / moins de 5 ans "
            f"{groups['under5']:,.0f}, 60+ / 60 ans et plus {groups['aged60']:,.0f}, "
            f"with disabilities / handicapées {groups['disability']:,.0f}).</p>"
            f"<p>Per day / Par jour : water / eau {items['water_l_day']:,.0f} L, food / nourriture "
            f"{items['food_kcal_day']:,.0f} kcal; per week / par semaine : staple food / denrée de base "
            f"{items['food_kg_week']:,.0f} kg. Shelter / Abri {items['shelter_m2']:,.0f} m², "
            f"toilets / latrines {items['toilets']:,.0f}, household kits / kits ménagers "
            f"{items['household_kits']:,.0f} "
            f"(Sphere Handbook 2018).</p>")
    return (f"<h2>Exposure to the illustrative flood / Exposition à l'inondation illustrative</h2>"
            f"<p>The flood depth raster and the census grid of this demo are made up to show the "
            f"pipeline; they are not real hazard or census data. / La hauteur d'eau et le recensement "
            f"de cette démo sont fictifs : ils servent à montrer la chaîne de traitement.</p>"
            f"<table><tr><th></th>{header}</tr>{''.join(rows)}</table>{needs}"
            f"<p>Numbers rounded for display; files keep full precision. / Nombres arrondis pour "
            f"l'affichage ; les fichiers gardent toute la précision.</p>")


STATUS_LABELS = {
    "reachable": "reach a safe shelter / rejoignent un abri sûr",
    "at_shelter": "at a shelter / déjà à l'abri",
    "isolated_by_flood": "cut off by the flood / coupés par l'inondation",
    "no_shelter_reachable": "no shelter reachable, even dry / aucun abri accessible, même à sec",
    "no_road": "no road nearby / aucune route proche",
}
ACCESS_LABELS = {
    "unchanged": "reached as when dry / atteints comme à sec",
    "delayed": "delayed / retardés",
    "loses_access": "lose access / perdent l'accès",
    "no_access_dry": "not reached even dry / non atteints même à sec",
    "no_road": "no road nearby / aucune route proche",
    "no_geometry": "no geometry / sans géométrie",
}


def access_section(evacuation_path, emergency_path):
    """Evacuation and emergency access tables from the two summary JSON files."""
    with open(evacuation_path, encoding="utf-8") as handle:
        evacuation = json.load(handle)
    households = evacuation["households"]
    rows = "".join(
        f"<tr><td>{html.escape(STATUS_LABELS[s])}</td><td>{n:,}</td>"
        f"<td>{households['population_by_status'][s]:,.0f}</td></tr>"
        for s, n in households["by_status"].items())
    times = households.get("travel_time_s") or {}
    timing = (f"<p>Walking time to the nearest safe shelter / Temps de marche jusqu'à l'abri sûr le "
              f"plus proche : median / médiane {times['median'] / 60:,.1f} min, 90 % "
              f"{times['p90'] / 60:,.1f} min, max {times['max'] / 60:,.1f} min.</p>") if times else ""
    shelters = evacuation["shelters"]["by_status"]
    network = evacuation["network"]
    section = (
        f"<h2>Evacuation access / Accès aux abris</h2>"
        f"<p>Schools and community centres stand for evacuation shelters in this demo; households are "
        f"the buildings; walking on the roads cut by the illustrative flood. / Les écoles et maisons "
        f"de quartier tiennent lieu d'abris ; les ménages sont les bâtiments ; à pied, sur les routes "
        f"coupées par l'inondation illustrative.</p>"
        f"<table><tr><th>households / ménages</th><th>count / nombre</th><th>people / personnes</th>"
        f"</tr>{rows}</table>{timing}"
        f"<p>Shelters / Abris : {shelters['safe']} safe / sûrs, {shelters['flooded']} flooded / "
        f"inondés, {shelters['no_road']} without road / sans route. Road segments cut / Segments "
        f"coupés : {network['segments_cut']:,} of / sur {network['segments']:,}.</p>")
    if emergency_path:
        with open(emergency_path, encoding="utf-8") as handle:
            emergency = json.load(handle)
        cells = "".join(f"<tr><td>{html.escape(ACCESS_LABELS[s])}</td><td>{n:,}</td></tr>"
                        for s, n in emergency["by_status"].items() if n)
        section += (f"<h2>Emergency access / Accès des secours</h2><p>From the fire station and "
                    f"clinics, driving / Depuis la caserne et les cliniques, en voiture.</p>"
                    f"<table><tr><th>households / ménages</th><th>count / nombre</th></tr>{cells}"
                    f"</table>")
    return section


def main(results_path, report_path, exposure_path=None, evacuation_path=None, emergency_path=None):
    with open(results_path, encoding="utf-8") as handle:
        text = handle.read()
    run = json.loads(text[text.index("{"):])
    output = run["results"]["OUTPUT"]
    dataset = ogr.Open(output)
    rows = []
    for index in range(dataset.GetLayerCount()):
        layer = dataset.GetLayerByIndex(index)
        if layer.GetName() != "layer_styles":  # QGIS default styles, not data
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
<body><h1>Refuge demo: Helsinki / Démo Refuge : Helsinki</h1>
<p>OpenStreetMap layers extracted offline by <code>refuge:osm_extract_pbf</code> through
<code>qgis_process</code> / Couches OpenStreetMap extraites hors ligne.</p>
<p>Source: {html.escape(run["inputs"]["INPUT"])}; OSM date / date des données: {html.escape(timestamp)}.</p>
<h2>Layers / Couches</h2><table><tr><th>layer / couche</th><th>features / objets</th></tr>{cells}</table>
<h2>Rejected objects / Objets rejetés</h2>
<table><tr><th>theme / thème</th><th>reason / raison</th><th>count / nombre</th></tr>{reject_cells}</table>
<p>Output / Sortie: <code>{html.escape(output)}</code></p>
{exposure_section(exposure_path) if exposure_path else ""}
{access_section(evacuation_path, emergency_path) if evacuation_path else ""}
<p>{html.escape(attribution or "")}, ODbL.</p></body></html>
"""
    with open(report_path, "w", encoding="utf-8") as handle:
        handle.write(page)


if __name__ == "__main__":
    main(*sys.argv[1:6])
