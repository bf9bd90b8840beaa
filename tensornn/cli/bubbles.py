"""``tensornn bubbles``: count, list and draw interaction bubbles."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InvalidArgumentError
from ._common import claimed_outputs

__all__ = ["register"]

#: Default of ``--max-memory``: the working memory, in GiB, an enumeration may need (the
#: estimate of :func:`tensornn.bubbles.memory.enumeration_memory`, checked before it starts).
MAX_MEMORY_GIB = 2.0



def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def _gib(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of GiB > 0, got {text!r}") from None
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


def _formula_count(args):
    from ..bubbles.counting import count_bubbles, count_connected_bubbles

    if args.melonic:
        return None
    counter = count_connected_bubbles if args.connected else count_bubbles
    return counter(args.rank, args.order, args.field)


def _listed(args):
    """The enumeration, after checking its estimated memory against ``--max-memory`` (nothing runs before)."""
    from ..bubbles.enumerate import enumerate_bubbles
    from ..bubbles.memory import enumeration_memory

    need = enumeration_memory(args.rank, args.order, args.field, melonic=args.melonic)
    bound = args.max_memory * 2**30
    if need > bound:
        what = "melonic " if args.melonic else ""
        raise InvalidArgumentError(
            f"listing the {what}{args.field} bubbles of rank {args.rank} and order {args.order} needs an estimated "
            f"{need / 2**30:.3g} GiB of working memory, more than the memory bound of {args.max_memory:g} GiB this "
            "command uses (--max-memory); lower --order, or raise --max-memory if the machine has the memory free"
        )
    return enumerate_bubbles(args.rank, args.order, args.field, connected=args.connected or args.melonic,
                             melonic=args.melonic)


def _count(args) -> int:
    from ..bubbles.counting import fuss_catalan

    count, source = _formula_count(args), "formula"
    if count is None or args.enumerate:
        count, source = sum(1 for _ in _listed(args)), "enumeration"
    record = {"count": count, "rank": args.rank, "order": args.order, "field": args.field,
              "connected": args.connected or args.melonic, "melonic": args.melonic, "source": source}
    if args.melonic and args.field == "complex":
        record["rooted_count_fuss_catalan"] = fuss_catalan(args.rank, args.order)
    from .._json import document
    from ._common import vars_config

    print(json.dumps(document("bubbles-count", record, config=vars_config(args))) if args.json else count)
    return 0


def _describe(bubble) -> dict:
    from ..bubbles.invariants import face_count, gurau_degree, is_melonic

    degree = None
    if bubble.rank >= 3:
        value = gurau_degree(bubble)
        degree = int(value) if value.denominator == 1 else float(value)
    return {
        "certificate": repr(bubble.canonical_form()[2]),
        "aut": bubble.automorphism_count(),
        "faces": face_count(bubble) if bubble.rank >= 2 else 0,
        "gurau_degree": degree,
        "melonic": is_melonic(bubble),
        "connected": bubble.is_connected(),
        "edges": bubble.edges(),
    }


def _list(args) -> int:
    from .._json import document

    for i, bubble in enumerate(_listed(args)):
        info = _describe(bubble)
        if args.json:
            print(json.dumps(document("bubbles-list", {"index": i, **info}, metadata=False)))
        else:
            print(f"{i:5d}  |Aut|={info['aut']:<4d} faces={info['faces']:<3d} degree={info['gurau_degree']} "
                  f"melonic={info['melonic']} connected={info['connected']} edges={info['edges']}")
    return 0


def _draw(args) -> int:
    from ..plotting.figures import figure_format

    out = Path(args.out)
    figure_format(out, argument="--out")
    with claimed_outputs([("--out", out)]):
        bubbles = list(_listed(args))
        if len(bubbles) > 200:
            raise InvalidArgumentError(
                f"{len(bubbles)} bubbles are too many to draw in one grid (at most 200); lower --order")
        from ..bubbles.draw import save_bubble_drawings

        written = save_bubble_drawings(bubbles, out, dpi=args.dpi)
    print(f"wrote {len(bubbles)} bubbles to {', '.join(map(str, written))}", file=sys.stderr)
    return 0
