"""Pictures of bubbles with matplotlib (an optional dependency: ``pip install tensornn[plot]``).

Each colour index gets its own line colour; parallel edges between two vertices are drawn as arcs of different
curvature so that all of them are visible; black and white vertices are filled accordingly (real-field vertices are
grey). A bubble whose underlying simple graph is planar (pillows, the tetrahedron, melonic bubbles) is drawn without
crossings by networkx's planar layout (a combinatorial embedding); the others with the Kamada-Kawai layout. Titles carry the bubble's name (:func:`~tensornn.bubbles.names.bubble_name`) and its
marks: melonic or not, the Gurau degree omega (rank >= 3) and |Aut|.

Long lists are drawn in pages (:func:`bubble_pages`); :func:`save_bubble_drawings` writes them as one multi-page PDF
or as one PNG/SVG file per page.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from pathlib import Path

import networkx as nx
import numpy as np

from ..errors import InvalidArgumentError
from .graph import Bubble

__all__ = ["draw_bubble", "draw_bubble_grid", "bubble_pages", "save_bubble_drawings", "bubble_title", "COLOUR_CYCLE",
           "PER_PAGE"]

#: Line colours of colours 1, 2, ... (cycled beyond ten).
COLOUR_CYCLE = ("tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple",
                "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:gray")
_FILL = {"black": "black", "white": "white", "real": "0.6"}

#: Bubbles per page of :func:`bubble_pages` (6 columns x 4 rows fit an A4/letter page at a readable size).
PER_PAGE = 24


def _pyplot():
    from ..plotting.figures import pyplot

    return pyplot()


def _crossings(graph, pos) -> int:
    """Number of pairs of straight edges (without a common end) that cross in the layout ``pos``."""
    edges = list(graph.edges())

    def orient(a, b, c):
        return np.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    count = 0
    for (a, b), (c, d) in itertools.combinations(edges, 2):
        if len({a, b, c, d}) < 4:
            continue
        p, q, r, s = (np.asarray(pos[v]) for v in (a, b, c, d))
        if orient(p, q, r) * orient(p, q, s) < 0 and orient(r, s, p) * orient(r, s, q) < 0:
            count += 1
    return count


def _connected_layout(graph, vertices):
    if len(vertices) <= 2:
        return {v: (0.6 * (2 * k - 1), 0.0) for k, v in enumerate(vertices)} if len(vertices) == 2 else {vertices[0]: (0.0, 0.0)}
    simple = nx.Graph(graph.subgraph(vertices))
    if nx.check_planarity(simple)[0]:  # a combinatorial embedding: crossing-free
        planar = nx.planar_layout(simple)
        if _crossings(simple, planar) == 0:
            relaxed = nx.kamada_kawai_layout(simple, pos=planar)  # evened out from the embedding
            return relaxed if _crossings(simple, relaxed) == 0 else planar
    return nx.kamada_kawai_layout(simple)


def _layout(bubble: Bubble):
    """A crossing-free layout per connected component where one exists, components side by side."""
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


def bubble_title(bubble: Bubble, width: int = 26) -> str:
    """The bubble's name (wrapped at ``width`` characters) and its marks: melonic, Gurau degree, |Aut|.

    Examples
    --------
    >>> from tensornn.bubbles import pillow, tetrahedron
    >>> print(bubble_title(pillow(3, 1)))
    pillow of colour 1
    melonic, ω = 0, |Aut| = 2
    >>> bubble_title(tetrahedron()).splitlines()[1]
    'ω = 1/2, |Aut| = 4'
    """
    from .invariants import gurau_degree, is_melonic
    from .names import bubble_name

    marks = []
    if bubble.rank >= 2 and bubble.is_connected() and is_melonic(bubble):
        marks.append("melonic")
    if bubble.rank >= 3:
        marks.append(f"ω = {gurau_degree(bubble)}")
    marks.append(f"|Aut| = {bubble.automorphism_count()}")
    return "\n".join(textwrap.wrap(bubble_name(bubble), width) + [", ".join(marks)])


def draw_bubble(bubble: Bubble, ax=None, *, title: str | None = None, legend: bool = True):
    """Draw one bubble on ``ax`` (a new figure when None); return the axes.

    ``title=None`` writes no title; pass :func:`bubble_title` (``bubble_title(b)``) for the name and marks.
    """
    from matplotlib.patches import FancyArrowPatch

    plt = _pyplot()
    if not isinstance(bubble, Bubble):
        raise InvalidArgumentError(f"draw_bubble needs a Bubble, got {type(bubble).__name__}")
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    from ..networks._blas import one_blas_thread

    with one_blas_thread():  # the layout's optimiser makes tiny BLAS calls: threads only wait (20x slower when busy)
        pos = _layout(bubble)
    by_pair: dict[tuple[int, int], list[int]] = {}
    for u, v, c in bubble.edges():
        by_pair.setdefault((u, v), []).append(c)
    for (u, v), colours in by_pair.items():
        k = len(colours)
        for i, c in enumerate(sorted(colours)):
            rad = 0.0 if k == 1 else 0.5 * (i - (k - 1) / 2) / max((k - 1) / 2, 1)
            ax.add_patch(FancyArrowPatch(pos[u], pos[v], arrowstyle="-", connectionstyle=f"arc3,rad={rad}",
                                         shrinkA=0, shrinkB=0,  # the ends hide under the vertices: no clipping
                                         color=COLOUR_CYCLE[(c - 1) % len(COLOUR_CYCLE)], lw=2, zorder=1))
    xs = [pos[v][0] for v in range(bubble.n_vertices)]
    ys = [pos[v][1] for v in range(bubble.n_vertices)]
    ax.scatter(xs, ys, s=110, c=[_FILL[k] for k in bubble.kinds], edgecolors="black", zorder=2)
    if legend:
        for c in range(1, bubble.rank + 1):
            ax.plot([], [], color=COLOUR_CYCLE[(c - 1) % len(COLOUR_CYCLE)], lw=2, label=f"colour {c}")
        ax.legend(loc="upper center", fontsize=8, ncol=min(bubble.rank, 4), frameon=False,
                  bbox_to_anchor=(0.5, 0.0), handlelength=1.5, columnspacing=1.0)
    ax.set_aspect("equal")
    ax.margins(0.22)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=8.5)
    return ax


def _grid(plt, bubbles, columns, titles, offset=0, tick=None):
    rows = math.ceil(len(bubbles) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.5 * columns, 2.6 * rows + 0.5), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < len(bubbles):
            title = titles[i] if titles is not None else f"#{offset + i}  " + bubble_title(bubbles[i])
            draw_bubble(bubbles[i], ax, title=title, legend=False)
            if tick is not None:
                tick()
        else:
            ax.axis("off")
    rank = bubbles[0].rank
    handles = [fig.axes[0].plot([], [], color=COLOUR_CYCLE[(c - 1) % len(COLOUR_CYCLE)], lw=2.5,
                                label=f"colour {c}")[0] for c in range(1, rank + 1)]
    fig.legend(handles=handles, loc="lower center", ncol=min(rank, 8), frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0.35 / fig.get_figheight(), 1, 1), h_pad=0.8)
    return fig


def draw_bubble_grid(bubbles, *, columns: int | None = None, titles=None):
    """A figure with one panel per bubble (e.g. all bubbles of an order), titled by name and marks.

    For more than :data:`PER_PAGE` bubbles use :func:`bubble_pages` (one figure per page).
    """
    from ..plotting.figures import paper_style

    plt = _pyplot()
    bubbles = list(bubbles)
    if not bubbles:
        raise InvalidArgumentError("draw_bubble_grid needs at least one bubble")
    if titles is not None and len(titles) != len(bubbles):
        raise InvalidArgumentError(f"titles must have one entry per bubble ({len(bubbles)}), got {len(titles)}")
    columns = columns or min(len(bubbles), 6)
    with paper_style():
        return _grid(plt, bubbles, columns, titles)


def bubble_pages(bubbles, *, per_page: int = PER_PAGE, columns: int = 6, progress: bool = False) -> list:
    """The bubbles drawn ``per_page`` to a figure, numbered across pages (#0, #1, ... in listing order).

    ``progress=True`` shows a bar on standard error, one step per bubble (a layout takes up to about a second).
    """
    import sys

    from tqdm.auto import tqdm

    from .._checks import check_int
    from ..plotting.figures import paper_style

    plt = _pyplot()
    bubbles = list(bubbles)
    if not bubbles:
        raise InvalidArgumentError("bubble_pages needs at least one bubble")
    per_page = check_int("per_page", per_page, minimum=1)
    columns = check_int("columns", columns, minimum=1)
    if not isinstance(progress, bool):
        raise InvalidArgumentError(f"progress must be True or False, got {progress!r}")
    with paper_style(), tqdm(total=len(bubbles), disable=not progress, file=sys.stderr, unit="bubble",
                             desc="drawing") as bar:
        return [_grid(plt, bubbles[i:i + per_page], min(columns, len(bubbles[i:i + per_page])), None, offset=i,
                      tick=lambda: bar.update(1))
                for i in range(0, len(bubbles), per_page)]


def save_bubble_drawings(bubbles, path, *, per_page: int = PER_PAGE, columns: int = 6, dpi=None,
                         progress: bool = False) -> list[Path]:
    """Draw ``bubbles`` in pages and write them: one multi-page PDF, or one PNG/SVG file per page.

    A single page is written to ``path`` itself; several PNG/SVG pages to ``name-1.png``, ``name-2.png``, ... beside
    ``path``. Returns the paths written. ``progress=True`` shows a bar on standard error while the bubbles are drawn.
    """
    from ..plotting.figures import DEFAULT_DPI, figure_format, pyplot, save_figure
    from ..report import atomic_write

    fmt = figure_format(path)
    pages = bubble_pages(bubbles, per_page=per_page, columns=columns, progress=progress)
    path = Path(path)
    if len(pages) == 1:
        return [save_figure(pages[0], path, dpi=dpi)]
    if fmt == "pdf":
        from matplotlib.backends.backend_pdf import PdfPages

        def write(tmp):
            with PdfPages(tmp) as pdf:
                for fig in pages:
                    pdf.savefig(fig, dpi=dpi or DEFAULT_DPI)

        try:
            atomic_write(path, write)
        finally:
            for fig in pages:
                pyplot().close(fig)
        return [path]
    return [save_figure(fig, path.with_name(f"{path.stem}-{i}{path.suffix}"), dpi=dpi)
            for i, fig in enumerate(pages, start=1)]
