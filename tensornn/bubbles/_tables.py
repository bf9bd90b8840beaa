"""Bubbles as plain adjacency tables: conversion to Bubble and melonic insertion (private helpers)."""

from __future__ import annotations

from .graph import Bubble

__all__ = ["from_table", "insert_dipole"]


def from_table(adjacency, kinds, rank: int, field: str) -> Bubble:
    """A :class:`Bubble` from a valid adjacency table (``adjacency[v][c-1]``) and kind codes (0/1), unchecked.

    Callers (the enumerator, the named families) construct tables that are valid by design.
    """
    return Bubble._from_table(tuple(map(tuple, adjacency)), tuple(kinds), rank, field)


def insert_dipole(adjacency, kinds, vertex: int, colour_index: int):
    """Table form of a melonic insertion on the colour edge (0-based ``colour_index``) at ``vertex``.

    Returns new (adjacency, kinds): the edge vertex - w is replaced by vertex - x and b - w with a
    new pair (b, x) joined by every other colour; b has the kind of ``vertex``, x the kind of w.
    """
    rank = len(adjacency[vertex])
    new_adj = [list(row) for row in adjacency]
    w = new_adj[vertex][colour_index]
    b, x = len(new_adj), len(new_adj) + 1
    new_adj.append([x] * rank)
    new_adj.append([b] * rank)
    new_adj[vertex][colour_index], new_adj[x][colour_index] = x, vertex
    new_adj[b][colour_index], new_adj[w][colour_index] = w, b
    return new_adj, list(kinds) + [kinds[vertex], kinds[w]]
