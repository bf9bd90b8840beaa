"""Pictures of bubbles with matplotlib (an optional dependency: ``pip install tensornn[plot]``).

Each colour index gets its own line colour; parallel edges between two vertices are drawn as
arcs of different curvature so that all of them are visible; black and white vertices are
filled accordingly (real-field vertices are grey).
"""

from __future__ import annotations

import math

import networkx as nx

from ..errors import InvalidArgumentError
from .graph import Bubble

__all__ = ["draw_bubble", "draw_bubble_grid", "COLOUR_CYCLE"]

#: Line colours of colours 1, 2, ... (cycled beyond ten).
COLOUR_CYCLE = ("tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple",
                "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:gray")
_FILL = {"black": "black", "white": "white", "real": "0.6"}


def _pyplot():
    try:
        import matplotlib

        if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("drawing needs matplotlib: pip install 'tensornn[plot]'") from exc
    return plt


def _connected_layout(graph, vertices):
    if len(vertices) <= 2:
        return {v: (0.6 * (2 * k - 1), 0.0) for k, v in enumerate(vertices)} if len(vertices) == 2 else {vertices[0]: (0.0, 0.0)}
    return nx.kamada_kawai_layout(nx.Graph(graph.subgraph(vertices)))


def _layout(bubble: Bubble):
    """Kamada-Kawai per connected component, components side by side from left to right."""
    comps = [sorted(c) for c in nx.connected_components(bubble.graph)]
    comps.sort(key=lambda c: c[0])
    if len(comps) == 1:
        return _connected_layout(bubble.graph, comps[0])
    pos, x = {}, 0.0
    for comp in comps:
        local = _connected_layout(bubble.graph, comp)
        xs = [p[0] for p in local.values()]
        shift = x - min(xs)
        pos.update({v: (p[0] + shift, p[1]) for v, p in local.items()})
        x = max(p[0] for p in local.values()) + shift + 0.8
    return pos


def draw_bubble(bubble: Bubble, ax=None, *, title: str | None = None, legend: bool = True):
    """Draw one bubble on ``ax`` (a new figure when None); return the axes."""
    from matplotlib.patches import FancyArrowPatch

    plt = _pyplot()
    if not isinstance(bubble, Bubble):
        raise InvalidArgumentError(f"draw_bubble needs a Bubble, got {type(bubble).__name__}")
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    pos = _layout(bubble)
    by_pair: dict[tuple[int, int], list[int]] = {}
    for u, v, c in bubble.edges():
        by_pair.setdefault((u, v), []).append(c)
    for (u, v), colours in by_pair.items():
        k = len(colours)
        for i, c in enumerate(sorted(colours)):
            rad = 0.0 if k == 1 else 0.5 * (i - (k - 1) / 2) / max((k - 1) / 2, 1)
            ax.add_patch(FancyArrowPatch(pos[u], pos[v], arrowstyle="-", connectionstyle=f"arc3,rad={rad}",
                                         color=COLOUR_CYCLE[(c - 1) % len(COLOUR_CYCLE)], lw=2, zorder=1))
    xs = [pos[v][0] for v in range(bubble.n_vertices)]
    ys = [pos[v][1] for v in range(bubble.n_vertices)]
    ax.scatter(xs, ys, s=120, c=[_FILL[k] for k in bubble.kinds], edgecolors="black", zorder=2)
    if legend:
        for c in range(1, bubble.rank + 1):
            ax.plot([], [], color=COLOUR_CYCLE[(c - 1) % len(COLOUR_CYCLE)], lw=2, label=f"colour {c}")
        ax.legend(loc="lower center", fontsize=6, ncol=min(bubble.rank, 4), frameon=False, bbox_to_anchor=(0.5, -0.2))
    ax.set_aspect("equal")
    ax.margins(0.25)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=8)
    return ax


def draw_bubble_grid(bubbles, *, columns: int | None = None, titles=None):
    """A figure with one panel per bubble (e.g. all bubbles of an order); return the figure."""
    plt = _pyplot()
    bubbles = list(bubbles)
    if not bubbles:
        raise InvalidArgumentError("draw_bubble_grid needs at least one bubble")
    columns = columns or min(len(bubbles), 6)
    rows = math.ceil(len(bubbles) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.4 * columns, 2.6 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < len(bubbles):
            title = titles[i] if titles is not None else f"#{i}  |Aut|={bubbles[i].automorphism_count()}"
            draw_bubble(bubbles[i], ax, title=title, legend=(i == 0))
        else:
            ax.axis("off")
    fig.tight_layout()
    return fig
