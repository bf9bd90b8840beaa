"""Flows of the full LPA potential in t = ln k by the method of lines.

The derivative of the potential is integrated on a Chebyshev grid (:class:`ChebyshevGrid`) by a
stiff integrator (BDF or Radau of scipy, with the exact Jacobian of the collocation equations), in
one of two frames:

- dimensionful (default): W(rho) = U'(rho) on a fixed grid rho in [0, rho_max],

      d_t W = -V_D k^(D-2) b [ (N - 1) W'/(1 + a W/k^2)^2 + (3 W' + 2 rho W'')/(1 + a (W + 2 rho W')/k^2)^2 ],

  the natural frame for data given at one scale (a massive or broken phase keeps its minimum at a
  fixed rho);
- dimensionless: w(x) = u'(r), x = r / V_D, on a fixed grid in x (:func:`lpa_residual`), the frame of
  the fixed points (a flow that starts near one stays on the same grid).

a = 1/p(k), b = q(k)/p(k)^2 come from the kinetic function (:mod:`tensornn.flow.kinetic`; a = b = 1 for
p^2). At the last grid point the dimensionful frame collocates the full equation (with the W'' of the
interpolant, exact for polynomial potentials in the loop-free region), the dimensionless frame the
outer equation of the fixed points (w'' = (p - 1) w'/x, p = 2/(D - 2)), so that a fixed point is a
stationary solution of the discrete flow and its eigenfunctions grow at their rates; the flow is stopped with status
"failed" when the potential's structure reaches the end of the grid (the threshold denominator
there falls below 10, or the damping exponent of the dimensionless frame, ``boundary_decay``, below
10). The flow stops with a status, never an exception: ``"pole"`` when a threshold denominator
1 + a (W + 2 rho W')/k^2 (radial) or 1 + a W/k^2 (Goldstone) reaches zero on the grid,
``"diverged"`` when |W| exceeds the blow-up bound, ``"failed"`` when the integrator gives up.

Integrating towards the infrared (k_stop < k_start) is a diffusion problem forward in -t and well
posed. Integrating upward from infrared data is the diffusion equation backwards: short ranges of
smooth (polynomial) data are integrated, but small-scale errors grow, and the stiff integrator
then shrinks its steps and stops with status "failed"; docs/functional_lpa.md discusses this.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from .chebyshev import ChebyshevGrid
from .functional import boundary_decay, check_dim, lpa_residual
from .functional_flow_result import FunctionalFlowResult
from .functional_result import FunctionalFixedPoint
from .functional_search import default_resolution
from .result import FlowTrajectory
from .integrate import Event, Problem, integrate
from .kinetic import kinetic_function
from .potential import litim_volume

__all__ = ["FLOW_METHODS", "FunctionalFlowResult", "functional_flow"]

#: Stiff integrators accepted by :func:`functional_flow`.
FLOW_METHODS = ("BDF", "Radau")

#: The flow stops ("failed") when 1 + U''/k^2 at the end of the grid falls below this (dimensionful frame)
#: or boundary_decay below it (dimensionless frame): the grid is too short.
EDGE_LIMIT = 10.0

_VALIDITY_NAMES = ("radial threshold denominator 1 + (U' + 2 rho U'')/P_kin(k)",
                   "Goldstone threshold denominator 1 + U'/P_kin(k)")


# ----------------------------------------------------------------------------- initial data


def _initial_function(initial, dim, n_components, k_start, dimensionless, frame_dimensionless):
    """A function of the frame's grid variable (x = r / V_D or rho) giving the frame's values at k_start."""
    vd = litim_volume(dim)
    if isinstance(initial, FunctionalFixedPoint):
        if initial.dim != dim or initial.n_components != n_components:
            raise InvalidArgumentError(
                f"the initial fixed point has D = {initial.dim:g}, N = {initial.n_components:g} but the flow "
                f"D = {dim:g}, N = {n_components:g}; use the same model")
        function, given_dimensionless = (lambda r: initial.potential(np.minimum(r, initial.r_max))), True
    elif isinstance(initial, Mapping):
        coefficients = {}
        for key, value in initial.items():
            if not (isinstance(key, str) and key.startswith("g") and key[1:].isdigit() and int(key[1:]) % 2 == 0
                    and int(key[1:]) >= 2):
                raise InvalidArgumentError(
                    f"initial couplings are named g2, g4, g6, ... (U = sum_n g_2n (phi.phi)^n, as the scalar and O(N) "
                    f"presets), got {key!r}")
            coefficients[int(key[1:]) // 2] = check_real(f"initial[{key!r}]", value)

        def function(rho):  # W(rho) = U'(rho) = sum_n n 2^n g_2n rho^(n-1)
            return sum(n * 2.0**n * g * rho ** (n - 1) for n, g in coefficients.items()) + 0.0 * rho

        given_dimensionless = dimensionless
    elif callable(initial):
        function, given_dimensionless = initial, dimensionless
    else:
        raise InvalidTypeError(
            "initial must be a mapping of couplings {'g2': ..., 'g4': ...}, a callable rho -> U'(rho) or a "
            f"FunctionalFixedPoint, got {type(initial).__name__}")
    scale = k_start ** (dim - 2.0)  # rho = r k^(D-2), W = k^2 w

    def values(y):
        y = np.asarray(y, dtype=float)
        if frame_dimensionless:
            r = y * vd
            out = function(r) if given_dimensionless else np.asarray(function(r * scale), dtype=float) / k_start**2
        else:
            out = (np.asarray(function(y / scale), dtype=float) * k_start**2 if given_dimensionless
                   else function(y))
        return np.asarray(out, dtype=float) * np.ones_like(y)

    return values


def _edge(values, grid, dim, n_components, frame_dimensionless, k):
    """How loop-free the end of the grid is: boundary_decay (dimensionless frame) or 1 + U''/k^2 at rho_max.

    The dimensionful measure uses k^2 whatever the kinetic function: a larger window P_kin(k) only makes the
    loops smaller where U'' < P_kin(k), and where U'' > k^2 the loops fall like 1/U''^2 for every kinetic function.
    """
    if frame_dimensionless:
        return boundary_decay(values, grid, dim, n_components)
    w1 = float((grid.d1 @ values)[-1])
    return float(1.0 + (values[-1] + 2.0 * grid.length * w1) / k**2)


def _choose_grid(start, resolution, rho_max, frame_dimensionless, dim, n_components, k_scales):
    """A grid long enough that the initial potential is loop-free at its end at every scale of the flow."""
    if rho_max is not None:
        return ChebyshevGrid(resolution, rho_max)
    base = 10.0 * (n_components + 2.0) / 3.0
    if not frame_dimensionless:
        base *= litim_volume(dim) * max(k_scales) ** (dim - 2.0)
    grid = ChebyshevGrid(resolution, base)
    target = 40.0 if frame_dimensionless else 20.0

    def size(g):
        return min(_edge(start(g.x), g, dim, n_components, frame_dimensionless, k) for k in k_scales)

    for _ in range(80):
        if size(grid) < target:
            grid = ChebyshevGrid(resolution, grid.length * 1.25)
        else:
            smaller = ChebyshevGrid(resolution, grid.length / 1.25)
            if size(smaller) < target:
                break
            grid = smaller
    return grid


# ----------------------------------------------------------------------------- right-hand sides


def _dimensionful_rhs(W, grid, dim, n_components, k, a, b, jacobian=False):
    """d_t W and its Jacobian on a rho grid (free boundary)."""
    rho, d1, d2 = grid.x, grid.d1, grid.d2
    W1, W2 = d1 @ W, d2 @ W
    pre = litim_volume(dim) * k ** (dim - 2.0) * b
    ak = a / k**2
    g = 1.0 + ak * W
    h = 1.0 + ak * (W + 2.0 * rho * W1)
    s = 3.0 * W1 + 2.0 * rho * W2
    F = -pre * s / h**2
    if n_components != 1:
        F = F - pre * (n_components - 1.0) * W1 / g**2
    if not jacobian:
        return F
    dW = 2.0 * pre * ak * s / h**3
    dW1 = -3.0 * pre / h**2 + 4.0 * pre * ak * rho * s / h**3
    if n_components != 1:
        dW = dW + 2.0 * pre * ak * (n_components - 1.0) * W1 / g**3
        dW1 = dW1 - pre * (n_components - 1.0) / g**2
    dW2 = -2.0 * pre * rho / h**2
    J = dW1[:, None] * d1 + dW2[:, None] * d2
    J[np.diag_indices_from(J)] += dW
    return J


# ----------------------------------------------------------------------------- the flow


def functional_flow(dim: float, n_components: float = 1, initial=None, *, k_start: float, k_stop: float,
                    kinetic="p2", mass: float | None = None, dimensionless: bool = False, frame: str | None = None,
                    resolution: int | None = None, grid_max: float | None = None, method: str = "BDF",
                    rtol: float = 1e-8, atol: float = 1e-10, n_points: int = 200, blowup: float = 1e10,
                    max_steps: int = 20_000) -> FunctionalFlowResult:
    """Integrate the functional LPA from ``k_start`` to ``k_stop`` (either direction).

    Parameters
    ----------
    dim : float
        D in (2, 4].
    n_components : float
        N >= 1.
    initial : mapping, callable or FunctionalFixedPoint
        The potential at k_start: couplings {"g2": ..., "g4": ...} of U = sum_n g_{2n} (phi.phi)^n (the
        presets' normalisation), a callable rho -> U'(rho) (or r -> u'(r) with ``dimensionless``), or
        a fixed point (dimensionless).
    k_start, k_stop : float
        Scales (> 0).
    kinetic : str, KineticFunction or pair of callables, default "p2"
        The kinetic function of the spectrally adjusted Litim regulator (:func:`kinetic_function`).
    mass : float, optional
        m of ``kinetic="gauss"`` (in the units of k).
    dimensionless : bool, default False
        Whether ``initial`` is dimensionless (u'(r) or couplings in units of k_start).
    frame : {"dimensionful", "dimensionless"}, optional
        The grid's frame (module docstring); default: that of the initial data (a fixed point is
        dimensionless).
    resolution : int, optional
        Polynomial degree (default: the fixed point's for a fixed point, else twice
        :func:`default_resolution`, at most 256: a flow's grid must hold the loop region of every scale it
        passes).
    grid_max : float, optional
        End of the grid: rho_max (dimensionful frame) or r_max (dimensionless frame); default: chosen
        so that the initial potential is loop-free at the end (1 + U''/k^2 >= 20 at both ends of the flow,
        or ``boundary_decay`` >= 40).
    method : {"BDF", "Radau"}
    rtol, atol : float
        Integrator tolerances (on the grid values).
    n_points : int
        Recorded points, equally spaced in t (plus the stopping point).
    blowup : float
        Bound on |values| beyond which the flow is "diverged".
    max_steps : int
        Largest number of integrator steps ("failed" beyond).

    Returns
    -------
    FunctionalFlowResult

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        Bad arguments (never a numerical outcome: see ``status``).

    Examples
    --------
    >>> res = functional_flow(3.0, 1, {"g2": 0.3, "g4": 0.1}, k_start=1.0, k_stop=0.1)
    >>> res.status, [round(float(g), 6) for g in res.couplings()[:, -1]]
    ('completed', [0.302555, 0.097493, 0.002465])
    """
    dim = check_dim(dim)
    n_components = check_real("n_components", n_components, minimum=1.0)
    if initial is None:
        raise InvalidArgumentError("give the initial potential: initial={'g2': ..., 'g4': ...}, a callable "
                                   "rho -> U'(rho) or a FunctionalFixedPoint")
    k_start = check_real("k_start", k_start, positive=True)
    k_stop = check_real("k_stop", k_stop, positive=True)
    if k_start == k_stop:
        raise InvalidArgumentError(f"k_start and k_stop must differ, both are {k_start}")
    if not isinstance(dimensionless, bool):
        raise InvalidTypeError(f"dimensionless must be True or False, got {dimensionless!r}")
    kin = kinetic_function(kinetic, mass=mass)
    kin.check_increasing([min(k_start, k_stop), max(k_start, k_stop)])
    if frame is None:
        frame_dimensionless = dimensionless or isinstance(initial, FunctionalFixedPoint)
    else:
        frame_dimensionless = check_choice("frame", frame, ("dimensionful", "dimensionless")) == "dimensionless"
    if resolution is None:
        resolution = (initial.resolution if isinstance(initial, FunctionalFixedPoint)
                      else min(2 * default_resolution(n_components), 256))
    resolution = check_int("resolution", resolution, minimum=8, maximum=400)
    if grid_max is not None:
        grid_max = check_real("grid_max", grid_max, positive=True)
    method = check_choice("method", method, FLOW_METHODS)
    rtol = check_real("rtol", rtol, positive=True)
    atol = check_real("atol", atol, positive=True)
    n_points = check_int("n_points", n_points, minimum=2)
    blowup = check_real("blowup", blowup, positive=True)
    max_steps = check_int("max_steps", max_steps, minimum=1)

    def ab(t):
        if kin.is_p2:
            return 1.0, 1.0
        a, b = kin.dimensionless(math.exp(t))
        return float(a), float(b)

    t0, t1 = math.log(k_start), math.log(k_stop)
    vd = litim_volume(dim)
    start = _initial_function(initial, dim, n_components, k_start, dimensionless, frame_dimensionless)
    if isinstance(initial, FunctionalFixedPoint) and grid_max is None and frame_dimensionless:
        grid_max = initial.r_max
    scales = (k_start, k_stop)
    given = None if grid_max is None else grid_max / (vd if frame_dimensionless else 1.0)
    grid = _choose_grid(start, resolution, given, frame_dimensionless, dim, n_components, scales)
    with np.errstate(all="ignore"):
        y0 = start(grid.x)

    if frame_dimensionless:
        def rhs(t, y):
            a, b = ab(t)
            return lpa_residual(y, grid, dim, n_components, a, b)[0]

        def jac(t, y):
            a, b = ab(t)
            return lpa_residual(y, grid, dim, n_components, a, b, jacobian=True)[2]
    else:
        def rhs(t, y):
            a, b = ab(t)
            return _dimensionful_rhs(y, grid, dim, n_components, math.exp(t), a, b)

        def jac(t, y):
            a, b = ab(t)
            return _dimensionful_rhs(y, grid, dim, n_components, math.exp(t), a, b, jacobian=True)

    x, d1 = grid.x, grid.d1
    place = "r" if frame_dimensionless else "rho"
    unit = vd if frame_dimensionless else 1.0

    def edge(t, y):
        return _edge(y, grid, dim, n_components, frame_dimensionless, math.exp(t))

    def denominators(t, Y):
        """The radial (and Goldstone) threshold denominators at every grid point, shape (k, points) each."""
        a = np.array([ab(float(ti))[0] for ti in t])
        ak = a if frame_dimensionless else a / np.exp(2 * np.asarray(t, dtype=float))
        radial = 1.0 + ak[:, None] * (Y + 2.0 * x * (Y @ d1.T))
        return radial, (1.0 + ak[:, None] * Y if n_components != 1 else None)

    def events(t, Y):
        Y = np.asarray(Y, dtype=float)
        bound = np.where(np.all(np.isfinite(Y), axis=1), 1.0 - np.max(np.abs(Y), axis=1) / blowup, -1.0)
        radial, goldstone = denominators(t, Y)
        rows = [bound, np.min(radial, axis=1)] + ([] if goldstone is None else [np.min(goldstone, axis=1)])
        rows.append(np.array([edge(float(ti), yi) for ti, yi in zip(t, Y)]) - EDGE_LIMIT)
        return np.array(rows)

    def pole_name(component):
        def name(t, y):
            values = denominators(np.array([t]), np.asarray(y, dtype=float)[None])[component][0]
            return f"{_VALIDITY_NAMES[component]} at {place} = {float(x[np.argmin(values)]) * unit:.4g}"
        return name

    specs = [Event("blowup", "initial_blowup"), Event("threshold", "initial_threshold", pole_name(0), True)]
    if n_components != 1:
        specs.append(Event("threshold", "initial_threshold", pole_name(1), True))
    specs.append(Event("grid_edge", "grid_edge", f"{place}_max = {grid.length * unit:.4g}"))
    problem = Problem(rhs, None, events, specs, blowup, {"jac": jac})
    (outcome,) = integrate(problem, y0[None], t0, t1, method=method, rtol=rtol, atol=atol, n_points=n_points,
                           max_step=None, max_steps=max_steps)
    values = outcome.y.T
    diagnostics = {"edge_start": edge(t0, y0)}
    last = values[:, -1]
    if np.all(np.isfinite(last)):
        with np.errstate(all="ignore"):
            diagnostics["edge_end"] = edge(outcome.t[-1], last)
        coef = np.abs(grid.coefficients(last))
        diagnostics["chebyshev_tail"] = float(np.max(coef[-max(2, grid.n // 10):]) / max(np.max(coef), 1e-300))
    names = tuple(f"{'w' if frame_dimensionless else 'W'}({place}_{i})" for i in range(len(x)))
    trajectory = FlowTrajectory(t=outcome.t, values=values, names=names, reason=outcome.reason,
                                dimensionless=frame_dimensionless, violated=outcome.violated,
                                detail=dict(outcome.detail, what="the potential"), nfev=outcome.nfev,
                                k_start=k_start, k_stop=k_stop)
    return FunctionalFlowResult(dim=dim, n_components=n_components, kinetic=kin.name, points=grid.x * unit,
                                trajectory=trajectory, diagnostics=diagnostics)
