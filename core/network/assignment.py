"""Capacity-constrained assignment of households to shelters.

The nearest shelter of every household may be full. The assignment that
places as many people as possible and, among those, minimises the total
person-seconds of travel is a minimum-cost flow: people flow from their
households along the (flood-cut) roads into shelters whose intake is capped
by their capacity, and a household's people that no shelter can take flow to
"no place" at a cost higher than any route. It is solved exactly as a linear
program on the network itself (HiGHS, through scipy.optimize.linprog): the
constraint matrix of a flow network is totally unimodular, so with whole
numbers of people the optimum is in whole people.

Households are then given shelters from the optimum's shelter *prices* (the
duals of the capacity limits: how much a full shelter's place is worth): each
goes to the shelter minimising travel time plus price, which is where the
optimal flow sends it. Households tied between two shelters (at most a few
per full shelter) are placed in order of cost, each in the nearest shelter
with room left.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import AssignmentError
from .graph import scipy
from .routing import _part


@dataclass
class Assignment:
    shelter: np.ndarray  # per household, -1 when placed nowhere
    time_s: np.ndarray
    placed: np.ndarray
    unplaced: np.ndarray
    shelter_households: np.ndarray
    shelter_population: np.ndarray


def assign_with_capacity(evacuation, population, capacity):
    """:class:`Assignment` of the households of an :class:`~.evacuation.Evacuation` result.

    ``population``: people per household; ``capacity``: places per shelter.
    Only households that reach a safe shelter (status reachable or
    at_shelter) take part.
    """
    import scipy.optimize

    router, anchors = evacuation.router, evacuation.anchors
    population = np.asarray(population, dtype=np.float64)
    capacity = np.maximum(np.asarray(capacity, dtype=np.float64), 0.0)
    count = len(population)
    shelters = len(capacity)
    taking = np.flatnonzero(np.isin(evacuation.status, ["reachable", "at_shelter"]) & (population > 0))
    at_shelter = taking[evacuation.status[taking] == "at_shelter"]
    on_road = taking[evacuation.status[taking] == "reachable"]

    n = router.node_count
    # Shelter intake per network node (shelters joined at the same point pool their places).
    node_of = router.source_node
    joined = np.flatnonzero(node_of >= 0)
    intake_nodes, intake_index = np.unique(node_of[joined], return_inverse=True)
    intake_cap = np.bincount(intake_index, weights=capacity[joined], minlength=len(intake_nodes))
    # People at a shelter use its places first (they are already there).
    at_node = node_of[evacuation.shelter[at_shelter]]
    if len(at_shelter):
        at_position = np.searchsorted(intake_nodes, at_node)
        valid = (at_node >= 0) & (intake_nodes[np.minimum(at_position, len(intake_nodes) - 1)] == at_node)
    else:
        at_position, valid = np.zeros(0, np.int64), np.zeros(0, bool)

    a, b, t, time_ab, time_ba, _, _ = router.pieces(_subset(anchors, on_road))
    to_a, to_b = _part(t, time_ba), _part(1.0 - t, time_ab)
    edges = len(router.edge_tail)
    households = len(on_road)
    sink = n + households + 1  # node index of "no place"; n + households is the shelters' sink
    shelter_sink = n + households
    h_nodes = n + np.arange(households)
    big = float(np.sum(router.edge_time)) + float(np.nansum(np.where(np.isfinite(to_a), to_a, 0))) \
        + float(np.nansum(np.where(np.isfinite(to_b), to_b, 0))) + 1.0
    ok_a, ok_b = np.isfinite(to_a), np.isfinite(to_b)
    tails = [router.edge_tail, h_nodes[ok_a], h_nodes[ok_b], intake_nodes, h_nodes]
    heads = [router.edge_head, a[ok_a], b[ok_b], np.full(len(intake_nodes), shelter_sink),
             np.full(households, sink)]
    costs = [router.edge_time, to_a[ok_a], to_b[ok_b], np.zeros(len(intake_nodes)), np.full(households, big)]
    # Places left after the people already at shelters.
    at_people = np.bincount(at_position[valid], weights=population[at_shelter][valid],
                            minlength=len(intake_nodes)) if len(intake_nodes) else np.zeros(0)
    room = np.maximum(intake_cap - at_people, 0.0)
    upper = [np.full(edges + int(ok_a.sum()) + int(ok_b.sum()), np.inf), room, np.full(households, np.inf)]
    tail, head, cost = np.concatenate(tails), np.concatenate(heads), np.concatenate(costs)
    upper = np.concatenate(upper)
    arcs = len(tail)
    nodes = n + households + 2
    matrix = scipy.sparse.csr_matrix(
        (np.r_[np.ones(arcs), -np.ones(arcs)], (np.r_[tail, head], np.r_[np.arange(arcs), np.arange(arcs)])),
        shape=(nodes, arcs))
    people = population[on_road]
    supply = np.zeros(nodes)
    supply[h_nodes] = people
    # The two sinks are joined by a free arc so that one balance row covers both.
    matrix = scipy.sparse.hstack([matrix, scipy.sparse.csr_matrix(
        ([1.0, -1.0], ([shelter_sink, sink], [0, 0])), shape=(nodes, 1))]).tocsr()
    cost = np.r_[cost, 0.0]
    upper = np.r_[upper, np.inf]
    supply[sink] = -people.sum()
    solution = scipy.optimize.linprog(cost, A_eq=matrix, b_eq=supply, bounds=np.column_stack(
        (np.zeros(len(cost)), upper)), method="highs-ipm")
    if solution.status != 0:
        raise AssignmentError(solution.message)
    flow = solution.x
    unplaced_road = flow[arcs - households:arcs]
    start = edges + int(ok_a.sum()) + int(ok_b.sum())
    price_of_node = np.zeros(n)
    marginals = getattr(solution, "upper", None)
    if marginals is not None and len(intake_nodes):
        price_of_node[intake_nodes] = np.maximum(-marginals.marginals[start:start + len(intake_nodes)], 0.0)

    # Priced nearest shelter of each household on the road.
    priced, root = _priced_search(router, intake_nodes, price_of_node[intake_nodes])
    via_a = priced[a] + to_a
    via_b = priced[b] + to_b
    use_a = via_a <= via_b
    best_node = np.where(use_a, root[a], root[b])
    best_cost = np.where(use_a, via_a, via_b)
    travel = best_cost - price_of_node[np.maximum(best_node, 0)] - 1.0  # minus the price and the offset

    shelter_of_node = np.full(n, -1, dtype=np.int64)
    shelter_of_node[node_of[joined][::-1]] = joined[::-1]
    result_shelter = np.full(count, -1, dtype=np.int64)
    result_time = np.full(count, np.nan)
    placed = np.zeros(count)
    unplaced = np.zeros(count)
    left = room.copy()
    position_of_node = {int(v): i for i, v in enumerate(intake_nodes)}
    need = people - unplaced_road
    pending = []
    for k in np.argsort(best_cost, kind="stable"):
        h = on_road[k]
        if need[k] <= 1e-9:
            unplaced[h] = people[k]
            continue
        node = int(best_node[k])
        slot = position_of_node.get(node)
        if slot is not None and need[k] <= left[slot] + 1e-6:
            left[slot] -= need[k]
            result_shelter[h], result_time[h] = shelter_of_node[node], travel[k]
            placed[h], unplaced[h] = need[k], people[k] - need[k]
        else:
            pending.append(k)
    # Ties: the nearest shelters with room left, splitting the household if it must
    # (the optimum may split it too); what no shelter can take has no place.
    shelter_people = {}
    for k in pending:
        h = on_road[k]
        times = _times_to_nodes(router, a[k], b[k], to_a[k], to_b[k], intake_nodes)
        remaining, largest = need[k], 0.0
        for slot in np.argsort(times):
            if remaining <= 1e-9 or not np.isfinite(times[slot]):
                break
            share = min(remaining, left[slot])
            if share <= 1e-9:
                continue
            left[slot] -= share
            remaining -= share
            node = int(intake_nodes[slot])
            shelter_people[node] = shelter_people.get(node, 0.0) + share
            if share > largest:
                largest = share
                result_shelter[h], result_time[h] = shelter_of_node[node], times[slot]
        placed[h] = need[k] - remaining
        unplaced[h] = people[k] - placed[h]
    # People at a shelter stay there, within its places.
    for h in at_shelter:
        result_shelter[h], result_time[h] = evacuation.shelter[h], 0.0
        placed[h] = population[h]
    served = result_shelter >= 0
    whole = served.copy()
    whole[on_road[np.asarray(pending, dtype=np.int64)]] = False  # split ones are counted per share
    population_at = np.bincount(result_shelter[whole], weights=placed[whole], minlength=shelters)
    for node, share in shelter_people.items():
        population_at[shelter_of_node[node]] += share
    return Assignment(
        shelter=result_shelter, time_s=result_time, placed=placed, unplaced=unplaced,
        shelter_households=np.bincount(result_shelter[served], minlength=shelters).astype(np.int64),
        shelter_population=population_at)


def _subset(anchors, which):
    from .snap import Anchors

    return Anchors(anchors.segment[which], anchors.t[which], anchors.distance_m[which], anchors.xy[which])


def _priced_search(router, nodes, prices):
    """Cost (travel + price + 1) to the best priced shelter node, and that node, for every node."""
    n = router.node_count
    super_node = n
    tail = np.r_[router.edge_head, np.full(len(nodes), super_node)]  # reversed graph
    head = np.r_[router.edge_tail, nodes]
    weight = np.r_[np.maximum(router.edge_time, 1e-12), prices + 1.0]
    matrix = scipy.sparse.csr_matrix((weight, (tail, head)), shape=(n + 1, n + 1))
    cost, predecessor = scipy.sparse.csgraph.dijkstra(matrix, directed=True, indices=super_node,
                                                      return_predecessors=True)
    parent = predecessor.astype(np.int64)
    parent[parent < 0] = np.arange(n + 1)[parent < 0]
    parent[nodes] = nodes  # stop below the super node: the root is the shelter node
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            break
        parent = grand
    root = np.where(np.isfinite(cost), parent, -1)
    return cost[:n], root[:n]


def _times_to_nodes(router, a, b, to_a, to_b, nodes):
    """Travel time from a point (joined between a and b) to each of ``nodes``."""
    cost = scipy.sparse.csgraph.dijkstra(router.matrix, directed=True, indices=[a, b])
    return np.minimum(to_a + cost[0, nodes], to_b + cost[1, nodes])
