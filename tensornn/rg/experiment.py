"""Active against passive RG for Gauss-nets (docs/theory/nn_qft.md): do networks at different sigma_w lie on one trajectory?

Two readings of "renormalisation group" for a one-hidden-layer Gauss-net of width N in d_in dimensions:

- **Passive**: a fixed network, the scale k runs. The infrared data of the network at weight scale
  ``sigma_w0`` start the scalar LPA flow (Litim, D = d_in, ``U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!``)
  at ``k_IR << m0`` and it is integrated upward (:mod:`tensornn.passive_flow`). The running mass is read
  as a weight scale, ``sigma_w(k) = sqrt(d_in u2(k)/2)``, giving a curve ``u4(k)`` against ``sigma_w(k)``.
- **Active**: the network changes, sigma_w is the knob. Networks initialised at a grid of sigma_w
  (covering the range of the passive map) have their u4 measured by Monte Carlo (jackknife standard
  errors) beside the exact finite-width value, at fixed rescaled inputs ``y_i = sigma_w x_i/sqrt(d_in)``.

Normalisation (both sides): the field is ``phi = sqrt(Z) f`` with Z of the Gauss-net kinetic operator,
``K_w(p)^-1 = Z (p^2 + m^2) + O(p^4)``, ``m^2 = 2 sigma_w^2/d_in``, ``Z = A d_in/(2 sigma_w^2)``,
``A = sigma_w^-2 (sigma_w^2/(2 pi d_in))^{d_in/2}`` (:func:`tensornn.kernels.gauss_fourier`), so that the
kinetic term is ``p^2 + m^2``; then ``u4 = Z^-2 u4_f`` where ``u4_f = -G4c/int prod K_w`` is the amputated
coupling of the network output f (``f^4/4!`` normalisation, :mod:`tensornn.couplings`). In this
normalisation the active u4 scales as ``sigma_w^(4 - d_in)`` (docs/theory/nn_qft.md, the active family).

The overlay compares, at the grid values of sigma_w inside the passive range, the passive
``u4(k(sigma_w))`` with the active ``u4(sigma_w)``: ratios with errors, the chi^2 of the difference
(the passive errors come from rerunning the flow at ``u4_IR +- its standard error`` and are fully
correlated), and the log-log slopes ``d ln|u4| / d ln sigma_w`` of both.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601; Erbin, Lahoche, Ousmane Samary, arXiv:2108.01403 and
arXiv:2212.11811; Litim, arXiv:hep-th/0203006.
"""

from __future__ import annotations

import math
import time
import numpy as np

from scipy.stats import chi2 as chi2_law
from tqdm.auto import tqdm

from .._checks import check_array, check_int, check_real
from .._random import child_seed, root_entropy
from ..couplings.fits import fit_power_law
from ..couplings.normalisation import field_normalisation, inputs_from_rescaled
from ..couplings.quartic import measure_u4
from ..errors import InvalidArgumentError, InvalidTypeError
from ..networks.scalar import ScalarNetwork
from .passive import PassiveFlow, passive_flow
from .results import ActivePassiveCase, ActivePassiveResult, ActiveSeries

__all__ = ["ActiveSeries", "ActivePassiveCase", "ActivePassiveResult", "active_passive_experiment",
           "default_rescaled_inputs"]

DEFAULT_RADII = (0.45, 0.5, 0.55, 0.6)


def default_rescaled_inputs(d_in, radii=DEFAULT_RADII) -> np.ndarray:
    """The fixed rescaled quadruple ``y_i = r_i (1, ..., 1)/sqrt(d_in)``, shape (4, d_in).

    ``|y_i| = r_i``, so the preactivation variance ``s(x_i, x_i) = |y_i|^2`` does not depend on sigma_w
    or d_in. The default radii keep ``s <= 0.36``: large enough for a 1/N signal, small enough for
    the log-normal tails of the Gauss-net (docs/ensembles.md).
    """
    d_in = check_int("d_in", d_in, minimum=1)
    r = check_array("radii", radii, ndim=1)
    if r.shape != (4,):
        raise InvalidArgumentError(f"radii must hold 4 numbers (one per input of the quadruple), got {r.shape}")
    return np.repeat(r[:, None], d_in, axis=1) / math.sqrt(d_in)


# ---------------------------------------------------------------------------------------------------- helpers
def _measure(d_in, width, sigma_w, y, n_networks, seed, executor, callback):
    """Z-normalised u4 (MC, stderr) and its exact value at one sigma_w, at the rescaled inputs y."""
    x = inputs_from_rescaled(y, sigma_w=sigma_w)
    net = ScalarNetwork("gauss", d_in=d_in, width=width, sigma_w=sigma_w)
    est = measure_u4(net, x, [(0, 1, 2, 3)], n_networks, seed=seed, subtract="connected", executor=executor,
                     progress=callback)
    norm = field_normalisation(net)
    return (float(norm.to_field(est.value[0], 4)), float(norm.to_field(est.error[0], 4)),
            float(norm.to_field(est.exact[0], 4)))


def _monotone(flow: PassiveFlow):
    """(ln sigma_w, u4) along the prefix of the flow on which sigma_w(k) is finite and non-decreasing."""
    s = flow.sigma_w
    ok = np.isfinite(s) & (s > 0)
    n = len(s) if ok.all() else int(np.argmin(ok))
    s, u = s[:n], flow.u4[:n]
    if n > 1:  # stop where sigma_w turns back (beyond round-off in the deep IR, where it barely moves)
        running = np.maximum.accumulate(s)
        stop = np.nonzero(s < running * (1.0 - 1e-9))[0]
        if stop.size:
            s, u = s[: stop[0]], u[: stop[0]]
        s = np.maximum.accumulate(s)
    return np.log(s), u


def _at(flow, sigma):
    ls, u = _monotone(flow)
    if ls.size == 0:
        return np.full(np.shape(sigma), np.nan)
    out = np.interp(np.log(sigma), ls, u)
    outside = (np.log(sigma) < ls[0] - 1e-12) | (np.log(sigma) > ls[-1] + 1e-12)
    return np.where(outside, np.nan, out)


def _passive_range(flows):
    """Common [sigma_min, sigma_max] reached (monotone part) by every flow."""
    lo, hi = -np.inf, np.inf
    for f in flows:
        ls, _ = _monotone(f)
        if ls.size == 0:
            return float("nan"), float("nan")
        lo, hi = max(lo, ls[0]), min(hi, ls[-1])
    return float(np.exp(lo)), float(np.exp(hi))


def _log_slope(sigma, u4):
    if len(sigma) < 2 or np.any(~np.isfinite(u4)) or np.any(u4 == 0) or (np.any(u4 > 0) and np.any(u4 < 0)):
        return float("nan")
    if np.log(sigma[-1] / sigma[0]) <= 0:
        return float("nan")
    return float(np.polyfit(np.log(sigma), np.log(np.abs(u4)), 1)[0])


def _uv_slope(flow):
    ls, u = _monotone(flow)
    if ls.size < 3 or ls[-1] - ls[-3] <= 0 or u[-1] * u[-3] <= 0:
        return float("nan")
    return float((np.log(abs(u[-1])) - np.log(abs(u[-3]))) / (ls[-1] - ls[-3]))


def _check_list(name, values, integer):
    try:
        items = list(np.atleast_1d(values))
    except TypeError:
        raise InvalidTypeError(f"{name} must be a sequence of numbers, got {values!r}") from None
    if not items:
        raise InvalidArgumentError(f"{name} must not be empty")
    try:
        numbers = [float(v) for v in items]
    except (TypeError, ValueError):
        raise InvalidTypeError(f"{name} must be a sequence of numbers, got {values!r}") from None
    if integer:
        out = tuple(check_int(name, int(v) if math.isfinite(v) and v == int(v) else v, minimum=1) for v in numbers)
    else:
        out = tuple(check_real(name, v, positive=True) for v in numbers)
    if len(set(out)) != len(out):
        raise InvalidArgumentError(f"{name} must not repeat values, got {list(out)}")
    return out


def _chi2(diff, e_act, e_pass):
    cov = np.diag(e_act**2) + np.outer(e_pass, e_pass)
    try:
        chi2 = float(diff @ np.linalg.solve(cov, diff))
    except np.linalg.LinAlgError:
        return float("nan"), float("nan")
    return chi2, float(chi2_law.sf(chi2, len(diff)))


def _progress(progress, total):
    if progress is None or progress is False:
        return None, None
    if progress is True:
        bar = tqdm(total=total, unit="net", unit_scale=True, desc="active/passive RG")
        return bar.update, bar.close
    if callable(progress):
        return progress, None
    raise InvalidTypeError(f"progress must be None, True/False or a callable(n_done), got {type(progress).__name__}")


# ---------------------------------------------------------------------------------------------------- entry point
def active_passive_experiment(
    d_ins=(1, 2, 3),
    widths=(10, 100),
    sigma_ws=None,
    *,
    sigma_w_min=None,
    sigma_w_max=None,
    n_sigma=None,
    n_networks=100_000,
    seed=0,
    u6=0.0,
    radii=DEFAULT_RADII,
    k_ir_ratio=1e-3,
    k_uv_ratio=1e2,
    executor=None,
    progress=None,
) -> ActivePassiveResult:
    """Run the active/passive RG experiment of docs/theory/nn_qft.md for Gauss-nets.

    For every ``d_in`` and width N:

    1. IR data: ``u4_IR = Z^-2 u4_f`` measured (MC, jackknife error) at ``sigma_w0`` from its own
       ensemble, with ``m^2 = 2 sigma_w0^2/d_in`` and the stated ``u6`` (``phi^6/6!``).
    2. Passive: :func:`tensornn.passive_flow.passive_flow` from ``k_IR = k_ir_ratio m0`` up to
       ``k_UV = k_uv_ratio m0``, giving ``u4(k)`` against ``sigma_w(k) = sqrt(d_in u2(k)/2)``; also from
       ``u4_IR -+ error`` (the band) and from the exact IR u4.
    3. Active: ``Z^-2 u4_f`` measured at each grid sigma_w at the fixed rescaled inputs
       ``y_i = r_i (1, ..., 1)/sqrt(d_in)`` (the exact value beside), fitted ``|u4| = c sigma_w^slope``.
    4. Overlay at the grid points inside the passive range: ratio passive/active with error, chi^2 with
       the passive errors correlated, slopes of both.

    Parameters
    ----------
    d_ins : sequence of int >= 1
        Input dimensions (= dimension D of the flow).
    widths : sequence of int >= 1
        Hidden widths N.
    sigma_ws : array_like, shape (n,), optional
        Increasing active grid (n >= 2) used for every case; its first value is ``sigma_w0``. Exclusive
        with ``sigma_w_min``/``sigma_w_max``/``n_sigma``.
    sigma_w_min : float, default 1
        ``sigma_w0``, the network whose IR data start the passive flow, and the lower end of the grid.
    sigma_w_max : float, optional
        Upper end of the grid; default: the top of the passive range of each case (so the grid covers
        exactly the passive map sigma_w(k) reached by the central and band flows).
    n_sigma : int, default 5
        Grid points (geometric spacing, >= 2).
    n_networks : int, default 100000
        Networks per ensemble (one ensemble per grid point plus one for the IR data).
    seed : None, int, SeedSequence or Generator, default 0
        Root seed; every ensemble gets an independent stream ``SeedSequence(entropy, spawn_key=(case,
        point))`` (point 0 = the IR ensemble). The entropy used is in ``parameters["seed_entropy"]``.
    u6 : float, default 0
        Stated IR sextic coupling (Z-normalised, ``phi^6/6!``).
    radii : 4 floats, default (0.45, 0.5, 0.55, 0.6)
        ``|y_i|`` of the fixed rescaled inputs (:func:`default_rescaled_inputs`).
    k_ir_ratio, k_uv_ratio : float
        ``k_IR/m0`` and ``k_UV/m0`` of the passive flow.
    executor : concurrent.futures.Executor, optional
        Passed to :func:`tensornn.ensemble.sample_ensemble` (does not change the numbers).
    progress : None, bool or callable
        True: one tqdm bar over all networks; a callable receives the number of networks done.

    Returns
    -------
    ActivePassiveResult
        ``cases`` (one :class:`ActivePassiveCase` per d_in, width), ``table()``, ``summary``,
        ``to_dict()``, ``plot(ax=None)``. A passive flow that diverges or hits a pole keeps its status
        and the scale where it stopped; the overlay then uses the range it reached.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        Bad dimensions, widths, sigma ranges (reversed, non-positive), sizes or seeds.

    Examples
    --------
    >>> res = active_passive_experiment(d_ins=(1,), widths=(10,), n_sigma=3, n_networks=4096, seed=1)
    >>> res.cases[0].passive.status
    'completed'
    """
    t_start = time.perf_counter()
    d_ins = _check_list("d_ins", d_ins, integer=True)
    widths = _check_list("widths", widths, integer=True)
    if sigma_ws is not None:
        given = [n for n, v in (("sigma_w_min", sigma_w_min), ("sigma_w_max", sigma_w_max), ("n_sigma", n_sigma))
                 if v is not None]
        if given:
            raise InvalidArgumentError(
                f"give either sigma_ws or sigma_w_min/sigma_w_max/n_sigma, not both (got sigma_ws and {given})")
        grid = check_array("sigma_ws", sigma_ws, ndim=1)
        if grid.size < 2 or np.any(grid <= 0) or np.any(np.diff(grid) <= 0):
            raise InvalidArgumentError(
                f"sigma_ws must hold >= 2 positive, strictly increasing values, got {grid.tolist()}; sort them")
        sigma0, n_points = float(grid[0]), grid.size
    else:
        sigma0 = check_real("sigma_w_min", 1.0 if sigma_w_min is None else sigma_w_min, positive=True)
        n_points = check_int("n_sigma", 5 if n_sigma is None else n_sigma, minimum=2)
        if sigma_w_max is not None:
            sigma_w_max = check_real("sigma_w_max", sigma_w_max, positive=True)
            if sigma_w_max <= sigma0:
                raise InvalidArgumentError(
                    f"sigma_w_max must exceed sigma_w_min, got sigma_w_min={sigma0}, sigma_w_max={sigma_w_max}; "
                    "the range is reversed or empty")
        grid = None
    n_networks = check_int("n_networks", n_networks, minimum=64)
    u6 = check_real("u6", u6)
    k_ir_ratio = check_real("k_ir_ratio", k_ir_ratio, positive=True)
    k_uv_ratio = check_real("k_uv_ratio", k_uv_ratio, positive=True)
    if not k_ir_ratio < k_uv_ratio:
        raise InvalidArgumentError(f"k_ir_ratio must be < k_uv_ratio, got {k_ir_ratio} and {k_uv_ratio}")
    for d in d_ins:
        default_rescaled_inputs(d, radii)  # validates radii
    entropy = root_entropy(seed)
    n_cases = len(d_ins) * len(widths)
    callback, close = _progress(progress, n_cases * (n_points + 1) * n_networks)
    flow_kw = dict(k_ir_ratio=k_ir_ratio, k_uv_ratio=k_uv_ratio)
    cases = []
    try:
        for ci, (d_in, width) in enumerate((d, n) for d in d_ins for n in widths):
            y = default_rescaled_inputs(d_in, radii)
            ir_seed = child_seed(entropy, ci, 0)
            u4_ir, e_ir, ex_ir = _measure(d_in, width, sigma0, y, n_networks, ir_seed, executor, callback)
            central = passive_flow(d_in, sigma0, u4_ir, u6_ir=u6, **flow_kw)
            band = tuple(passive_flow(d_in, sigma0, u4_ir + s * e_ir, u6_ir=u6, **flow_kw) for s in (-1.0, 1.0))
            exact_flow = passive_flow(d_in, sigma0, ex_ir, u6_ir=u6, **flow_kw)
            message = ""
            if grid is not None:
                sig = grid.copy()
            else:
                lo, top = _passive_range((central,) + band)
                if sigma_w_max is not None:
                    top = sigma_w_max
                elif not (np.isfinite(top) and top > sigma0 * (1 + 1e-3)):
                    message = (f"the passive flow ({central.status}) did not move sigma_w beyond {sigma0:.4g} "
                               f"(top {top:.6g}); active grid set to [sigma_w0, 2 sigma_w0]")
                    top = 2 * sigma0
                sig = np.geomspace(sigma0, top, n_points)
            seeds = tuple(child_seed(entropy, ci, j + 1) for j in range(len(sig)))
            rows = np.array([_measure(d_in, width, float(s), y, n_networks, sd, executor, callback)
                             for s, sd in zip(sig, seeds)])
            u4, err, ex = rows.T
            try:
                fit = fit_power_law(sig, u4, err)
                fit_msg = ""
            except InvalidArgumentError as exc:
                fit, fit_msg = None, f"active fit failed: {exc}"
            predicted = float(np.log(ex[-1] / ex[0]) / np.log(sig[-1] / sig[0]))
            active = ActiveSeries(d_in, width, sig, u4, err, ex, np.array([field_normalisation(ScalarNetwork("gauss", d_in, 1, float(s))).Z for s in sig]),
                                  fit, predicted, seeds, fit_msg)
            # overlay on the grid points inside the passive range
            p_c = _at(central, sig)
            matched = np.nonzero(np.isfinite(p_c))[0]
            p_c = p_c[matched]
            p_lo, p_hi = (_at(f, sig[matched]) for f in band)
            e_p = np.abs(p_hi - p_lo) / 2.0
            p_ex = _at(exact_flow, sig[matched])
            a, e_a = u4[matched], err[matched]
            ratio = p_c / a
            ratio_err = np.abs(ratio) * np.sqrt((e_p / p_c) ** 2 + (e_a / a) ** 2)
            ratio_exact = p_ex / ex[matched]
            if len(matched) and np.all(np.isfinite(e_p)):
                chi2, p_value = _chi2(p_c - a, e_a, e_p)
            else:
                chi2, p_value = float("nan"), float("nan")
                message += (" " if message else "") + ("no grid point inside the passive range" if not len(matched)
                                                       else "a band flow did not reach every matched sigma_w")
            if central.status != "completed":
                message += (" " if message else "") + f"passive flow {central.status}: {central.message}"
            cases.append(ActivePassiveCase(
                d_in=d_in, width=width, sigma_w0=sigma0, u4_ir=u4_ir, u4_ir_error=e_ir, u4_ir_exact=ex_ir,
                passive=central, passive_exact=exact_flow, passive_band=band, active=active, matched=matched,
                passive_u4=p_c, passive_u4_error=e_p, ratio=ratio, ratio_error=ratio_err, ratio_exact=ratio_exact,
                chi2=chi2, dof=int(len(matched)), p_value=p_value,
                passive_slope=_log_slope(sig[matched], p_c), passive_slope_ir=central.slope_ir(),
                passive_slope_uv=_uv_slope(central), message=message,
            ))
    finally:
        if close is not None:
            close()
    parameters = {
        "d_ins": list(d_ins), "widths": list(widths), "sigma_w0": sigma0,
        "sigma_ws": None if grid is None else grid.tolist(), "sigma_w_max": sigma_w_max if grid is None else None,
        "n_sigma": int(n_points), "n_networks": n_networks, "seed_entropy": entropy, "u6": u6,
        "radii": [float(r) for r in np.ravel(radii)], "k_ir_ratio": k_ir_ratio, "k_uv_ratio": k_uv_ratio,
        "activation": "gauss", "bias": False,
        "normalisation": "phi = sqrt(Z) f, kinetic term p^2 + m^2; u4 multiplies phi^4/4!, u6 phi^6/6!",
    }
    return ActivePassiveResult(tuple(cases), parameters, time.perf_counter() - t_start)
