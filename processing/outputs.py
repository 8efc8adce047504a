"""QGIS documents stored with written layers: default style and layer metadata.

The engine writes them into the GeoPackage (``layer_styles`` and
``gpkg_metadata``, as QGIS itself does) before the file is published, so the
layers open styled and documented in any QGIS project.
"""

import os

from qgis.core import QgsCoordinateReferenceSystem, QgsLayerMetadata, QgsVectorLayer
from qgis.PyQt.QtXml import QDomDocument

from ..__about__ import PLUGIN_DIR

STYLES = os.path.join(PLUGIN_DIR, "resources", "styles")


def style_qml(name):
    """Text of resources/styles/<name>.qml, or None when there is no such style."""
    path = os.path.join(STYLES, f"{name}.qml")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def metadata_xml(identifier, title, abstract, rights=(), licenses=(), history=(), keywords=(),
                 crs="EPSG:4326"):
    """A QGIS layer metadata document (the XML QGIS stores in a GeoPackage)."""
    metadata = QgsLayerMetadata()
    metadata.setIdentifier(identifier)
    metadata.setTitle(title)
    metadata.setAbstract(abstract)
    metadata.setType("dataset")
    metadata.setRights(list(rights))
    metadata.setLicenses(list(licenses))
    metadata.setHistory(list(history))
    if keywords:
        metadata.addKeywords("refuge", list(keywords))
    metadata.setCrs(QgsCoordinateReferenceSystem(crs))
    carrier = QgsVectorLayer("Point?crs=EPSG:4326", identifier, "memory")
    carrier.setMetadata(metadata)
    document = QDomDocument("qgis")
    carrier.exportNamedMetadata(document, "")
    return document.toString()


def layer_documents(name, title, abstract, **metadata):
    """The LayerSpec fields the engine needs to store style and metadata of ``name``."""
    return {
        "style_qml": style_qml(name),
        "style_name": name,
        "qgis_metadata_xml": metadata_xml(name, title, abstract, **metadata),
    }
