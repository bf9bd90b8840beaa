"""Numerical health of flow results: the numbers beside the numbers.

A fixed point, a flow or a table of exponents can be computed and still be untrustworthy: the
root may solve the equations only to 1e-4, the stability matrix may be nearly singular (a
marginal direction, exponents with few correct digits), the exponents may not have settled
with the truncation order, a flow may have stopped early or still be moving at its end. The
functions here measure these things and return a :class:`Health` with ``ok`` and the reasons
(``flags``) why not, never raising for a numerical outcome.

- :func:`fixed_point_health`: residual max_i |beta_i(g*)|, 2-norm condition number of
  M_ij = d beta_i / d g_j, finiteness of the exponents, spurious flags.
- :func:`exponent_convergence`: nu and omega order by order, |nu_m - nu_{m-1}| and
  |omega_m - omega_{m-1}| between successive orders; converged when the last difference is
  below ``tol``. :func:`potential_convergence` runs it on the LPA potential expansions
  (:func:`~tensornn.flow.potential.exponents_by_order`).
- :func:`flow_health`: status and where the flow stopped, and the largest relative change
  max_i |g_i(t_m) - g_i(t_{m-j})| / max(|g_i(t_m)|, scale) over the last ``n_last`` recorded steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._checks import check_int, check_real
from ..errors import InvalidTypeError
from .stability import ILL_CONDITIONED
from .fixed_points import FixedPoint
from .result import FlowTrajectory

__all__ = ["Health", "fixed_point_health", "exponent_convergence", "potential_convergence", "flow_health"]


@dataclass(frozen=True, repr=False)
class Health:
    """Diagnostics of one result.

    Attributes
    ----------
    kind : str
        What was checked ("fixed point", "exponent convergence", "flow").
    flags : tuple of str
        Reasons not to trust the numbers; empty when healthy.
    values : dict
        The measured diagnostics by name (residual, condition_number, differences, ...).
    """

    kind: str
    flags: tuple[str, ...]
    values: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing was flagged."""
        return not self.flags

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={_short(v)}" for k, v in self.values.items())
        state = "ok" if self.ok else "FLAGGED: " + "; ".join(self.flags)
        return f"Health({self.kind}: {state}; {shown})"


def _short(v):
    if isinstance(v, float):
        return f"{v:.3g}"
    if isinstance(v, (list, tuple)) and all(isinstance(x, float) for x in v):
        return "[" + ", ".join(f"{x:.3g}" for x in v) + "]"
    return repr(v)


def fixed_point_health(fp: FixedPoint, system=None, *, residual_tol: float = 1e-8,
                       max_condition: float = ILL_CONDITIONED) -> Health:
    """Residual, conditioning and exponent finiteness of a fixed point.

    Parameters
    ----------
    fp : FixedPoint
    system : FlowSystem, optional
        If given, the residual is recomputed as max_i |beta_i(g*)| from ``system.beta``;
        otherwise ``fp.residual`` is used.
    residual_tol : float
        Largest accepted residual.
    max_condition : float
        Largest accepted 2-norm condition number of the stability matrix; beyond it the
        exponents lose about log10(cond) of their 16 digits.

    Returns
    -------
    Health
        values: residual, condition_number, exponents; flags for a large residual, ill
        conditioning, non-finite exponents or a spurious fixed point.
    """
    if not isinstance(fp, FixedPoint):
        raise InvalidTypeError(f"fp must be a FixedPoint, got {type(fp).__name__}")
    residual_tol = check_real("residual_tol", residual_tol, positive=True)
    max_condition = check_real("max_condition", max_condition, positive=True)
    if system is not None:
        with np.errstate(all="ignore"):
            residual = float(np.max(np.abs(np.asarray(system.beta(fp.couplings), dtype=float))))
    else:
        residual = float(fp.residual)
    with np.errstate(all="ignore"):
        matrix = np.asarray(fp.matrix, dtype=float)
        cond = float(np.linalg.cond(matrix)) if np.all(np.isfinite(matrix)) else float("inf")
    flags = []
    if not residual <= residual_tol:
        flags.append(f"residual max|beta| = {residual:.3g} exceeds {residual_tol:.3g}: not a root to tolerance")
    if not cond <= max_condition:
        flags.append(f"stability matrix ill-conditioned (cond = {cond:.3g} > {max_condition:.3g}): "
                     "exponents inaccurate, a direction is nearly marginal")
    if not np.all(np.isfinite(fp.exponents)):
        flags.append("critical exponents are not finite")
    flags.extend(f"spurious: {f}" for f in fp.flags)
    values = {"residual": residual, "condition_number": cond, "exponents": np.asarray(fp.exponents).tolist()}
    return Health("fixed point", tuple(flags), values)


def exponent_convergence(by_order, *, tol: float = 1e-3) -> Health:
    """Convergence of nu and omega with the truncation order.

    Parameters
    ----------
    by_order : sequence of (order, FixedPoint or None)
        As returned by :func:`~tensornn.flow.potential.exponents_by_order`; None marks an
        order where the fixed point was lost.
    tol : float
        Convergence criterion on the last successive difference |nu_m - nu_{m-1}| (and omega).

    Returns
    -------
    Health
        values: orders, nu, omega, dnu, domega (differences between successive orders);
        flags when a fixed point is missing, fewer than two orders are given, or the last
        differences exceed ``tol``.
    """
    tol = check_real("tol", tol, positive=True)
    items = list(by_order)
    orders, nu, omega, flags = [], [], [], []
    for item in items:
        try:
            order, fp = item
        except (TypeError, ValueError):
            raise InvalidTypeError(f"by_order must hold (order, FixedPoint or None) pairs, got {item!r}") from None
        order = check_int("order", order)
        if fp is not None and not isinstance(fp, FixedPoint):
            raise InvalidTypeError(f"by_order entries must hold a FixedPoint or None, got {type(fp).__name__}")
        orders.append(order)
        nu.append(float("nan") if fp is None else fp.nu)
        omega.append(float("nan") if fp is None else fp.omega)
        if fp is None:
            flags.append(f"fixed point lost at order {order}")
    dnu = [abs(b - a) for a, b in zip(nu, nu[1:])]
    domega = [abs(b - a) for a, b in zip(omega, omega[1:])]
    if len(orders) < 2:
        flags.append("convergence needs at least two orders")
    else:
        if not dnu[-1] <= tol:
            flags.append(f"nu not converged: |nu({orders[-1]}) - nu({orders[-2]})| = {dnu[-1]:.3g} > {tol:.3g}")
        if not (np.isnan(omega[-1]) and np.isnan(omega[-2])) and not domega[-1] <= tol:
            flags.append(
                f"omega not converged: |omega({orders[-1]}) - omega({orders[-2]})| = {domega[-1]:.3g} > {tol:.3g}"
            )
    values = {"orders": orders, "nu": nu, "omega": omega, "dnu": dnu, "domega": domega}
    return Health("exponent convergence", tuple(flags), values)


def potential_convergence(dim: float, n_components: float, orders, *, expansion: str = "minimum",
                          tol: float = 1e-3, seed=0) -> Health:
    """:func:`exponent_convergence` of the LPA potential expansion in D dimensions, O(N) symmetry."""
    from .potential import exponents_by_order

    return exponent_convergence(exponents_by_order(dim, n_components, orders, expansion=expansion, seed=seed), tol=tol)


def flow_health(result: FlowTrajectory, *, n_last: int = 5, tol: float = 1e-6, scale: float = 1e-12) -> Health:
    """Status of a flow, where it stopped, and how much it still moved at the end.

    Parameters
    ----------
    result : FlowTrajectory
    n_last : int
        Number of recorded steps before the last one that are compared with it.
    tol : float
        Largest accepted relative change over the last steps; a larger change means the
        couplings were still running where the flow ended (not settled on a fixed point, or
        cut off). Reported as a flag only when ``result`` did not complete or is non-finite;
        otherwise it is a value (a flow may legitimately still run at k_stop), and a
        ``settled`` entry tells whether it was below ``tol``.
    scale : float
        Floor of the denominator, so couplings that vanish do not divide by zero.

    Returns
    -------
    Health
        values: status, k_stop_reached, t_stop, n_points, max_relative_change, settled;
        flags: the status and message when not completed, non-finite couplings.
    """
    if not isinstance(result, FlowTrajectory):
        raise InvalidTypeError(f"result must be a FlowTrajectory, got {type(result).__name__}")
    n_last = check_int("n_last", n_last, minimum=1)
    tol = check_real("tol", tol, positive=True)
    scale = check_real("scale", scale, positive=True)
    g = np.asarray(result.couplings, dtype=float)
    flags = []
    if not result.success:
        flags.append(f"flow status {result.status!r} at k = {result.k_stop_reached:.6g}: {result.message}")
    finite = bool(np.all(np.isfinite(g)))
    if not finite:
        flags.append("non-finite couplings along the flow")
    m = g.shape[1]
    if m >= 2:
        last = g[:, -1]
        window = g[:, max(0, m - 1 - n_last):-1]
        with np.errstate(all="ignore"):
            rel = np.abs(window - last[:, None]) / np.maximum(np.abs(last), scale)[:, None]
        change = float(np.nanmax(rel)) if np.any(np.isfinite(rel)) else float("inf")
    else:
        change = float("nan")
    values = {
        "status": result.status,
        "k_stop_reached": float(result.k_stop_reached),
        "t_stop": float(result.t[-1]),
        "n_points": int(m),
        "max_relative_change": change,
        "settled": bool(change <= tol),
    }
    return Health("flow", tuple(flags), values)
