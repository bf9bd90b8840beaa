"""``tensornn structured-content``: the quartic bubble content of a linear structured network."""

from __future__ import annotations

from ..errors import InvalidArgumentError
from ._common import add_list
from ._common import harden as _harden

__all__ = ["register"]


def _run(args) -> int:
    from ..networks.model import get_model
    from ..readings.content import linear_tensor_action, quartic_content

    rank = None if args.dense else args.rank
    if args.sizes is None:
        print(quartic_content(args.order, rank).table())
        return 0
    sizes = tuple(args.sizes)
    if args.order is not None and args.order != len(sizes):
        raise InvalidArgumentError(f"--order {args.order} disagrees with --sizes {args.sizes} ({len(sizes)} indices); drop one")
    shape = {"index_sizes": sizes} if args.dense else {"index_sizes": sizes, "cp_rank": rank}
    net = get_model("dense" if args.dense else "cp", **shape, width=args.width, sigma_w=args.sigma_w,
                    sigma_v=args.sigma_v)
    action = linear_tensor_action(net)
    print(action.content.table())
    print(f"\ns^2 = sigma_v^2 sigma_w^2 / n = {action.s2:.6g};  S[T] = (mass/2)|T|^2 + sum_B lambda_B B(T) + const")
    print(f"mass = {action.mass:.6g}  (1/s^2 = {1 / action.s2:.6g}, shift {action.mass_shift:.6g});  "
          f"const = {action.constant:.6g}")
    for name, value in action.couplings.items():
        print(f"lambda[{name}] = {value:.6g}")
    return 0


def register(subparsers) -> None:
    """Add the ``structured-content`` command."""
    parser = subparsers.add_parser(
        "structured-content",
        help="quartic bubble content (and tensor action) of a linear CP-structured network",
        description="Group the pairing tuples P4^d into quartic bubbles and print their weights W_B; "
        "with --sizes also print the first-order tensor action couplings (docs/theory/structured_inputs.md).",
    )
    parser.add_argument("--order", type=int, default=None,
                        help="d, the number of input indices (default 3; at most 10: the 3^d pairing tuples are "
                             "held in memory)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--rank", type=int, default=1, help="CP rank R (default 1)")
    group.add_argument("--dense", action="store_true", help="dense first-layer weights")
    add_list(parser, "--sizes", kind=int, default=None, help="index sizes n_1,...,n_d for the couplings, e.g. 2,2,2")
    parser.add_argument("--width", type=int, default=1, help="N (default 1)")
    parser.add_argument("--sigma-w", type=float, default=1.0, dest="sigma_w")
    parser.add_argument("--sigma-v", type=float, default=1.0, dest="sigma_v")
    parser.set_defaults(handler=_run_with_default_order)
    _harden(parser)


def _run_with_default_order(args) -> int:
    if args.order is None and args.sizes is None:
        args.order = 3
    return _run(args)
