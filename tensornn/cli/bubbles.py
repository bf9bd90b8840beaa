"""``tensornn bubbles``: count, list and draw interaction bubbles."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InvalidArgumentError
from ._common import claimed_outputs, harden, parse_number

__all__ = ["register"]

#: Default of ``--max-memory``: the working memory, in GiB, an enumeration may need (the
#: estimate of :func:`tensornn.bubbles.memory.enumeration_memory`, checked before it starts).
MAX_MEMORY_GIB = 2.0

#: Default of ``--max-bubbles``: the documented listing bound (tensornn.bubbles.estimate.MAX_LISTED_BUBBLES),
#: checked by formula before anything is enumerated.
MAX_BUBBLES = 200_000

#: Most bubbles ``draw`` puts in one file (a page of 24 takes seconds: layouts, then matplotlib's).
MAX_DRAWN = 200

#: How the bounds' messages name the arguments on the command line.
_OPTION_NAMES = {"order": "--order", "max_bubbles": "--max-bubbles", "max_memory": "--max-memory"}


def _positive(text: str) -> int:
    try:
        value = parse_number(text, int)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1 (without '_'), got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def _gib(text: str) -> float:
    try:
        value = parse_number(text, float)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of GiB > 0 (without '_'), got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of GiB > 0, got {value}")
    return value


def _common(parser):
    parser.add_argument("--rank", type=_positive, required=True, help="number of colours d >= 1")
    parser.add_argument("--order", type=_positive, required=True,
                        help="n: black vertices (complex) or half the vertices (real)")
    parser.add_argument("--field", choices=("real", "complex"), default="complex", help="O(N)^d or U(N)^d (default complex)")
    parser.add_argument("--connected", action="store_true", help="only connected bubbles")
    parser.add_argument("--melonic", action="store_true", help="only (connected) melonic bubbles")
    parser.add_argument("--max-memory", type=_gib, default=MAX_MEMORY_GIB, metavar="GIB",
                        help="refuse listings whose estimated working memory exceeds this many GiB "
                             f"(default {MAX_MEMORY_GIB:g})")
    parser.add_argument("--max-bubbles", type=_positive, default=MAX_BUBBLES, metavar="N",
                        help="refuse listings of more bubbles than this, counted by formula before anything is "
                             f"listed (default {MAX_BUBBLES:,})")


def register(subparsers) -> None:
    """Add ``tensornn bubbles {count,list,draw}``."""
    parser = subparsers.add_parser("bubbles", help="count, list and draw interaction bubbles",
                                   description="Enumerate the bubbles (coloured graphs) of tensor field theories.")
    commands = parser.add_subparsers(dest="bubbles_command", metavar="{count,list,draw}", required=True,
                                     parser_class=type(parser))
    count = commands.add_parser("count", help="number of bubbles (closed formula where one exists)")
    _common(count)
    count.add_argument("--enumerate", action="store_true", help="count by listing instead of the closed formula")
    count.add_argument("--json", action="store_true", help="print a JSON object")
    count.set_defaults(handler=_count)
    listing = commands.add_parser("list", help="one line (or JSON object) per bubble")
    _common(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=_list)
    draw = commands.add_parser("draw", help="draw the listed bubbles as a grid (PNG)")
    _common(draw)
    draw.add_argument("--out", required=True, help="output file ending in .png, .svg (one file per page of 24 "
                      "bubbles: NAME-1.png, ...) or .pdf (one page per 24 bubbles)")
    draw.add_argument("--dpi", type=float, default=None, help="resolution of PNG files (default 200)")
    draw.set_defaults(handler=_draw)
    harden(parser)  # options given once, no '_' in numbers, library errors in the options' words


def _formula_count(args):
    from ..bubbles.counting import count_bubbles, count_connected_bubbles

    if args.melonic:
        return None
    counter = count_connected_bubbles if args.connected else count_bubbles
    return counter(args.rank, args.order, args.field)


def _checked(args):
    """The enumeration's estimate, checked against ``--max-bubbles`` and ``--max-memory`` (nothing runs before)."""
    from ..bubbles.estimate import check_enumeration

    return check_enumeration(args.rank, args.order, args.field, connected=args.connected or args.melonic,
                             melonic=args.melonic, max_bubbles=args.max_bubbles,
                             max_memory=args.max_memory * 2**30, names=_OPTION_NAMES)


def _announce(args, estimate, doing: str) -> bool:
    """Progress is shown on a terminal; with it, one line stating the size and time before the work starts."""
    from ._common import progress_wanted

    show = progress_wanted()
    if show and estimate.seconds >= 2:
        print(f"tensornn bubbles {args.bubbles_command}: {doing} {estimate.describe()}", file=sys.stderr)
    return show


def _chunks(args, progress):
    from ..bubbles.enumerate import table_chunks

    return table_chunks(args.rank, args.order, args.field, connected=args.connected or args.melonic,
                        melonic=args.melonic, progress=progress)


def _count(args) -> int:
    from ..bubbles.counting import fuss_catalan

    count, source = _formula_count(args), "formula"
    if count is None or args.enumerate:
        estimate = _checked(args)
        show = _announce(args, estimate, "counting by enumeration")
        count, source = sum(len(tables) for tables, _, _ in _chunks(args, show)), "enumeration"
    record = {"count": count, "rank": args.rank, "order": args.order, "field": args.field,
              "connected": args.connected or args.melonic, "melonic": args.melonic, "source": source}
    if args.melonic and args.field == "complex" and args.rank >= 3:  # the tree bijection behind it needs d >= 3
        record["rooted_count_fuss_catalan"] = fuss_catalan(args.rank, args.order)
    from .._json import document
    from ._common import vars_config

    print(json.dumps(document("bubbles-count", record, config=vars_config(args))) if args.json else count)
    return 0


class _EdgeText:
    """Edge lists of stacked tables as text, ``[(0, 8, 1), (1, 9, 1), ...]`` (or JSON, ``[[0, 8, 1], ...]``).

    The order of :meth:`Bubble.edges`: by colour, then by the lower end. The text of every (u, v, colour) is
    made once; a chunk of lines is then one array of text pieces (the line's head, its edges, the end) joined
    once, without a Python loop over the edges.
    """

    def __init__(self, vertices: int, rank: int, json_style: bool):
        import numpy as np

        pattern = "[{}, {}, {}]" if json_style else "({}, {}, {})"
        text = [pattern.format(u, v, c + 1) for u in range(vertices) for v in range(vertices) for c in range(rank)]
        self.first = np.array(text, dtype=object)
        self.rest = np.array([", " + t for t in text], dtype=object)

    def codes(self, tables):
        """(m, edges) indices into the edge texts, in the order of :meth:`Bubble.edges`."""
        import numpy as np

        m, size, rank = tables.shape
        lower = np.arange(size)
        codes = []
        for c in range(rank):
            ends = tables[:, :, c]
            u = np.nonzero(lower < ends)[1].reshape(m, size // 2)  # each vertex has one colour-c edge
            v = np.take_along_axis(ends, u, axis=1)
            codes.append((u.astype(np.intp) * size + v) * rank + c)
        return np.concatenate(codes, axis=1)

    def join(self, heads, tables, tail: str) -> str:
        """Lines ``heads + "[" + edges + "]" + tail``, one per table, as one string.

        ``heads`` is a list of columns of text (each a sequence with one entry per table), put side by side.
        """
        import numpy as np

        codes = self.codes(tables)
        m, n_edges = codes.shape
        width = len(heads)
        cells = np.empty((m, width + n_edges + 1), dtype=object)
        for k, column in enumerate(heads):
            cells[:, k] = column
        cells[:, width] = self.first[codes[:, 0]]
        cells[:, width + 1 : -1] = self.rest[codes[:, 1:]]
        cells[:, -1] = "]" + tail
        return "".join(cells.ravel().tolist())


def _middles(columns, degrees) -> "object":
    """The text between a line's index and its edges, made once per distinct (|Aut|, faces, degree, melonic,
    connected) and looked up for every bubble (an object array)."""
    import numpy as np

    twice = columns.twice_degree if columns.twice_degree is not None else np.full(len(columns.aut), -1)
    aut_bits, face_bits, degree_bits = (max(1, int(v.max()).bit_length()) for v in (columns.aut, columns.faces,
                                                                                      twice + 1))
    if aut_bits + face_bits + degree_bits + 2 <= 62:  # one integer per combination: a 1-d unique
        keys = ((((columns.aut.astype(np.int64) << face_bits | columns.faces) << degree_bits | (twice + 1)) << 2)
                | columns.melonic.astype(np.int64) << 1 | columns.connected)
    else:
        keys = np.stack([columns.aut, columns.faces, twice, columns.melonic, columns.connected], axis=1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True, axis=None if keys.ndim == 1 else 0)
    aut, faces = columns.aut.tolist(), columns.faces.tolist()
    mel, con = columns.melonic.tolist(), columns.connected.tolist()
    text = np.empty(len(first), dtype=object)
    for u, r in enumerate(first.tolist()):
        text[u] = (f"{aut[r]:<4d} faces={faces[r]:<3d} degree={degrees[r]} melonic={mel[r]} connected={con[r]} "
                   "edges=[")
    return text[inverse.ravel()]


def _degree_values(columns, m):
    if columns.twice_degree is None:
        return [None] * m
    return [d // 2 if d % 2 == 0 else d / 2 for d in columns.twice_degree.tolist()]


def _list(args) -> int:
    from ..bubbles._describe import describe_tables

    estimate = _checked(args)
    show = _announce(args, estimate, "listing")
    edges = _EdgeText(2 * args.order, args.rank, args.json)
    write = sys.stdout.write
    index = 0
    for tables, kinds, aut in _chunks(args, show):
        columns = describe_tables(tables, kinds, args.rank, args.field, aut)
        m = len(tables)
        degrees = _degree_values(columns, m)
        if args.json:
            rows = zip(range(index, index + m), columns.aut.tolist(), columns.faces.tolist(), degrees,
                       columns.melonic.tolist(), columns.connected.tolist())
            write(edges.join([_json_heads(args, tables, kinds, rows)], tables, "}\n"))
        else:
            indices = [f"{i:5d}  |Aut|=" for i in range(index, index + m)]
            write(edges.join([indices, _middles(columns, degrees)], tables, "\n"))
        index += m
    return 0


def _json_heads(args, tables, kinds, rows) -> list[str]:
    """The JSON Lines records up to their edges: the columns, and the canonical certificate (found one by one)."""
    from .._json import SCHEMA_VERSION
    from ..bubbles.graph import Bubble

    start = f'{{"schema": "tensornn/bubbles-list", "schema_version": {SCHEMA_VERSION}, "index": '
    heads = []
    for r, (i, a, f, d, mel, con) in enumerate(rows):
        bubble = Bubble._from_table(tuple(map(tuple, tables[r].tolist())), tuple(kinds[r].tolist()), args.rank,
                                    args.field)
        certificate = json.dumps(repr(bubble.canonical_form()[2]))
        heads.append(f'{start}{i}, "certificate": {certificate}, "aut": {a}, "faces": {f}, '
                     f'"gurau_degree": {json.dumps(d)}, "melonic": {json.dumps(mel)}, '
                     f'"connected": {json.dumps(con)}, "edges": [')
    return heads


def _draw(args) -> int:
    from ..plotting.figures import figure_format

    out = Path(args.out)
    figure_format(out, argument="--out")
    estimate = _checked(args)
    if estimate.bubbles > MAX_DRAWN:
        raise InvalidArgumentError(
            f"--order: {estimate.bubbles:,} bubbles (counted by formula) are too many to draw in one file (at most "
            f"{MAX_DRAWN}, 24 to a page); lower --order, or add --connected or --melonic")
    with claimed_outputs([("--out", out)]):
        from ..bubbles.enumerate import enumerate_bubbles
        from ._common import progress_wanted

        bubbles = list(enumerate_bubbles(args.rank, args.order, args.field, connected=args.connected or args.melonic,
                                         melonic=args.melonic, max_bubbles=None, max_memory=None))
        if len(bubbles) > MAX_DRAWN:  # a melonic estimate is a lower bound
            raise InvalidArgumentError(
                f"--order: {len(bubbles)} bubbles are too many to draw in one file (at most {MAX_DRAWN}); "
                "lower --order")
        from ..bubbles.draw import save_bubble_drawings

        show = progress_wanted()
        if show and len(bubbles) > 10:
            print(f"tensornn bubbles draw: drawing {len(bubbles)} bubbles, 24 to a page", file=sys.stderr)
        written = save_bubble_drawings(bubbles, out, dpi=args.dpi, progress=show)
    print(f"wrote {len(bubbles)} bubbles to {', '.join(map(str, written))}", file=sys.stderr)
    return 0
