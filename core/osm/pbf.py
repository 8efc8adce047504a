"""Low-level reading of OpenStreetMap .pbf files with pyosmium.

The file is checked block by block before decoding (an empty, foreign or
truncated file is reported without starting the slow part), then read in
chunks of whole blocks so that long reads report real progress (bytes read)
and can be canceled between chunks. Node locations and the area assembler
persist across chunks, so the result equals a single pass over the file.
"""

import os
import struct
from dataclasses import dataclass

from ..errors import (
    CorruptPbfError,
    EmptyFileError,
    FileNotFound,
    MissingDependencyError,
    NoOsmDataError,
    NotPbfError,
    TruncatedPbfError,
)
from ..progress import NullFeedback, check_canceled

try:  # guarded: the message names the package to install
    import osmium
    import osmium.area
    import osmium.filter
    import osmium.index
    import osmium.io
except ImportError as exc:  # pragma: no cover - exercised by the dependency check
    osmium = None
    _OSMIUM_ERROR = str(exc)

_MAX_BLOB_HEADER = 64 * 1024  # limit set by the PBF format
_MAX_BLOB = 32 * 1024 * 1024
CHUNK_BYTES = 16 * 1024 * 1024  # compressed bytes handed to osmium at once


def require_osmium():
    """Raise :class:`MissingDependencyError` when pyosmium is unusable."""
    if osmium is None:
        raise MissingDependencyError("osmium", _OSMIUM_ERROR)


@dataclass(frozen=True)
class Blob:
    """One block of the file: its type and byte range [start, end)."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class PbfHeader:
    """What the file's header block says about its content.

    ``bounds`` is (west, south, east, north) in degrees or None when absent;
    ``timestamp`` is the replication timestamp (ISO 8601, UTC) or None.
    """

    bounds: tuple
    timestamp: str
    generator: str


def _varint(data, pos):
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("varint runs past the end of the block header")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _parse_blob_header(data):
    """(type, datasize) from a serialized BlobHeader protobuf message."""
    pos, kind, datasize = 0, None, None
    while pos < len(data):
        key, pos = _varint(data, pos)
        field_number, wire_type = key >> 3, key & 7
        if wire_type == 2:
            length, pos = _varint(data, pos)
            value = data[pos:pos + length]
            pos += length
            if field_number == 1:
                kind = value.decode("ascii", "replace")
        elif wire_type == 0:
            value, pos = _varint(data, pos)
            if field_number == 3:
                datasize = value
        else:
            raise ValueError(f"unexpected wire type {wire_type}")
    if kind is None or datasize is None:
        raise ValueError("block header lacks type or size")
    return kind, datasize


def scan_blobs(path):
    """List the blocks of a .pbf file, checking its structure without decoding.

    Reads a few bytes per block, so it takes milliseconds even for large
    files. Raises :class:`FileNotFound`, :class:`EmptyFileError`,
    :class:`NotPbfError` (first block is not an OSM header) or
    :class:`TruncatedPbfError` (the last block runs past the end of file).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFound(path)
    size = os.path.getsize(path)
    if size == 0:
        raise EmptyFileError(path)
    blobs = []
    with open(path, "rb") as handle:
        pos = 0
        while pos < size:
            prefix = handle.read(4)
            if len(prefix) < 4:
                raise TruncatedPbfError(path, pos + 4, size)
            (header_size,) = struct.unpack(">I", prefix)
            if header_size == 0 or header_size > _MAX_BLOB_HEADER:
                if not blobs:
                    raise NotPbfError(path)
                raise CorruptPbfError(path, f"invalid block header size at byte {pos}")
            raw = handle.read(header_size)
            if len(raw) < header_size:
                if not blobs:
                    raise NotPbfError(path)
                raise TruncatedPbfError(path, pos + 4 + header_size, size)
            try:
                kind, datasize = _parse_blob_header(raw)
            except ValueError as exc:
                if not blobs:
                    raise NotPbfError(path) from exc
                raise CorruptPbfError(path, f"block at byte {pos}: {exc}") from exc
            if not blobs and kind != "OSMHeader":
                raise NotPbfError(path)
            if datasize > _MAX_BLOB:
                raise CorruptPbfError(path, f"block at byte {pos} claims {datasize} bytes")
            end = pos + 4 + header_size + datasize
            if end > size:
                raise TruncatedPbfError(path, end, size)
            blobs.append(Blob(kind, pos, end))
            handle.seek(end)
            pos = end
    return blobs


def read_header(path):
    """Header facts of a .pbf file (see :class:`PbfHeader`)."""
    require_osmium()
    try:
        reader = osmium.io.Reader(os.fspath(path), osmium.osm.NOTHING)
        header = reader.header()
        reader.close()
    except RuntimeError as exc:
        raise CorruptPbfError(path, str(exc)) from exc
    box = header.box()
    bounds = None
    if box.valid():
        bounds = (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
    timestamp = header.get("osmosis_replication_timestamp") or header.get("timestamp") or None
    return PbfHeader(bounds, timestamp, header.get("generator") or "")


def _chunks(path, blobs, chunk_bytes):
    """Yield (pbf bytes, bytes consumed so far): header block + whole data blocks."""
    with open(path, "rb") as handle:
        header_blob = blobs[0]
        handle.seek(header_blob.start)
        header = handle.read(header_blob.end - header_blob.start)
        parts, size = [], 0
        for blob in blobs[1:]:
            if blob.kind != "OSMData":
                continue  # unknown block types are skipped, as the format says
            handle.seek(blob.start)
            parts.append(handle.read(blob.end - blob.start))
            size += blob.end - blob.start
            if size >= chunk_bytes:
                yield header + b"".join(parts), blob.end
                parts, size = [], 0
        if parts:
            yield header + b"".join(parts), blobs[-1].end


def location_index():
    """A node location index to give :func:`iter_objects`, read again by :func:`way_locations`."""
    require_osmium()
    return osmium.index.create_map("flex_mem")


def iter_objects(path, keys, area_keys, feedback=None, chunk_bytes=CHUNK_BYTES, locations=None):
    """Yield the OSM objects (and assembled areas) having one of ``keys``.

    ``keys`` pre-filters nodes, ways, relations and areas in C++ before they
    reach Python; ``area_keys`` selects which multipolygon/boundary relations
    are assembled into areas. Way nodes carry their locations (invalid when a
    node is missing from the file). Objects are only valid while the loop
    body runs: copy what you need. ``locations``: the node location index to
    fill (from :func:`location_index`), when the caller needs it afterwards.

    Progress goes 0-20 % for the relation pass, 20-100 % for the main pass,
    by bytes read. Raises :class:`~refuge.core.errors.Canceled` between
    chunks and on a decoding failure :class:`CorruptPbfError`.
    """
    require_osmium()
    feedback = feedback or NullFeedback()
    path = os.fspath(path)
    blobs = scan_blobs(path)
    total = max(1, blobs[-1].end)

    area_manager = osmium.area.AreaManager()
    first_pass = area_manager.first_pass_handler()
    try:
        for chunk, done in _chunks(path, blobs, chunk_bytes):
            check_canceled(feedback)
            with osmium.io.Reader(osmium.io.FileBuffer(chunk, "pbf"), osmium.osm.RELATION) as reader:
                osmium.apply(reader, osmium.filter.KeyFilter(*area_keys), first_pass)
            feedback.setProgress(20.0 * done / total)

        locations = locations if locations is not None else osmium.index.create_map("flex_mem")
        location_handler = osmium.NodeLocationsForWays(locations)
        location_handler.ignore_errors()  # missing nodes are reported per way
        key_filter = osmium.filter.KeyFilter(*keys)
        areas = osmium.BufferIterator(key_filter)
        second_pass = area_manager.second_pass_to_buffer(areas)
        for chunk, done in _chunks(path, blobs, chunk_bytes):
            check_canceled(feedback)
            with osmium.io.Reader(osmium.io.FileBuffer(chunk, "pbf")) as reader:
                for obj in osmium.OsmFileIterator(reader, location_handler, second_pass, key_filter):
                    yield obj
                    if areas:
                        yield from areas
            if areas:
                yield from areas
            feedback.setProgress(20.0 + 80.0 * done / total)
        if areas:
            yield from areas
    except RuntimeError as exc:
        raise CorruptPbfError(path, str(exc)) from exc


def way_locations(path, way_ids, locations, chunk_bytes=CHUNK_BYTES):
    """{way id: [(lon, lat), ...]} of the ways ``way_ids``, their nodes placed from ``locations``.

    A pass over the file's ways only, filtered by id in C++ (only the ways
    asked for reach Python); nodes missing from the file are left out of a
    way's list. ``locations``: the index :func:`iter_objects` filled.
    """
    require_osmium()
    path = os.fspath(path)
    found = {}
    if not way_ids:
        return found
    blobs = scan_blobs(path)
    location_handler = osmium.NodeLocationsForWays(locations)
    location_handler.ignore_errors()
    id_filter = osmium.filter.IdFilter(sorted(way_ids))
    try:
        for chunk, _ in _chunks(path, blobs, chunk_bytes):
            with osmium.io.Reader(osmium.io.FileBuffer(chunk, "pbf"), osmium.osm.WAY) as reader:
                for way in osmium.OsmFileIterator(reader, location_handler, id_filter):
                    found[way.id] = [(node.location.lon, node.location.lat) for node in way.nodes
                                     if node.location.valid()]
    except RuntimeError as exc:
        raise CorruptPbfError(path, str(exc)) from exc
    return found


# What the structure of a file says is missing from it (codes; the QGIS adapter words them).
ENDS_AFTER_NODES = "ends_after_nodes"  # the data ends with untagged nodes: the ways are missing
ENDS_AFTER_WAYS = "ends_after_ways"  # the data ends with untagged ways: the relations are missing
WAYS_MISSING_NODES = "ways_missing_nodes"  # most ways of the themes miss nodes (set by the reader)
COMPLETENESS = (ENDS_AFTER_NODES, ENDS_AFTER_WAYS, WAYS_MISSING_NODES)


def _block_content(handle, header_blob, blob):
    """{type letter: [objects, untagged objects]} of one data block, decoded alone."""
    handle.seek(header_blob.start)
    data = handle.read(header_blob.end - header_blob.start)
    handle.seek(blob.start)
    data += handle.read(blob.end - blob.start)
    content = {}
    for obj in osmium.FileProcessor(osmium.io.FileBuffer(data, "pbf")):
        counts = content.setdefault(obj.type_str(), [0, 0])
        counts[0] += 1
        counts[1] += not len(obj.tags)
    return content


def completeness(path, blobs=None):
    """Codes of :data:`COMPLETENESS` saying what the file's own content implies is missing.

    OSM files hold their nodes, then their ways, then their relations, in
    blocks. A file cut at a block boundary is not truncated in its structure,
    but it then ends too early, and its last block shows it: untagged nodes
    exist only as vertices of ways, untagged ways only as members of
    relations, so a last block of untagged nodes (no way after them) or of
    untagged ways (no relation after them) means that what they belong to is
    missing. Decodes the last data block only (milliseconds). Raises
    :class:`NoOsmDataError` when the file has a header and no data block, or
    no object at all.
    """
    require_osmium()
    path = os.fspath(path)
    blobs = blobs if blobs is not None else scan_blobs(path)
    data = [blob for blob in blobs if blob.kind == "OSMData"]
    if not data:
        raise NoOsmDataError(path)
    try:
        with open(path, "rb") as handle:
            last = _block_content(handle, blobs[0], data[-1])
    except RuntimeError as exc:
        raise CorruptPbfError(path, str(exc)) from exc
    if not last and len(data) == 1:
        raise NoOsmDataError(path)
    codes = []
    if "r" not in last and "w" not in last and last.get("n", [0, 0])[1]:
        codes.append(ENDS_AFTER_NODES)
    elif "r" not in last and last.get("w", [0, 0])[1]:
        codes.append(ENDS_AFTER_WAYS)
    return codes
