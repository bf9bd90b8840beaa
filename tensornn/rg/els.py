"""The set-up of Erbin, Lahoche and Ousmane Samary (ELS) for the active/passive comparison, reproduced.

Their set-up (arXiv:2108.01403), in tensornn's vocabulary:

- Gauss-nets in d_in = 1 with biases, ``sigma_b = 1``, at the fixed inputs
  ``x in {-0.01, -0.006, -0.002, 0.002, 0.006, 0.01}`` (those of Halverson, Maiti and Stoner); u4 is the
  raw amputated coupling ``u4_f = -Delta G4 / int prod K_w`` (``f^4/4!``, not Z-normalised) on each of the
  126 unordered quadruples of these inputs, averaged over the quadruples;
- the active series: that mean at ``sigma_w = 1, 1.5, ..., 10, 20, ..., 100`` for the widths
  5, 10, 50, 100, 500, 1000;
- the passive flow: the Litim LPA with the p^2 kinetic term and ``U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!``,
  started at ``k = 1e-10`` with ``u2 = m0^2 = 2 sigma_w0^2/d_in`` (the Z-normalised mass), ``u4`` = the
  mean at ``sigma_w0 = 1`` and ``u6 = 50``, integrated up to ``k = 99.99``; the running mass read as
  ``sigma_w(k) = sqrt(d_in u2(k)/2)``.

:func:`els_reproduction` builds these curves with the exact finite-width u4 (default) or with a Monte
Carlo of a given number of networks (they used 5 bags of 1000). Its raw coupling scales as
``sigma_w^(d_in - 4)`` along the active family (the convention "els" of :mod:`tensornn.rg.conventions`)
while the flow treats it as a coupling of dimension ``4 - d_in``: docs/rg_experiment.md explains why the
field-normalised ``Z^-2 u4_f`` is the consistent choice.

References
----------
Erbin, Lahoche, Ousmane Samary, arXiv:2108.01403; Halverson, Maiti, Stoner, arXiv:2008.08601.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from .._checks import check_array, check_choice, check_int, check_real
from .._json import finite
from .._random import child_seed, root_entropy
from ..couplings.quartic import measure_u4, u4_exact
from ..errors import InvalidArgumentError
from ..networks.scalar import ScalarNetwork
from .conventions import get_convention
from .passive import PASSIVE_KINETIC, PassiveFlow, passive_flow

__all__ = ["ELS_INPUTS", "ELS_SIGMA_WS", "ELS_WIDTHS", "ELSCurve", "ELSReproduction", "els_quadruples",
           "els_reproduction"]

#: The fixed inputs (d_in = 1) of the ELS set-up.
ELS_INPUTS = (-1e-2, -6e-3, -2e-3, 2e-3, 6e-3, 1e-2)
#: The active grid of the ELS set-up: 1 to 10 in steps of 0.5, then 20 to 100 in steps of 10.
ELS_SIGMA_WS = tuple(float(s) for s in np.r_[np.arange(1.0, 10.01, 0.5), np.arange(20.0, 100.01, 10.0)])
#: The widths of the ELS set-up.
ELS_WIDTHS = (5, 10, 50, 100, 500, 1000)


def els_quadruples(n_inputs: int = len(ELS_INPUTS)) -> list:
    """The unordered quadruples (multisets of size 4) of ``n_inputs`` inputs, sorted: C(n + 3, 4) of them.

    Examples
    --------
    >>> len(els_quadruples(6)), els_quadruples(6)[0]
    (126, (0, 0, 0, 0))
    """
    n_inputs = check_int("n_inputs", n_inputs, minimum=1)
    return list(itertools.combinations_with_replacement(range(n_inputs), 4))


@dataclass(frozen=True, repr=False)
class ELSCurve:
    """One width of the ELS set-up: the active series and the passive flow.

    Attributes
    ----------
    width : int
    sigma_ws : ndarray, shape (n,)
    u4 : ndarray, shape (n,)
        Raw ``u4_f`` averaged over the quadruples (exact or Monte Carlo).
    u4_spread : ndarray, shape (n,)
        Standard deviation of u4 over the quadruples (the error band of ELS).
    u4_error : ndarray or None
        Monte-Carlo standard error of the mean over the quadruples (None for the exact values).
    passive : PassiveFlow
        The flow from ``u4[0]`` at ``sigma_ws[0]`` with the stated u6.
    active_fit_slope : float
        Least-squares slope of ``log10|u4|`` against ``log10 sigma_w`` over the grid (the fit of ELS).
    structural_slope : int
        ``d_in - 4``: the exact scaling of the raw coupling at fixed rescaled inputs.
    """

    width: int
    sigma_ws: np.ndarray
    u4: np.ndarray
    u4_spread: np.ndarray
    u4_error: np.ndarray | None
    passive: PassiveFlow
    active_fit_slope: float
    structural_slope: int

    @property
    def passive_slope(self) -> float:
        """Least-squares ``d ln|u4| / d ln sigma_w`` of the passive curve over its monotone range."""
        ls, u = self.passive.monotone()
        keep = np.isfinite(u) & (u != 0)
        if keep.sum() < 2 or np.ptp(ls[keep]) <= 0:
            return float("nan")
        return float(np.polyfit(ls[keep], np.log(np.abs(u[keep])), 1)[0])

    def to_dict(self) -> dict:
        return {"width": self.width, "sigma_ws": self.sigma_ws.tolist(), "u4": [finite(v) for v in self.u4],
                "u4_spread": [finite(v) for v in self.u4_spread],
                "u4_error": None if self.u4_error is None else [finite(v) for v in self.u4_error],
                "active_fit_slope": finite(self.active_fit_slope), "structural_slope": self.structural_slope,
                "passive_slope": finite(self.passive_slope), "passive": self.passive.to_dict()}

    def __repr__(self):
        return (f"ELSCurve(N={self.width}, u4(sigma_w0) = {self.u4[0]:.4g}, active slope {self.active_fit_slope:.3g} "
                f"(structural {self.structural_slope}), passive {self.passive.status}: sigma_w up to "
                f"{np.nanmax(self.passive.sigma_w):.4g}, slope {self.passive_slope:.3g})")


@dataclass(frozen=True, repr=False)
class ELSReproduction:
    """The curves of the ELS set-up for every width; ``table()``, ``to_dict()``, ``plot()``."""

    curves: tuple
    parameters: dict = field(default_factory=dict)

    def table(self) -> list:
        """One row per width: u4 at sigma_w0, the slopes, the reach of the passive map and its status."""
        rows = []
        for c in self.curves:
            s = c.passive.sigma_w
            rows.append({"width": c.width, "u4_0": float(c.u4[0]), "active_fit_slope": c.active_fit_slope,
                         "structural_slope": c.structural_slope, "passive_slope": c.passive_slope,
                         "passive_slope_ir": c.passive.slope_ir(), "sigma_w_end": float(s[-1]),
                         "u4_end": float(c.passive.u4[-1]), "passive_status": c.passive.status})
        return rows

    def to_dict(self) -> dict:
        rows = [{k: (finite(v) if isinstance(v, float) else v) for k, v in r.items()} for r in self.table()]
        return {"parameters": self.parameters, "table": rows, "curves": [c.to_dict() for c in self.curves]}

    def plot(self, ax=None):
        """Draw the curves (:func:`tensornn.plotting.rg.plot_els_reproduction`). Needs matplotlib."""
        from ..plotting.rg import plot_els_reproduction

        return plot_els_reproduction(self, ax)

    def __repr__(self):
        return "ELSReproduction(\n" + "\n".join(f"  {c!r}" for c in self.curves) + "\n)"


def els_reproduction(widths=ELS_WIDTHS, sigma_ws=ELS_SIGMA_WS, *, inputs=ELS_INPUTS, sigma_b=1.0, u6=None,
                     kinetic="p2", k_range=(1e-10, 99.99), n_networks=None, seed=0, executor=None) -> ELSReproduction:
    """The active and passive curves of the ELS set-up (module docstring).

    Parameters
    ----------
    widths : sequence of int
        Hidden widths N.
    sigma_ws : sequence of float
        Increasing active grid; its first value is ``sigma_w0`` of the passive flow.
    inputs : sequence of float
        The d_in = 1 inputs whose quadruples are averaged.
    sigma_b : float
        Bias scale (biases on when > 0).
    u6 : float, optional
        IR sextic coupling (``phi^6/6!``); default the "els" convention's 50.
    kinetic : {"p2", "gauss"}
        Kinetic function of the flow; the ELS set-up is "p2".
    k_range : (float, float)
        ``(k_IR, k_UV)`` in absolute units (ELS integrate k from 1e-10 to 99.99).
    n_networks : int, optional
        None: the exact finite-width u4 (:func:`tensornn.couplings.u4_exact`). An int: a Monte Carlo of
        that many networks per (width, sigma_w) (:func:`tensornn.couplings.measure_u4`, ``Delta G4 =
        G4 - Wick(K)`` as in ELS), the mean over the quadruples with the mean of their standard
        errors (an upper bound for the error of the mean: the quadruples share the networks).
    seed : int, optional
        Root seed of the Monte Carlo (``child_seed(seed, width index, grid index)``).
    executor : Executor, optional
        Passed to the sampler.

    Returns
    -------
    ELSReproduction

    Raises
    ------
    InvalidArgumentError
        Bad grids, inputs or scales.

    Examples
    --------
    >>> rep = els_reproduction(widths=(10,), sigma_ws=(1.0, 2.0))
    >>> c = rep.curves[0]
    >>> round(float(c.u4[1] / c.u4[0]), 3), c.structural_slope      # raw u4_f ~ sigma_w^(d_in - 4) = 2^-3
    (0.125, -3)
    """
    widths = tuple(check_int("widths", w, minimum=1) for w in np.atleast_1d(widths))
    grid = check_array("sigma_ws", sigma_ws, ndim=1)
    if grid.size < 2 or np.any(grid <= 0) or np.any(np.diff(grid) <= 0):
        raise InvalidArgumentError(f"sigma_ws must hold >= 2 positive, strictly increasing values, got {grid.tolist()}")
    x = check_array("inputs", inputs, ndim=1)[:, None]
    sigma_b = check_real("sigma_b", sigma_b, minimum=0.0)
    conv = get_convention("els")
    u6 = conv.default_u6 if u6 is None else check_real("u6", u6)
    kinetic = check_choice("kinetic", kinetic, PASSIVE_KINETIC)
    k_ir, k_uv = (check_real("k_range", k, positive=True) for k in k_range)
    if not k_ir < k_uv:
        raise InvalidArgumentError(f"k_range must be increasing (k_IR, k_UV), got {tuple(k_range)}")
    if n_networks is not None:
        n_networks = check_int("n_networks", n_networks, minimum=64)
    quads = els_quadruples(len(x))
    idx = np.array(quads)
    legs = [x[idx[:, i]] for i in range(4)]
    entropy = root_entropy(seed) if n_networks is not None else None
    sigma0 = float(grid[0])
    m0 = math.sqrt(2.0 * sigma0**2)  # d_in = 1
    curves = []
    for wi, width in enumerate(widths):
        means, spreads, errors = [], [], []
        for si, s in enumerate(grid):
            if n_networks is None:
                u = np.asarray(u4_exact("gauss", *legs, width=width, sigma_w=float(s), sigma_b=sigma_b,
                                        bias=sigma_b > 0), dtype=float)
                errors.append(float("nan"))
            else:
                net = ScalarNetwork("gauss", d_in=1, width=width, sigma_w=float(s), sigma_b=sigma_b)
                est = measure_u4(net, x, quads, n_networks, seed=child_seed(entropy, wi, si), subtract="gp",
                                 executor=executor, exact=False)
                u = np.asarray(est.value, dtype=float)
                # the quadruples share the networks: the mean of their errors bounds the error of their mean
                errors.append(float(np.mean(est.error)))
            means.append(float(np.mean(u)))
            spreads.append(float(np.std(u)))
        u4 = np.array(means)
        flow = passive_flow(1, sigma0, float(u4[0]), u6_ir=u6, k_ir_ratio=k_ir / m0, k_uv_ratio=k_uv / m0,
                            kinetic=kinetic)
        fit = float(np.polyfit(np.log10(grid), np.log10(np.abs(u4)), 1)[0]) if np.all(u4 != 0) else float("nan")
        curves.append(ELSCurve(width=width, sigma_ws=grid.copy(), u4=u4, u4_spread=np.array(spreads),
                               u4_error=None if n_networks is None else np.array(errors), passive=flow,
                               active_fit_slope=fit, structural_slope=conv.active_dimension(1)))
    parameters = {"d_in": 1, "inputs": x[:, 0].tolist(), "n_quadruples": len(quads), "sigma_b": sigma_b,
                  "sigma_ws": grid.tolist(), "widths": list(widths), "u6": u6, "kinetic": kinetic,
                  "k_range": [k_ir, k_uv], "source": "exact" if n_networks is None else "monte carlo",
                  "n_networks": n_networks, "seed_entropy": entropy,
                  "normalisation": conv.description}
    return ELSReproduction(tuple(curves), parameters)
