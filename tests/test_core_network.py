"""Routable graph from OSM roads, checked against networkx on real networks."""

import json

import networkx as nx
import numpy as np
import pytest
import shapely
from refuge.core.network.graph import build_graph, nearest_source_times
from refuge.core.network.profiles import DRIVE, WALK
from refuge.core.osm.extract import read_pbf


@pytest.fixture(scope="module")
def monaco_roads(monaco_pbf):
    layer = read_pbf(monaco_pbf, groups=["roads"]).layers["roads"]
    values = {name: [t.get(name) for t in layer.tags] for name in ("highway", "access")}
    from refuge.core.osm.tags import maxspeed_kmh, oneway

    return {
        "lines": layer.geometries,
        "node_ids": [json.loads(v) for v in layer.extra["node_ids"]],
        "highways": values["highway"],
        "access": values["access"],
        "oneway": [oneway(t) for t in layer.tags],
        "maxspeed": [maxspeed_kmh(t) for t in layer.tags],
    }


def test_profiles():
    assert WALK.speed_kmh("footway") == 4.5 and WALK.speed_kmh("motorway") is None
    assert DRIVE.speed_kmh("footway") is None
    assert DRIVE.speed_kmh("primary", 50.0) == 50.0
    assert DRIVE.speed_kmh("service", 90.0) == 20.0  # capped: a legal limit, not a speed
    assert DRIVE.speed_kmh("residential", None, "private") is None


def test_small_graph_oneway_and_crossing_without_shared_node():
    lines = [shapely.LineString([(0, 0), (0.001, 0)]), shapely.LineString([(0.001, 0), (0.002, 0)]),
             shapely.LineString([(0.0015, -0.001), (0.0015, 0.001)])]  # crosses, shares no node
    graph = build_graph(lines, [[1, 2], [2, 3], [10, 11]], ["residential"] * 3, DRIVE,
                        oneway=[1, 0, 0])
    assert len(graph.source) == 1 + 2 + 2
    labels = graph.components()
    index = {int(n): i for i, n in enumerate(graph.node_ids)}
    assert labels[index[1]] == labels[index[3]] != labels[index[10]]
    cost, nearest = nearest_source_times(graph, [index[1]], "length_m")
    assert np.isinf(cost[index[10]]) and nearest[index[10]] == -1
    assert np.isinf(cost[index[2]])  # 2 -> 1 goes against the oneway
    cost, _ = nearest_source_times(graph, [index[3]], "length_m")
    assert cost[index[1]] == pytest.approx(2 * 111.32, rel=1e-2)  # about 0.002 degrees of longitude


@pytest.mark.parametrize("profile", [WALK, DRIVE])
def test_multi_source_costs_equal_networkx(monaco_roads, profile):
    roads = monaco_roads
    graph = build_graph(roads["lines"], roads["node_ids"], roads["highways"], profile,
                        oneway=roads["oneway"], maxspeed_kmh=roads["maxspeed"], access=roads["access"])
    assert graph.node_count > 1000
    reference = nx.DiGraph()
    for a, b, t in zip(graph.source, graph.target, graph.time_s):
        if not reference.has_edge(b, a) or reference[b][a]["w"] > t:
            reference.add_edge(b, a, w=t)  # reversed: costs *to* the sources
    rng = np.random.default_rng(7)
    sources = rng.choice(graph.node_count, 12, replace=False)
    cost, nearest = nearest_source_times(graph, sources)
    expected = nx.multi_source_dijkstra_path_length(reference, [int(s) for s in sources], weight="w")
    reached = np.flatnonzero(np.isfinite(cost))
    assert set(reached.tolist()) == set(expected)
    assert np.allclose(cost[reached], [expected[int(n)] for n in reached], rtol=1e-12)
    assert (nearest[reached] >= 0).all()
