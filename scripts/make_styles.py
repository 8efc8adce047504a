"""Generate resources/styles/*.qml, the default styles of Refuge's OSM layers.

Run once after changing a style: `.venv/bin/python scripts/make_styles.py`.
Colours from the Okabe-Ito palette (readable with colour-blindness).
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsRendererCategory,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "resources", "styles")
BLUE, SKY, GREEN, ORANGE, VERMILLION, PURPLE, YELLOW, GREY = (
    "#0072b2", "#56b4e9", "#009e73", "#e69f00", "#d55e00", "#cc79a7", "#f0e442", "#7f7f7f")


def save(layer, renderer, name):
    layer.setRenderer(renderer)
    message, ok = layer.saveNamedStyle(os.path.join(OUT, f"{name}.qml"))
    if not ok:
        raise SystemExit(message)


def categorized(field, symbol_factory, categories, other):
    items = [QgsRendererCategory(value, symbol_factory(*style), label)
             for value, label, style in categories]
    items.append(QgsRendererCategory("", symbol_factory(*other), "other"))
    return QgsCategorizedSymbolRenderer(field, items)


def line(color, width, style="solid"):
    return QgsLineSymbol.createSimple({"color": color, "width": str(width), "line_style": style,
                                       "capstyle": "round", "joinstyle": "round"})


def marker(color, size, shape="circle"):
    return QgsMarkerSymbol.createSimple({"color": color, "size": str(size), "name": shape,
                                         "outline_color": "#ffffff", "outline_width": "0.3"})


def main():
    app = QgsApplication([], False)
    app.initQgis()
    os.makedirs(OUT, exist_ok=True)
    polygon = QgsVectorLayer("MultiPolygon?crs=EPSG:4326&field=category:string", "p", "memory")
    lines = QgsVectorLayer("LineString?crs=EPSG:4326&field=category:string", "l", "memory")
    points = QgsVectorLayer("Point?crs=EPSG:4326&field=category:string", "p", "memory")

    save(polygon, QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(
        {"color": "#d9c8b4", "outline_color": "#8c7a66", "outline_width": "0.2"})), "buildings")
    save(polygon, QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(
        {"color": "#a6d8f5", "outline_color": SKY, "outline_width": "0.2"})), "water_areas")
    save(polygon, QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(
        {"style": "no", "outline_color": PURPLE, "outline_width": "0.6",
         "outline_style": "dash"})), "boundaries")
    save(lines, categorized("category", line, [
        ("motorway", "motorway", (VERMILLION, 1.2)), ("trunk", "trunk", (VERMILLION, 1.0)),
        ("primary", "primary", (ORANGE, 0.9)), ("secondary", "secondary", (YELLOW, 0.8)),
        ("tertiary", "tertiary", ("#bfbfbf", 0.7)), ("residential", "residential", ("#9e9e9e", 0.5)),
        ("unclassified", "unclassified", ("#9e9e9e", 0.5)), ("service", "service", ("#b3b3b3", 0.3)),
        ("track", "track", ("#8c6d46", 0.4, "dash")), ("footway", "footway", (GREEN, 0.3, "dot")),
        ("path", "path", (GREEN, 0.3, "dot")), ("steps", "steps", (GREEN, 0.5, "dash")),
    ], (GREY, 0.4)), "roads")
    save(lines, QgsSingleSymbolRenderer(line(BLUE, 0.5)), "waterways")
    save(points, categorized("category", marker, [
        ("hospital", "hospital", (VERMILLION, 3.2, "cross_fill")),
        ("clinic", "clinic", (VERMILLION, 2.6, "cross_fill")),
        ("doctors", "doctors", (VERMILLION, 2.0, "cross_fill")),
        ("pharmacy", "pharmacy", (PURPLE, 2.0, "cross_fill")),
        ("school", "school", (ORANGE, 2.6, "square")),
        ("kindergarten", "kindergarten", (ORANGE, 2.2, "square")),
        ("fire_station", "fire_station", ("#c00000", 2.8, "triangle")),
        ("police", "police", (BLUE, 2.6, "triangle")),
        ("drinking_water", "drinking_water", (SKY, 2.0, "circle")),
    ], (GREY, 1.8, "circle")), "facilities")
    save(points, categorized("category", marker, [
        ("evacuation_centre", "evacuation centre", (GREEN, 3.6, "star")),
        ("assembly_point", "assembly point", (GREEN, 3.0, "diamond")),
        ("social_shelter", "social shelter", (GREEN, 2.8, "pentagon")),
        ("shelter", "shelter", ("#66c2a5", 2.4, "circle")),
        ("transport_shelter", "bus shelter (not a safe place)", (GREY, 1.6, "circle")),
    ], (GREY, 1.8, "circle")), "shelters")
    save(points, QgsSingleSymbolRenderer(marker(VERMILLION, 2.4, "cross2")), "rejects")
    app.exitQgis()


if __name__ == "__main__":
    sys.exit(main())
