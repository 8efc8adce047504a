"""OpenStreetMap extraction: theme definitions, tag parsing, .pbf reading."""
