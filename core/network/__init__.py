"""Routable road networks: profiles, graph building, shortest paths."""
