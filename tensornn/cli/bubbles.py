"""``tensornn bubbles``: count, list and draw interaction bubbles."""

from __future__ import annotations

import json

from ..errors import InvalidArgumentError

__all__ = ["register"]


def _common(p):
    p.add_argument("--rank", type=int, required=True, help="number of colours d >= 1")
    p.add_argument("--order", type=int, required=True, help="n >= 1: black vertices (complex) or half the vertices (real)")
    p.add_argument("--field", default="complex", help="complex (U(N)^d) or real (O(N)^d)")
    p.add_argument("--connected", action="store_true", help="connected bubbles only")
    p.add_argument("--melonic", action="store_true", help="melonic bubbles only (connected)")


def register(subparsers) -> None:
    """Add ``bubbles count|list|draw`` to the command line."""
    parser = subparsers.add_parser("bubbles", help="count, list and draw interaction bubbles")
    sub = parser.add_subparsers(dest="bubbles_command", metavar="ACTION")
    count = sub.add_parser("count", help="number of bubbles (closed formula when one exists)")
    _common(count)
    count.add_argument("--enumerate", action="store_true", help="count by listing the bubbles")
    count.add_argument("--json", action="store_true", help="print one JSON object")
    count.set_defaults(handler=_count)
    listing = sub.add_parser("list", help="one line per bubble")
    _common(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=_list)
    draw = sub.add_parser("draw", help="grid picture of the listed bubbles")
    _common(draw)
    draw.add_argument("--out", required=True, help="output file, must end in .png")
    draw.set_defaults(handler=_draw)
    parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])


def _bubbles(args):
    from ..bubbles.enumerate import enumerate_bubbles

    return enumerate_bubbles(args.rank, args.order, args.field, connected=args.connected, melonic=args.melonic)


def _count(args) -> int:
    from ..bubbles.counting import count_bubbles, count_melonic_rooted

    _validate(args)
    formula = not args.enumerate and not args.melonic
    if formula:
        value = count_bubbles(args.rank, args.order, args.field, connected=args.connected)
    else:
        value = sum(1 for _ in _bubbles(args))
    record = {
        "count": value,
        "rank": args.rank,
        "order": args.order,
        "field": args.field,
        "connected": args.connected or args.melonic,
        "melonic": args.melonic,
        "closed_formula": formula,
    }
    if args.melonic and args.field == "complex":
        record["melonic_rooted_fuss_catalan"] = count_melonic_rooted(args.rank, args.order)
    print(json.dumps(record) if args.json else value)
    return 0


def _record(bubble) -> dict:
    from ..bubbles.invariants import face_count, gurau_degree, is_melonic

    degree = None
    if bubble.rank >= 3:
        degree = gurau_degree(bubble)
        degree = degree if isinstance(degree, int) else float(degree)
    return {
        "certificate": repr(bubble.canonical_form()[2]),
        "aut": bubble.automorphism_count(),
        "faces": face_count(bubble),
        "degree": degree,
        "melonic": is_melonic(bubble),
        "connected": bubble.is_connected(),
        "edges": [list(e) for e in bubble.edges()],
    }


def _list(args) -> int:
    _validate(args)
    for bubble in _bubbles(args):
        r = _record(bubble)
        if args.json:
            print(json.dumps(r))
        else:
            print(f"aut={r['aut']} faces={r['faces']} degree={r['degree']} melonic={r['melonic']} "
                  f"connected={r['connected']} edges={r['edges']} certificate={r['certificate']}")
    return 0


def _draw(args) -> int:
    from ..bubbles.draw import draw_grid

    _validate(args)
    if not str(args.out).lower().endswith(".png"):
        raise InvalidArgumentError(f"--out must name a .png file, got {args.out!r}; e.g. --out bubbles.png")
    bubbles = list(_bubbles(args))
    fig = draw_grid(bubbles, titles=[f"|Aut|={b.automorphism_count()}" for b in bubbles])
    fig.savefig(args.out, dpi=100)
    print(f"wrote {len(bubbles)} bubbles to {args.out}")
    return 0


def _validate(args):
    from .._checks import check_choice, check_int
    from ..bubbles.graph import FIELDS

    check_int("--rank", args.rank, minimum=1)
    check_int("--order", args.order, minimum=1)
    check_choice("--field", args.field, FIELDS)
