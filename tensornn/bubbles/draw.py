"""Matplotlib pictures of bubbles (matplotlib is imported only when drawing).

Vertices sit on a circle; black vertices are filled, white ones hollow, real ones grey. Each
colour index has its own line colour; parallel edges between the same two vertices are drawn as
arcs of different curvature so that all of them stay visible.
"""

from __future__ import annotations

import math

from .graph import Bubble

__all__ = ["draw_bubble", "draw_grid", "COLOUR_CYCLE"]

#: Line colours for colour indices 1, 2, 3, ... (cycled beyond).
COLOUR_CYCLE = ("tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple", "tab:brown", "tab:pink")


def draw_bubble(bubble: Bubble, ax=None, *, title: str | None = None):
    """Draw one bubble on ``ax`` (a new figure if None); return the axes."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    v = bubble.n_vertices
    slot = {w: k for k, w in enumerate(_walk_order(bubble))}
    pos = [
        (math.cos(2 * math.pi * slot[w] / v + math.pi / 2), math.sin(2 * math.pi * slot[w] / v + math.pi / 2))
        for w in range(v)
    ]
    multiplicity: dict[tuple[int, int], int] = {}
    for a, b, c in bubble.edges():
        k = multiplicity.get((a, b), 0)
        multiplicity[(a, b)] = k + 1
        rad = 0.0 if k == 0 else (0.25 * ((k + 1) // 2)) * (1 if k % 2 else -1)
        ax.add_patch(
            FancyArrowPatch(pos[a], pos[b], connectionstyle=f"arc3,rad={rad}", arrowstyle="-",
                            color=COLOUR_CYCLE[(c - 1) % len(COLOUR_CYCLE)], lw=1.8, shrinkA=6, shrinkB=6)
        )
    face = {"black": "black", "white": "white", "real": "0.6"}
    for (x, y), kind in zip(pos, bubble.kinds):
        ax.plot([x], [y], "o", ms=9, mfc=face[kind], mec="black", zorder=3)
    ax.set_xlim(-1.4, 1.4)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=8)
    return ax


def _walk_order(bubble: Bubble) -> list[int]:
    """Vertices in depth-first order through colours 1..d, so that neighbours sit side by side."""
    order, seen = [], set()
    for start in range(bubble.n_vertices):
        stack = [start]
        while stack:
            w = stack.pop()
            if w in seen:
                continue
            seen.add(w)
            order.append(w)
            stack.extend(reversed(bubble.adjacency[w]))
    return order


def draw_grid(bubbles, *, columns: int = 6, titles=None):
    """Figure with one panel per bubble (e.g. all bubbles of an order); return the figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    bubbles = list(bubbles)
    count = max(1, len(bubbles))
    cols = min(columns, count)
    rows = math.ceil(count / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols, 2.2 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k < len(bubbles):
            draw_bubble(bubbles[k], ax, title=None if titles is None else titles[k])
        else:
            ax.axis("off")
    return fig
