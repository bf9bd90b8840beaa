"""Active against passive RG for Gauss-nets (docs/theory/nn_qft.md): do networks at different sigma_w lie on one trajectory?

Two readings of "renormalisation group" for a one-hidden-layer Gauss-net of width N in d_in dimensions:

- **Passive**: a fixed network, the scale k runs. The infrared data of the network at weight scale
  ``sigma_w0`` start the scalar LPA flow (Litim, D = d_in, ``U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!``)
  at ``k_IR << m0`` and it is integrated upward (:mod:`tensornn.rg.passive`). The running mass is read
  as a weight scale, ``sigma_w(k) = sqrt(d_in u2(k)/2)``, giving a curve ``u4(k)`` against ``sigma_w(k)``.
- **Active**: the network changes, sigma_w is the knob. Networks initialised at a grid of sigma_w
  (covering the range of the passive map) have their u4 measured by Monte Carlo (jackknife standard
  errors) beside the exact finite-width value, at fixed rescaled inputs ``y_i = sigma_w x_i/sqrt(d_in)``.

Normalisation (both sides, :mod:`tensornn.rg.conventions`). The Gauss-net kinetic operator is
``K_w(p)^-1 = Z (p^2 + m^2) + O(p^4)``, ``m^2 = 2 sigma_w^2/d_in``, ``Z = A d_in/(2 sigma_w^2)``,
``A = sigma_w^-2 (sigma_w^2/(2 pi d_in))^{d_in/2}`` (:func:`tensornn.networks.kernels.gauss_fourier`), and
``u4_f = -G4c/int prod K_w`` is the amputated coupling of the output f (``f^4/4!``,
:mod:`tensornn.couplings`). The default convention "tensornn" uses the field ``phi = sqrt(Z) f``, whose
kinetic term is ``p^2 + m^2``: ``u4 = Z^-2 u4_f``, which scales as ``sigma_w^(4 - d_in)`` along the active
family (its canonical dimension). The convention "els" feeds the raw ``u4_f`` (scaling as
``sigma_w^(d_in - 4)``) with the same mass and ``u6 = 50``.

The overlay compares, at the grid values of sigma_w inside the passive range of each kinetic function,
the passive ``u4(k(sigma_w))`` with the active ``u4(sigma_w)``: ratios with errors, the chi^2 of the
difference (the passive errors come from rerunning the flow at ``u4_IR +- its standard error`` and are
fully correlated), and the log-log slopes ``d ln|u4| / d ln sigma_w`` of both. It separates what holds
for any network (:mod:`tensornn.rg.structural`: the active slope is the canonical dimension; the passive
slope ``-12 u2/(P_kin + u2) + 2 u2 u6/u4^2`` does not depend on the size of the coupling) from the
measured comparison, and repeats the slopes for u4 in units of the mass, ``u4/m^(4 - d_in)``, which does
not move along the active family.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601; Erbin, Lahoche, Ousmane Samary, arXiv:2108.01403 and
arXiv:2212.11811; Litim, arXiv:hep-th/0203006.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from scipy.stats import chi2 as chi2_law
from tqdm.auto import tqdm

from .._checks import check_array, check_choice, check_count, check_grid_points, check_int, check_real, check_scale
from .._random import child_seed, root_entropy
from ..couplings.fits import fit_power_law
from ..couplings.normalisation import field_normalisation, inputs_from_rescaled
from ..couplings.quartic import measure_u4
from ..errors import InvalidArgumentError, InvalidTypeError
from ..networks.scalar import ScalarNetwork
from .conventions import get_convention
from .passive import PASSIVE_KINETIC, passive_flow
from .results import ActivePassiveCase, ActivePassiveResult, ActiveSeries, KineticComparison
from .structural import structural_slopes

__all__ = ["ActiveSeries", "ActivePassiveCase", "ActivePassiveResult", "KineticComparison",
           "active_passive_experiment", "default_rescaled_inputs"]

DEFAULT_RADII = (0.45, 0.5, 0.55, 0.6)


#: The fewest networks per ensemble: two blocks of 1024 (docs/reliability.md, "Bounds").
MIN_NETWORKS = 2048

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
    """Raw amputated u4_f (MC, stderr), its exact value and Z at one sigma_w, at the rescaled inputs y."""
    x = inputs_from_rescaled(y, sigma_w=sigma_w)
    net = ScalarNetwork("gauss", d_in=d_in, width=width, sigma_w=sigma_w)
    est = measure_u4(net, x, [(0, 1, 2, 3)], n_networks, seed=seed, subtract="connected", executor=executor,
                     progress=callback)
    return float(est.value[0]), float(est.error[0]), float(est.exact[0]), field_normalisation(net).Z


class _Stopped(Exception):
    """Raised in the threads of :func:`_measure_many` once one of them has failed."""


def _measure_many(jobs, executor, callback):
    """``_measure(*job)`` for every job, in order.

    With an executor the ensembles run side by side, one thread each feeding the executor's workers,
    so no worker waits while another finishes the last task of an ensemble (the numbers do not depend
    on it). When one fails, the others stop at their next completed chunk.
    """
    if executor is None or len(jobs) < 2:
        return [_measure(*job, executor, callback) for job in jobs]
    stop, lock = threading.Event(), threading.Lock()

    def progress(n_done):
        if stop.is_set():
            raise _Stopped
        if callback is not None:
            with lock:
                callback(n_done)

    with ThreadPoolExecutor(max_workers=len(jobs)) as threads:
        futures = [threads.submit(_measure, *job, executor, progress) for job in jobs]
        try:
            return [f.result() for f in futures]
        except BaseException:
            stop.set()
            for f in futures:
                f.cancel()
            raise


def _passive_range(flows):
    """Common [sigma_min, sigma_max] reached (monotone part) by every flow."""
    lo, hi = -np.inf, np.inf
    for f in flows:
        ls, _ = f.monotone()
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
    ls, u = flow.monotone()
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
    except OverflowError:
        raise InvalidArgumentError(f"{name} must hold numbers representable as float64 (|x| < 1.8e308)") from None
    except (TypeError, ValueError):
        raise InvalidTypeError(f"{name} must be a sequence of numbers, got {values!r}") from None
    if integer:
        out = tuple(check_count(name, int(v) if math.isfinite(v) and v == int(v) else v) for v in numbers)
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


def _check_kinetics(kinetic) -> tuple:
    names = (kinetic,) if isinstance(kinetic, str) else kinetic
    try:
        names = tuple(names)
    except TypeError:
        raise InvalidTypeError(f"kinetic must be a name ({', '.join(map(repr, PASSIVE_KINETIC))}) or a sequence of "
                               f"names, got {type(kinetic).__name__}") from None
    if not names:
        raise InvalidArgumentError(f"kinetic must name at least one kinetic function ({', '.join(PASSIVE_KINETIC)})")
    names = tuple(check_choice("kinetic", k, PASSIVE_KINETIC) for k in names)
    if len(set(names)) != len(names):
        raise InvalidArgumentError(f"kinetic must not repeat a name, got {list(names)}")
    return names


def _union_grid(sigma0, tops, n_points):
    """Sorted union of ``geomspace(sigma0, top, n_points)`` over the tops (points closer than 1e-9 merged)."""
    pts = np.sort(np.concatenate([np.geomspace(sigma0, t, n_points) for t in tops]))
    keep = np.concatenate([[True], np.diff(np.log(pts)) > 1e-9])
    return pts[keep]


def _compare(kinetic, flows, sig, active, conv, structural):
    """The overlay of one kinetic function's flows on the active series (a KineticComparison)."""
    central, band, exact_flow = flows
    u4, err, ex = active.u4, active.u4_error, active.u4_exact
    p_c = central.at_sigma_w(sig)
    p_lo, p_hi = (f.at_sigma_w(sig) for f in band) if band else (np.full(sig.shape, np.nan),) * 2
    # the grid points inside the range of the central flow; those the band flows also reach when there are two
    # (the union grid holds points of the other kinetic functions' ranges)
    matched = np.nonzero(np.isfinite(p_c))[0]
    inside = np.nonzero(np.isfinite(p_c) & np.isfinite(p_lo) & np.isfinite(p_hi))[0]
    if len(inside) >= 2 or len(inside) == len(matched):
        matched = inside
    p_c, p_lo, p_hi = p_c[matched], p_lo[matched], p_hi[matched]
    e_p = np.abs(p_hi - p_lo) / 2.0
    p_ex = exact_flow.at_sigma_w(sig[matched])
    a, e_a = u4[matched], err[matched]
    ratio = p_c / a
    ratio_err = np.abs(ratio) * np.sqrt((e_p / p_c) ** 2 + (e_a / a) ** 2)
    ratio_exact = p_ex / ex[matched]
    message = ""
    if len(matched) and np.all(np.isfinite(e_p)):
        chi2, p_value = _chi2(p_c - a, e_a, e_p)
    else:
        chi2, p_value = float("nan"), float("nan")
        message = ("no grid point inside the passive range" if not len(matched)
                   else "the IR coupling has no finite standard error (too few networks for the jackknife), "
                        "so the passive flow has no error band" if not band
                   else "a band flow did not reach every matched sigma_w")
    if central.status != "completed":
        message += (" " if message else "") + f"passive flow {central.status}: {central.message}"
    # the couplings in units of the mass, g = u4/m^(4 - d_in), from the noise-free sides
    # at the largest matched sigma_w that the exact flow reaches (where ratio_exact is finite)
    passive_running = active_running = running_sigma = float("nan")
    reached = matched[np.isfinite(ratio_exact)]
    if len(reached):
        j = reached[-1]
        running_sigma = float(sig[j])
        # on the passive curve u2 = m(sigma_w)^2 by the reading sigma_w(k) = sqrt(d_in u2/2)
        m_top = math.sqrt(2.0 / active.d_in) * running_sigma
        g_top = exact_flow.at_sigma_w(running_sigma) / m_top ** (4.0 - active.d_in)
        passive_running = float(g_top / exact_flow.u4_mass_units[0])
        g_act = active.in_mass_units(active.u4_exact)
        active_running = float(g_act[j] / g_act[0])
    return KineticComparison(
        kinetic=kinetic, passive=central, passive_exact=exact_flow, passive_band=band, matched=matched,
        passive_u4=p_c, passive_u4_error=e_p, ratio=ratio, ratio_error=ratio_err, ratio_exact=ratio_exact,
        chi2=chi2, dof=int(len(matched)), p_value=p_value, passive_slope=_log_slope(sig[matched], p_c),
        passive_slope_uv=_uv_slope(central), structural=structural, passive_running=passive_running,
        active_running=active_running, running_sigma_w=running_sigma, message=message,
    )


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
    convention="tensornn",
    kinetic=("gauss", "p2"),
    u6=None,
    radii=DEFAULT_RADII,
    k_ir_ratio=1e-3,
    k_uv_ratio=1e2,
    executor=None,
    progress=None,
) -> ActivePassiveResult:
    """Run the active/passive RG experiment of docs/theory/nn_qft.md for Gauss-nets.

    For every ``d_in`` and width N:

    1. IR data: the amputated ``u4_f`` measured (MC, jackknife error) at ``sigma_w0`` from its own
       ensemble, put in the convention's normalisation (``u4 = Z^-2 u4_f`` for "tensornn", ``u4_f``
       for "els"), with ``u2 = m0^2 = 2 sigma_w0^2/d_in`` and the stated ``u6`` (``phi^6/6!``).
    2. Passive, for each kinetic function: :func:`tensornn.rg.passive.passive_flow` from
       ``k_IR = k_ir_ratio m0`` up to ``k_UV = k_uv_ratio m0``, giving ``u4(k)`` against
       ``sigma_w(k) = sqrt(d_in u2(k)/2)``; also from ``u4_IR -+ error`` (the band) and from the exact IR u4.
    3. Active: u4 (same normalisation) measured at each grid sigma_w at the fixed rescaled inputs
       ``y_i = r_i (1, ..., 1)/sqrt(d_in)`` (the exact value beside), fitted ``|u4| = c sigma_w^slope``.
    4. Overlay per kinetic function at the grid points inside its passive range: ratio passive/active
       with error, chi^2 with the passive errors correlated, slopes of both, the same in units of the
       mass (``u4/m^(4 - d_in)``), and the structural slopes (:mod:`tensornn.rg.structural`): the active
       slope is the canonical dimension and the passive one is ``-12 u2/(P_kin + u2) + 2 u2 u6/u4^2``
       whatever the network.

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
        Upper end of the grid; default: for each kinetic function ``n_sigma`` geometric points up to the
        top of its passive range (central and band flows), and the grid is the union of these.
    n_sigma : int, default 5
        Grid points per kinetic function (geometric spacing, >= 2).
    n_networks : int, default 100000
        Networks per ensemble (one ensemble per grid point plus one for the IR data), at least 2048: two
        blocks of 1024, the fewest that give the IR coupling a jackknife error.
    seed : None, int, SeedSequence or Generator, default 0
        Root seed; every ensemble gets an independent stream ``SeedSequence(entropy, spawn_key=(case,
        point))`` (point 0 = the IR ensemble). The entropy used is in ``parameters["seed_entropy"]``.
    convention : {"tensornn", "els"}, default "tensornn"
        Normalisation of the coupling fed to the flow (:mod:`tensornn.rg.conventions`): "tensornn" the
        field ``phi = sqrt(Z) f`` (``u4 = Z^-2 u4_f``), "els" the raw ``u4_f`` with the Z-normalised
        mass and ``u6 = 50`` (Erbin-Lahoche-Ousmane Samary).
    kinetic : str or sequence of str, default ("gauss", "p2")
        Kinetic functions of the passive flow (each gives a comparison; the first one is the primary:
        ``case.passive``, ``case.verdict``, ``summary["cases"]``): "gauss" the network's own
        ``m0^2 (exp(p^2/m0^2) - 1)``, "p2" the plain Litim flow.
    u6 : float, optional
        Stated IR sextic coupling (``phi^6/6!`` in the flow's normalisation); default the convention's
        (0 for "tensornn", 50 for "els").
    radii : 4 floats, default (0.45, 0.5, 0.55, 0.6)
        ``|y_i|`` of the fixed rescaled inputs (:func:`default_rescaled_inputs`).
    k_ir_ratio, k_uv_ratio : float
        ``k_IR/m0`` and ``k_UV/m0`` of the passive flow.
    executor : concurrent.futures.Executor, optional
        Passed to :func:`tensornn.networks.sample_ensemble` (does not change the numbers).
    progress : None, bool or callable
        True: one tqdm bar over all networks; a callable receives the number of networks done.

    Returns
    -------
    ActivePassiveResult
        ``cases`` (one :class:`ActivePassiveCase` per d_in, width, with one
        :class:`KineticComparison` per kinetic function), ``table()``, ``summary``,
        ``verdict_line(kinetic)``, ``to_dict()``, ``plot(ax=None)``. A passive flow that diverges or
        hits a pole keeps its status and the scale where it stopped; the overlay then uses the range
        it reached.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        Bad dimensions, widths, sigma ranges (reversed, non-positive), sizes, seeds, conventions or
        kinetic functions.

    Examples
    --------
    >>> res = active_passive_experiment(d_ins=(1,), widths=(10,), n_sigma=3, n_networks=4096, seed=1)
    >>> [c.kinetic for c in res.cases[0].comparisons], res.cases[0].passive.status
    (['gauss', 'p2'], 'completed')
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
        check_grid_points("the length of sigma_ws", grid.size)
        check_scale("sigma_ws[-1]", float(grid[-1]))  # the largest scale of the grid
        sigma0, n_points = float(grid[0]), grid.size
    else:
        sigma0 = check_scale("sigma_w_min", 1.0 if sigma_w_min is None else sigma_w_min)
        n_points = check_grid_points("n_sigma", 5 if n_sigma is None else n_sigma)
        if sigma_w_max is not None:
            sigma_w_max = check_scale("sigma_w_max", sigma_w_max)
            if sigma_w_max <= sigma0:
                raise InvalidArgumentError(
                    f"sigma_w_max must exceed sigma_w_min, got sigma_w_min={sigma0}, sigma_w_max={sigma_w_max}; "
                    "the range is reversed or empty")
        grid = None
    n_networks = check_count("n_networks", n_networks, minimum=1)
    if n_networks < MIN_NETWORKS:
        raise InvalidArgumentError(
            f"n_networks must be >= {MIN_NETWORKS} (two blocks of 1024, the fewest that give the IR coupling a "
            f"jackknife error and the slopes a band), got {n_networks}; sample more networks")
    conv = get_convention(convention)
    kinetics = _check_kinetics(kinetic)
    u6 = conv.default_u6 if u6 is None else check_real("u6", u6)
    k_ir_ratio = check_real("k_ir_ratio", k_ir_ratio, positive=True)
    k_uv_ratio = check_real("k_uv_ratio", k_uv_ratio, positive=True)
    if not k_ir_ratio < k_uv_ratio:
        raise InvalidArgumentError(f"k_ir_ratio must be < k_uv_ratio, got {k_ir_ratio} and {k_uv_ratio}")
    for d in d_ins:
        default_rescaled_inputs(d, radii)  # validates radii
    entropy = root_entropy(seed)
    n_cases = len(d_ins) * len(widths)
    per_case = (n_points if grid is not None or sigma_w_max is not None
                else len(kinetics) * (n_points - 1) + 1) + 1
    callback, close = _progress(progress, n_cases * per_case * n_networks)
    cases = []
    try:
        for ci, (d_in, width) in enumerate((d, n) for d in d_ins for n in widths):
            y = default_rescaled_inputs(d_in, radii)
            raw, raw_err, raw_ex, z0 = _measure(d_in, width, sigma0, y, n_networks, child_seed(entropy, ci, 0),
                                                executor, callback)
            u4_ir, e_ir, ex_ir = (float(conv.ir_coupling(v, z0)) for v in (raw, raw_err, raw_ex))
            flows = {}
            for kin in kinetics:
                kw = dict(u6_ir=u6, k_ir_ratio=k_ir_ratio, k_uv_ratio=k_uv_ratio, kinetic=kin)
                # the band needs a finite standard error (the jackknife has none for very small ensembles)
                band = (tuple(passive_flow(d_in, sigma0, u4_ir + s * e_ir, **kw) for s in (-1.0, 1.0))
                        if math.isfinite(e_ir) else ())
                flows[kin] = (passive_flow(d_in, sigma0, u4_ir, **kw), band, passive_flow(d_in, sigma0, ex_ir, **kw))
            message = ""
            if grid is not None:
                sig = grid.copy()
            elif sigma_w_max is not None:
                sig = np.geomspace(sigma0, sigma_w_max, n_points)
            else:
                tops = []
                for kin, (central, band, _) in flows.items():
                    _, top = _passive_range((central,) + band)
                    if not (np.isfinite(top) and top > sigma0 * (1 + 1e-3)):
                        message += (" " if message else "") + (
                            f"the passive flow ({kin}, {central.status}) did not move sigma_w beyond {sigma0:.4g} "
                            f"(top {top:.6g}); its active grid set to [sigma_w0, 2 sigma_w0]")
                        top = 2 * sigma0
                    tops.append(top)
                sig = _union_grid(sigma0, tops, n_points)
            seeds = tuple(child_seed(entropy, ci, j + 1) for j in range(len(sig)))
            rows = np.array(_measure_many([(d_in, width, float(s), y, n_networks, sd) for s, sd in zip(sig, seeds)],
                                          executor, callback))
            u4, err, ex = (np.array([conv.ir_coupling(v, z) for v, z in zip(rows[:, i], rows[:, 3])])
                           for i in range(3))
            try:
                fit = fit_power_law(sig, u4, err)
                fit_msg = ""
            except InvalidArgumentError as exc:
                fit, fit_msg = None, f"active fit failed: {exc}"
            predicted = float(np.log(ex[-1] / ex[0]) / np.log(sig[-1] / sig[0]))
            active = ActiveSeries(d_in, width, sig, u4, err, ex, rows[:, 3].copy(), fit, predicted, seeds, fit_msg,
                                  convention=conv.name, structural_slope=conv.active_dimension(d_in))
            comparisons = tuple(
                _compare(kin, flows[kin], sig, active, conv,
                         structural_slopes(d_in, u4_ir, u6_ir=u6, sigma_w0=sigma0, k_ir_ratio=k_ir_ratio,
                                           kinetic=kin, convention=conv))
                for kin in kinetics)
            cases.append(ActivePassiveCase(
                d_in=d_in, width=width, sigma_w0=sigma0, convention=conv, u4_ir=u4_ir, u4_ir_error=e_ir,
                u4_ir_exact=ex_ir, u6_ir=u6, k_ir_ratio=k_ir_ratio, k_uv_ratio=k_uv_ratio, active=active,
                comparisons=comparisons, message=message,
            ))
    finally:
        if close is not None:
            close()
    parameters = {
        "d_ins": list(d_ins), "widths": list(widths), "sigma_w0": sigma0,
        "sigma_ws": None if grid is None else grid.tolist(), "sigma_w_max": sigma_w_max if grid is None else None,
        "n_sigma": int(n_points), "n_networks": n_networks, "seed_entropy": entropy,
        "convention": conv.name, "normalisation": conv.description, "kinetic": list(kinetics), "u6": u6,
        "radii": [float(r) for r in np.ravel(radii)], "k_ir_ratio": k_ir_ratio, "k_uv_ratio": k_uv_ratio,
        "activation": "gauss", "bias": False,
        "potential": "U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!",
    }
    return ActivePassiveResult(tuple(cases), parameters, time.perf_counter() - t_start)
