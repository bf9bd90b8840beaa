"""The verdict on a network's readings: nested tests of the classes a reading adds, their power, and three outcomes.

The readings are nested class sets (:mod:`tensornn.readings.registry`): vector (double trace) inside tensor
(double trace, pillows, tetrahedron) inside full (every class); scalar (local) inside full. Below every reading
lies the *empty* model (G4c = 0). A goodness-of-fit p-value of the smaller reading does not test whether the
data need the added classes; the nested test does.

Nested test (Monte Carlo). G groups, nu = G - 1, GLS minima T^2_small >= T^2_big on Q quadruples with the same
covariance. T^2_small is Hotelling's T^2 of the p = Q - K_small contrasts orthogonal to the smaller reading's
patterns, T^2_big that of the q = Q - K_big of them orthogonal to the larger reading's as well. Rao's test for
additional information:

    F = (nu - p + 1)/(p - q) * (T^2_small - T^2_big)/(nu + T^2_big)  ~  F(p - q, nu - p + 1)

under the smaller reading (exact for Gaussian group estimates). When the covariance had to be shrunk (G - 1 < 2 Q)
there is no Hotelling law; the statistic is T^2_small - T^2_big against chi^2(K_big - K_small).

Power. A coupling delta of one added class k (the others zero) shifts the contrasts by a noncentrality
lambda = delta^2 a_k^T M a_k, M = C^-1 - C^-1 A_s (A_s^T C^-1 A_s)^-1 A_s^T C^-1 (C the covariance of the values,
A_s the smaller reading's patterns); the test's power is P(F'(p - q, nu - p + 1; lambda) > F_crit). The reference
size of class k is the coupling whose pattern carries ``effect`` (default one half) of the norm of the G4c the
smaller reading fits, delta_k = effect |A_s beta_s| / |a_k| ("an added class half as visible as what the smaller
reading already describes"; for the empty model the larger reading's fit is the yardstick). ``power`` is that of
the worst-resolved added class at its reference size, ``detectable`` the coupling it needs for power 0.8. The
standard errors fall like 1/sqrt(networks), so ``networks_needed`` = networks x (detectable / reference size)^2.

Decision (Monte Carlo). For each reading R, next(R) is the smallest fitted model strictly containing it (a
reading or "full") and sub(R) the largest strictly inside it (a reading or "empty").

1. Moments first: a :class:`~tensornn.readings.moments.MomentCheck` that fails gives **none**.
2. R is *accepted* when the test R -> next(R) does not reject at ``alpha``/2 (or there is no next(R)). Two tests
   can reject a reading, this one and its own goodness of fit (step 6); each is made at ``alpha``/2 so that the
   true reading is rejected with probability at most ``alpha`` (Bonferroni).
3. The minimal accepted readings (no accepted reading inside them): none -> **none** (every reading is rejected
   in favour of a larger basis); several -> **undetermined** (the data cannot tell them apart); one -> the
   candidate M.
4. M must be required: sub(M) -> M rejects at ``alpha``; otherwise **undetermined** (with M's smallest
   sub-model "empty": G4c is not distinguishable from zero).
5. Power: when next(M) is a reading, a non-rejection of M must mean something. With heavy-tailed group estimates
   (:class:`~tensornn.readings.moments.MomentCheck` ``heavy_tailed``) it does not (the covariance understates the
   noise): **undetermined**. Otherwise the test M -> next(M) must have power >= ``power`` (default 0.8) at the
   reference size; if not, **undetermined**, with the power, the detectable coupling and the networks needed.
6. Fit: M's goodness of fit must pass at ``alpha``/2 and its relative residual must not be large (above
   ``max_residual`` while above three times the residual the noise alone leaves); otherwise **none**.
7. Symmetry (a SymmetryTest passed in): invariant -> a reading with classes that break O(n)
   (:func:`~tensornn.readings.registry.breaks_rotations`) cannot be the verdict (**undetermined**); not
   invariant -> an O(n)-invariant reading cannot be either (**undetermined**: the run does not resolve the classes
   that break the symmetry).

Otherwise the verdict is M with the p-value of sub(M) -> M, the test that requires it.

Exact G4c (an oracle, no noise): a reading fits when its relative residual is at most ``exact_rtol``; the
verdict is the unique minimal fitting reading, **none** when none fits, **undetermined** when several minimal
readings fit (G4c = 0). There is no test, p-value or power.

An undetermined or none verdict names no theory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from .registry import REFERENCE_MODEL, breaks_rotations

__all__ = ["NestedTest", "Verdict", "rao_test", "nested_power", "decide", "EMPTY_MODEL", "UNDETERMINED", "NONE"]

#: The model with no class (G4c = 0), below every reading.
EMPTY_MODEL = "empty"
#: The verdicts that name no reading.
UNDETERMINED, NONE = "undetermined", "none"


def _num(x):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


@dataclass(frozen=True)
class NestedTest:
    """The test of the classes ``larger`` adds to ``smaller``.

    Attributes
    ----------
    smaller, larger : str
        Model names (a reading, "empty" or "full").
    statistic : float
        Rao's F (reference "F") or T^2_small - T^2_big (reference "chi2").
    df1 : int
        K_big - K_small.
    df2 : int or None
        nu - p + 1 (None for the chi^2 reference).
    p_value : float
    reference : str
        "F" (Rao's test under Hotelling's T^2) or "chi2" (a shrunk covariance).
    power : float or None
        At the reference coupling size ``size``.
    detectable : float or None
        Coupling size of the worst-resolved added class at power 0.8.
    size : float or None
        The reference coupling size of ``power``.
    """

    smaller: str
    larger: str
    statistic: float
    df1: int
    df2: int | None
    p_value: float
    reference: str = "F"
    power: float | None = None
    detectable: float | None = None
    size: float | None = None

    def rejects(self, alpha: float) -> bool:
        """Whether the smaller model is rejected in favour of the larger at ``alpha``."""
        return bool(self.p_value < alpha)

    def describe(self) -> str:
        """"vector -> tensor: F(4, 84) = 31.2, p = 2e-16"."""
        law = f"F({self.df1}, {self.df2})" if self.reference == "F" else f"chi2({self.df1})"
        return f"{self.smaller} -> {self.larger}: {law} = {self.statistic:.4g}, p = {self.p_value:.3g}"

    def to_dict(self) -> dict:
        return {"smaller": self.smaller, "larger": self.larger, "statistic": _num(self.statistic), "df1": self.df1,
                "df2": self.df2, "p_value": _num(self.p_value), "reference": self.reference,
                "power": _num(self.power), "detectable": _num(self.detectable), "size": _num(self.size)}


@dataclass(frozen=True)
class Verdict:
    """Which reading the data select, or that they cannot decide.

    Attributes
    ----------
    selected : str
        A reading name, "undetermined" or "none".
    reason : str
        One sentence.
    p_value : float or None
        Of the nested test that requires the selected reading (sub -> selected); None otherwise.
    nested : tuple of NestedTest
        Every test the decision looked at.
    power : float or None
        Of the test against the next larger model at the reference coupling size (for undetermined: of the test
        that was too weak).
    detectable : float or None
        Coupling size that test resolves at power 0.8.
    networks_needed : int or None
        Networks at which it would reach power 0.8 at the reference size (undetermined verdicts).
    alpha : float
    effect : float
        The reference size of an added class: the fraction of the smaller reading's fitted |G4c| its pattern
        carries.
    """

    selected: str
    reason: str
    p_value: float | None = None
    nested: tuple = ()
    power: float | None = None
    detectable: float | None = None
    networks_needed: int | None = None
    alpha: float = 0.01
    effect: float = 0.5

    @property
    def decided(self) -> bool:
        """Whether the verdict names a reading."""
        return self.selected not in (UNDETERMINED, NONE)

    def test(self, smaller: str, larger: str) -> NestedTest | None:
        """The nested test smaller -> larger, or None if it was not made."""
        return next((t for t in self.nested if t.smaller == smaller and t.larger == larger), None)

    def to_dict(self) -> dict:
        return {"selected": self.selected, "reason": self.reason, "p_value": _num(self.p_value),
                "nested": [t.to_dict() for t in self.nested], "power": _num(self.power),
                "detectable": _num(self.detectable), "networks_needed": self.networks_needed, "alpha": self.alpha,
                "effect": self.effect}

    def __repr__(self):
        return f"Verdict({self.selected!r}: {self.reason})"


def rao_test(t2_small: float, t2_big: float, n_quadruples: int, k_small: int, k_big: int, nu: int | None,
             smaller: str = "smaller", larger: str = "larger") -> NestedTest:
    """Rao's F for the classes a larger model adds (module docstring); ``nu=None`` uses the chi^2 reference."""
    df1 = k_big - k_small
    diff = max(float(t2_small) - float(t2_big), 0.0)
    p = n_quadruples - k_small
    if nu is None or nu - p + 1 <= 0:
        return NestedTest(smaller, larger, diff, df1, None, float(stats.chi2.sf(diff, df1)), "chi2")
    df2 = nu - p + 1
    f = df2 / df1 * diff / (nu + float(t2_big))
    return NestedTest(smaller, larger, f, df1, df2, float(stats.f.sf(f, df1, df2)), "F")


def _power(noncentrality: float, df1: int, df2: int | None, alpha: float) -> float:
    if df2 is None:
        return float(stats.ncx2.sf(stats.chi2.isf(alpha, df1), df1, noncentrality))
    return float(stats.ncf.sf(stats.f.isf(alpha, df1, df2), df1, df2, noncentrality))


def _noncentrality_at(power: float, df1: int, df2: int | None, alpha: float) -> float:
    hi = 1.0
    while _power(hi, df1, df2, alpha) < power:
        hi *= 2.0
        if hi > 1e12:
            return math.inf
    return float(optimize.brentq(lambda lam: _power(lam, df1, df2, alpha) - power, 0.0, hi, xtol=1e-6))


def nested_power(covariance, small_matrix, added_matrix, df1: int, df2: int | None, alpha: float,
                 sizes=None, target: float = 0.8) -> tuple[float | None, float, float | None]:
    """Power of a nested test against one added class at a time (module docstring).

    ``sizes`` gives the reference coupling size of each added class (None: no power). Returns (the smallest power
    over the added classes, the coupling that class needs for power ``target``, its reference size).
    """
    c_inv = np.linalg.inv(np.asarray(covariance, dtype=float))
    a_s = np.asarray(small_matrix, dtype=float)
    if a_s.shape[1]:
        w = c_inv @ a_s
        m = c_inv - w @ np.linalg.solve(a_s.T @ w, w.T)
    else:
        m = c_inv
    added = np.asarray(added_matrix, dtype=float)
    info = np.einsum("qk,qr,rk->k", added, m, added)  # a_k^T M a_k per added class
    lam = _noncentrality_at(target, df1, df2, alpha)
    detectable = np.sqrt(lam / np.where(info > 0, info, np.nan))
    detectable = np.where(np.isfinite(detectable), detectable, math.inf)
    if sizes is None:
        return None, float(np.max(detectable)), None
    sizes = np.asarray(sizes, dtype=float)
    powers = np.array([_power(float(s**2 * i), df1, df2, alpha) if i > 0 else 0.0 for s, i in zip(sizes, info)])
    worst = int(np.argmin(powers))
    return float(powers[worst]), float(detectable[worst]), float(sizes[worst])


@dataclass
class _Model:
    name: str
    classes: frozenset
    t2: float
    columns: list  # indices into the full matrix
    fit: Any = None  # ReadingFit (readings and full)


def _breaks(fit, classes_by_name, space) -> bool:
    return any(breaks_rotations(classes_by_name[name], space) for name in fit.classes)


def _symmetry_conflict(symmetry, fit, classes_by_name, space) -> str | None:
    invariant = None if symmetry is None else getattr(symmetry, "invariant", None)
    if invariant is None:
        return None
    group = getattr(symmetry, "group", "O(n)")
    p = getattr(symmetry, "p_value", None)
    p_text = "" if p is None or not (isinstance(p, float) and math.isfinite(p)) else f" (p = {p:.3g})"
    breaks = _breaks(fit, classes_by_name, space)
    if invariant and breaks:
        return (f"the symmetry test accepts {group} invariance{p_text}, which the {fit.reading} reading's classes "
                "break, while the nested tests need them")
    if invariant is False and not breaks:
        return (f"the symmetry test rejects {group} invariance{p_text}, which every class of the {fit.reading} "
                "reading keeps: the run does not resolve the classes that break it")
    return None


def decide_exact(fits: dict, *, alpha: float, symmetry=None, classes_by_name=None, space: str = "index") -> Verdict:
    """The verdict on exact G4c (module docstring)."""
    if not fits:
        return Verdict(NONE, "no reading was fitted", alpha=alpha)
    passing = [f for f in fits.values() if f.fits]
    if not passing:
        best = min(fits.values(), key=lambda f: f.relative_residual)
        return Verdict(NONE, f"no reading fits the exact G4c (the smallest relative residual is "
                             f"{best.relative_residual:.3g}, by the {best.reading} reading)", alpha=alpha)
    unique: list = []  # a reading with the same classes as an earlier one is the same model
    for f in passing:
        if not any(frozenset(g.classes) == frozenset(f.classes) for g in unique):
            unique.append(f)
    sets = {f.reading: frozenset(f.classes) for f in unique}
    minimal = [f for f in unique if not any(sets[g.reading] < sets[f.reading] for g in unique)]
    if len(minimal) > 1:
        return Verdict(UNDETERMINED, "several readings fit the exact G4c exactly and none contains the others: "
                                     f"{', '.join(f.reading for f in minimal)}", alpha=alpha)
    chosen = minimal[0]
    if classes_by_name is not None:
        conflict = _symmetry_conflict(symmetry, chosen, classes_by_name, space)
        if conflict:
            return Verdict(UNDETERMINED, conflict, alpha=alpha)
    return Verdict(chosen.reading, f"the {chosen.reading} reading is the smallest that fits the exact G4c "
                                   f"(relative residual {chosen.relative_residual:.2g})", alpha=alpha)


def decide(fits: dict, reference_fit, *, values, matrix, class_names, covariance, n_groups: int | None,
           shrinkage: float, n_networks: int | None, alpha: float = 0.01, effect: float = 0.5, power: float = 0.8,
           max_residual: float = 0.5, moments=None, symmetry=None, classes_by_name=None,
           space: str = "index") -> Verdict:
    """The verdict on a Monte-Carlo G4c (module docstring).

    Parameters
    ----------
    fits : dict
        {reading: ReadingFit} of the fitted readings.
    reference_fit : ReadingFit or None
        The fit of every class ("full"); left out when not identifiable.
    values, matrix, class_names
        The G4c values (Q,), the patterns of every class (Q, K) and the class names, in the matrix's order.
    covariance : array (Q, Q)
        The covariance of the values every goodness of fit used (:func:`tensornn.readings.gls.fit_covariance`).
    n_groups : int or None
        G (nu = G - 1 for Hotelling's T^2).
    shrinkage : float
        The shrinkage intensity of ``covariance`` (0: Hotelling reference; otherwise chi^2).
    n_networks : int or None
        For ``networks_needed``.
    alpha, effect, power, max_residual
        Level of every test; reference coupling size (fraction of the smaller reading's largest coupling);
        the power a "not rejected" needs before it selects the smaller reading; the relative residual above
        which the best basis describes too little of G4c.
    moments : MomentCheck, optional
    symmetry : SymmetryTest-like, optional
        Anything with ``invariant`` (True, False or None).
    """
    if moments is not None and not moments.estimable:
        return Verdict(NONE, f"G4c is not estimable: {moments.reason}", alpha=alpha, effect=effect)
    if not fits:
        return Verdict(NONE, "no reading was fitted", alpha=alpha, effect=effect)
    y = np.asarray(values, dtype=float)
    a = np.asarray(matrix, dtype=float)
    names = list(class_names)
    q = len(y)
    nu = None if (n_groups is None or shrinkage != 0.0) else int(n_groups) - 1
    from .gls import gls_minimum

    models = {EMPTY_MODEL: _Model(EMPTY_MODEL, frozenset(), gls_minimum(a[:, :0], y, covariance), [])}
    for f in fits.values():
        models[f.reading] = _Model(f.reading, frozenset(f.classes), f.chi2, [names.index(c) for c in f.classes], f)
    if reference_fit is not None and reference_fit.status != "not identifiable":
        models[REFERENCE_MODEL] = _Model(REFERENCE_MODEL, frozenset(reference_fit.classes), reference_fit.chi2,
                                         [names.index(c) for c in reference_fit.classes], reference_fit)

    def sub(r):
        inside = [m for m in models.values() if m.classes < models[r].classes]
        return max(inside, key=lambda m: len(m.classes)).name

    def nxt(r):
        outside = [m for m in models.values() if models[r].classes < m.classes and m.name != EMPTY_MODEL]
        return min(outside, key=lambda m: len(m.classes)).name if outside else None

    tests: dict = {}
    level = alpha / 2  # two tests can reject a reading (against the next model, and its own fit): Bonferroni

    def test(s, b):
        if (s, b) not in tests:
            ms, mb = models[s], models[b]
            t = rao_test(ms.t2, mb.t2, q, len(ms.classes), len(mb.classes), nu, s, b)
            yardstick = ms.fit if ms.fit is not None else mb.fit
            scale = float(np.linalg.norm(yardstick.fitted)) if yardstick is not None else math.nan
            added = [i for i in mb.columns if i not in ms.columns]
            norms = np.linalg.norm(a[:, added], axis=0)
            sizes = effect * scale / np.where(norms > 0, norms, np.nan) if math.isfinite(scale) else None
            pw, det, size = nested_power(covariance, a[:, ms.columns], a[:, added], t.df1, t.df2, level, sizes, power)
            tests[(s, b)] = NestedTest(t.smaller, t.larger, t.statistic, t.df1, t.df2, t.p_value, t.reference, pw,
                                       det, size)
        return tests[(s, b)]

    candidates: list[str] = []  # a reading with the same classes as an earlier one is the same model: the first one answers
    for r in fits:
        if not any(models[o].classes == models[r].classes for o in candidates):
            candidates.append(r)
    accepted = []
    for r in candidates:
        test(sub(r), r)
        n = nxt(r)
        if n is None or not test(r, n).rejects(level):
            accepted.append(r)
    nested = tuple(sorted(tests.values(), key=lambda t: (len(models[t.smaller].classes),
                                                        len(models[t.larger].classes), t.smaller, t.larger)))
    common: dict[str, Any] = dict(nested=nested, alpha=alpha, effect=effect)
    if not accepted:
        rejected = "; ".join(test(r, nxt(r)).describe() for r in candidates)
        return Verdict(NONE, f"every reading is rejected in favour of a larger basis ({rejected})", **common)
    minimal = [r for r in accepted if not any(models[o].classes < models[r].classes for o in accepted)]
    if len(minimal) > 1:
        against = [test(r, nxt(r)) for r in minimal if nxt(r) is not None]
        weakest = min(against, key=lambda t: -1.0 if t.power is None else t.power) if against else None
        return Verdict(UNDETERMINED, f"the data do not tell the {' and '.join(minimal)} readings apart: neither is "
                                     "rejected and neither contains the other",
                       power=None if weakest is None else weakest.power,
                       detectable=None if weakest is None else weakest.detectable,
                       networks_needed=None if weakest is None else _needed(n_networks, weakest), **common)
    m = minimal[0]
    fit = models[m].fit
    below = test(sub(m), m)
    if not below.rejects(alpha):
        what = ("G4c is not distinguishable from zero" if below.smaller == EMPTY_MODEL
                else f"the classes the {m} reading adds to the {below.smaller} reading are not required")
        return Verdict(UNDETERMINED, f"{what} ({below.describe()})", power=below.power,
                       detectable=below.detectable, networks_needed=_needed(n_networks, below), **common)
    above_name = nxt(m)
    above = None if above_name is None else test(m, above_name)
    if above is not None and above_name in fits and moments is not None and moments.heavy_tailed:
        return Verdict(UNDETERMINED, f"the {m} reading is not rejected against the {above_name} reading, but the group "
                                     f"estimates are heavy-tailed (mean over median group |f^4| "
                                     f"{moments.tail_ratio:.3g}, largest group {moments.max_group_share:.3g} of the "
                                     "sum): the typical sample misses the rare networks that carry the mean and its "
                                     "covariance understates the noise, so a non-rejection does not establish it",
                       power=above.power, detectable=above.detectable, networks_needed=None, **common)
    if above is not None and above_name in fits and not (above.power is not None and above.power >= power):
        pw = "unknown" if above.power is None else f"{above.power:.2f}"
        return Verdict(UNDETERMINED, f"the {m} reading is not rejected against the {above_name} reading, but the "
                                     f"test has power {pw} (< {power:g}) against an added coupling of size "
                                     f"{_fmt(above.size)}; it resolves {_fmt(above.detectable)}",
                       power=above.power, detectable=above.detectable,
                       networks_needed=_needed(n_networks, above), **common)
    power_of: dict[str, Any] = dict(power=None if above is None else above.power,
                    detectable=None if above is None else above.detectable)
    if fit.p_value < level:
        return Verdict(NONE, f"the {m} reading is the smallest the nested tests allow but fails its goodness of fit "
                             f"(T^2 = {fit.chi2:.4g} on {fit.dof} dof, p = {fit.p_value:.3g})", **power_of, **common)
    noise = _noise_residual(covariance, y, len(fit.classes))
    if fit.relative_residual > max_residual and fit.relative_residual > 3 * noise:
        return Verdict(NONE, f"the {m} reading leaves a relative residual of {fit.relative_residual:.2g} "
                             f"(> {max_residual:g}; noise alone leaves about {noise:.2g})", **power_of, **common)
    if classes_by_name is not None:
        conflict = _symmetry_conflict(symmetry, fit, classes_by_name, space)
        if conflict:
            return Verdict(UNDETERMINED, conflict, **power_of, **common)
    reason = f"the smallest reading not rejected, required by {below.describe()}"
    if above is not None:
        reason += f"; not rejected by {above.describe()}"
        if above.power is not None:
            reason += f" (power {above.power:.2f} at coupling {_fmt(above.size)})"
    return Verdict(m, reason, p_value=below.p_value, **power_of, **common)


def _fmt(x) -> str:
    return "unknown" if x is None or not math.isfinite(x) else f"{x:.3g}"


def _needed(n_networks, t: NestedTest) -> int | None:
    if n_networks is None or t.size is None or t.detectable is None or not t.size > 0:
        return None
    if not math.isfinite(t.detectable):
        return None
    return int(math.ceil(n_networks * (t.detectable / t.size) ** 2))


def _noise_residual(covariance, y, k: int) -> float:
    norm = float(np.linalg.norm(y))
    if norm == 0:
        return math.inf
    q = len(y)
    return math.sqrt(max(float(np.trace(covariance)) * (q - k) / q, 0.0)) / norm
