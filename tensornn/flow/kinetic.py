"""Kinetic functions and the spectrally adjusted Litim regulator.

A field whose inverse propagator is P(p) = P(0) + P_kin(p), with P_kin increasing in |p| and
P_kin(0) = 0, is regulated by

    R_k(p) = (P_kin(k) - P_kin(p)) theta(k - |p|),

which keeps every loop a mode count: inside the window P_kin(p) + R_k(p) = P_kin(k) and
d_t R_k = k P_kin'(k), so the local potential flows as

    d_t U = (1/2) N(k) k P_kin'(k) / (P_kin(k) + U''),    N(k) = V_D k^D

(N(k) the volume of the modes |p| <= k per unit volume). For P_kin = p^2 this is the Litim flow
d_t U = V_D k^(D+2) / (k^2 + U''). The Gauss-net's inverse kernel in the field normalisation of the
passive RG is P(p) = m^2 exp(p^2/m^2), so its kinetic function is P_kin = m^2 (exp(p^2/m^2) - 1)
= p^2 + p^4/(2 m^2) + ...: the flow is exact within the LPA but not autonomous (m is a scale).

In dimensionless form (u = U/k^D, r = rho k^(2-D), w = u') the kinetic function enters through

    p(k) = P_kin(k)/k^2,    q(k) = k P_kin'(k) / (2 k^2),

as d_t w = -2 w + (D - 2) r w' + V_D q d/dr [1/(p + w + 2 r w') + (N - 1)/(p + w)]; both are 1 for
p^2. The registry :data:`KINETIC_FUNCTIONS` holds "p2" and "gauss"; :func:`kinetic_function` also
accepts a pair of callables (P_kin, dP_kin/dk). :class:`KineticFlow` applies a kinetic function to a
flow derived by the one-loop engine (scalar or O(N): one local continuum colour with e = p^2).

References
----------
Litim, Phys. Rev. D 64 (2001) 105007, hep-th/0103195 (optimised, spectrally adjusted regulators);
Halverson, Maiti, Stoner, arXiv:2008.08601 (the Gauss-net inverse kernel).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_real
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = ["KINETIC_FUNCTIONS", "KineticFlow", "KineticFunction", "kinetic_function"]

#: Largest propagator value handed to the engine: beyond it the loops are zero to double precision
#: (they fall like P_kin(k)^(1-n), n >= 2), and (P + m)^n must not overflow for n <= 4.
_WINDOW_CAP = 1e60


@dataclass(frozen=True)
class KineticFunction:
    """A kinetic function P_kin(p) (increasing, P_kin(0) = 0) and its derivative.

    Parameters
    ----------
    name : str
        "p2", "gauss" or "custom".
    value : callable
        P_kin(k) for an array of k > 0 (may overflow to inf for huge k; the loops then vanish).
    derivative : callable
        dP_kin/dk.
    mass : float, optional
        The scale m of "gauss".
    ratios : callable, optional
        k -> (1/p, q/p^2) computed without overflow (p = P_kin/k^2, q = k P_kin'/(2 k^2)); derived
        from ``value`` and ``derivative`` when not given.
    log_ratio : callable, optional
        k -> k P_kin'(k)/P_kin(k) computed without overflow; derived when not given.
    """

    name: str
    value: Callable
    derivative: Callable
    mass: float | None = None
    ratios: Callable | None = None
    log_ratio: Callable | None = None

    def __post_init__(self):
        if not callable(self.value) or not callable(self.derivative):
            raise InvalidTypeError("value and derivative of a KineticFunction must be callables k -> array")

    @property
    def is_p2(self) -> bool:
        """True for the plain Litim kinetic term p^2 (autonomous dimensionless flow)."""
        return self.name == "p2"

    def window(self, k) -> np.ndarray:
        """P_kin(k), capped at a huge finite value (the loops vanish there)."""
        with np.errstate(over="ignore"):
            v = np.asarray(self.value(np.asarray(k, dtype=float)), dtype=float)
        return np.where(np.isfinite(v), np.minimum(v, _WINDOW_CAP), _WINDOW_CAP)

    def log_derivative(self, k) -> np.ndarray:
        """k P_kin'(k) / P_kin(k) (2 for p^2)."""
        k = np.asarray(k, dtype=float)
        if self.log_ratio is not None:
            return self.log_ratio(k)
        with np.errstate(over="ignore", invalid="ignore"):
            return k * np.asarray(self.derivative(k), dtype=float) / np.asarray(self.value(k), dtype=float)

    def dimensionless(self, k) -> tuple[np.ndarray, np.ndarray]:
        """(a, b) = (1/p, q/p^2) at scale k, finite for every k > 0 (both 1 for p^2).

        The dimensionless loop terms are b w'/(1 + a w)^2 and b (3 w' + 2 r w'')/(1 + a (w + 2 r w'))^2.
        """
        k = np.asarray(k, dtype=float)
        if self.ratios is not None:
            return self.ratios(k)
        with np.errstate(over="ignore", invalid="ignore"):
            p = np.asarray(self.value(k), dtype=float) / k**2
            q = k * np.asarray(self.derivative(k), dtype=float) / (2 * k**2)
        return 1.0 / p, q / p**2

    def check_increasing(self, k) -> None:
        """Raise unless P_kin'(k) > 0 and P_kin(k) > 0 at the given scales."""
        k = np.atleast_1d(np.asarray(k, dtype=float))
        with np.errstate(over="ignore", invalid="ignore"):
            v = np.asarray(self.value(k), dtype=float)
            d = np.asarray(self.derivative(k), dtype=float)
        bad = ~((v > 0) & (d > 0))
        if np.any(bad):
            i = int(np.argmax(bad))
            raise InvalidArgumentError(
                f"the kinetic function {self.name!r} must be positive and increasing for k > 0, but at k = {k[i]:g} "
                f"P_kin = {v[i]:g} and dP_kin/dk = {d[i]:g}; pass P_kin with P_kin(0) = 0 and P_kin' > 0")

    def __repr__(self) -> str:
        extra = "" if self.mass is None else f", mass={self.mass:g}"
        return f"KineticFunction({self.name!r}{extra})"


def _p2() -> KineticFunction:
    def ratios(k):
        one = np.ones_like(np.asarray(k, dtype=float))
        return one, one

    return KineticFunction("p2", lambda k: np.asarray(k, dtype=float) ** 2, lambda k: 2.0 * np.asarray(k, dtype=float),
                           None, ratios, lambda k: np.full_like(np.asarray(k, dtype=float), 2.0))


def _gauss(mass: float) -> KineticFunction:
    m2 = mass * mass

    def value(k):
        return m2 * np.expm1(np.asarray(k, dtype=float) ** 2 / m2)

    def derivative(k):
        k = np.asarray(k, dtype=float)
        return 2.0 * k * np.exp(k**2 / m2)

    def ratios(k):
        # z = k^2/m^2: p = expm1(z)/z, q = e^z; 1/p = z/expm1(z), q/p^2 = z^2 e^z/expm1(z)^2
        z = np.asarray(k, dtype=float) ** 2 / m2
        with np.errstate(over="ignore", invalid="ignore"):
            small = z < 1e-8
            zs = np.where(small, 1.0, z)
            inv_p = np.where(small, 1.0 - z / 2, zs / np.expm1(zs))
            # z^2 e^z / expm1(z)^2 = z^2 / (expm1(z) (1 - e^-z)), finite (-> 0) for large z
            b = np.where(small, 1.0, zs**2 / (np.expm1(zs) * -np.expm1(-zs)))
        return inv_p, b

    def log_ratio(k):
        # k P'/P = 2 z e^z / expm1(z) = 2 z / (1 - e^-z)
        z = np.asarray(k, dtype=float) ** 2 / m2
        small = z < 1e-8
        zs = np.where(small, 1.0, z)
        return np.where(small, 2.0 + z, 2.0 * zs / -np.expm1(-zs))

    return KineticFunction("gauss", value, derivative, mass, ratios, log_ratio)


#: Named kinetic functions: name -> (description, needs a mass).
KINETIC_FUNCTIONS = {
    "p2": ("P_kin = p^2 (the plain Litim regulator)", False),
    "gauss": ("P_kin = m^2 (exp(p^2/m^2) - 1), the Gauss-net's inverse kernel m^2 exp(p^2/m^2) minus its mass", True),
}


def kinetic_function(spec="p2", *, mass: float | None = None) -> KineticFunction:
    """Look up or build a kinetic function.

    Parameters
    ----------
    spec : str, KineticFunction or (callable, callable)
        A name of :data:`KINETIC_FUNCTIONS` ("p2", "gauss"), a KineticFunction (returned as is), or a
        pair (P_kin, dP_kin/dk) of callables of an array of k > 0.
    mass : float, optional
        m > 0 for "gauss" (in the units of k).

    Returns
    -------
    KineticFunction

    Raises
    ------
    InvalidArgumentError
        Unknown name (the message lists the valid ones), "gauss" without a mass, a mass for "p2".

    Examples
    --------
    >>> g = kinetic_function("gauss", mass=2.0)
    >>> round(float(g.window(1.0)), 6), round(float(g.log_derivative(1e-4)), 6)
    (1.136102, 2.0)
    """
    if isinstance(spec, KineticFunction):
        return spec
    if isinstance(spec, tuple) and len(spec) == 2 and all(callable(f) for f in spec):
        return KineticFunction("custom", spec[0], spec[1])
    if not isinstance(spec, str):
        raise InvalidTypeError(
            f"kinetic must be a name ({', '.join(KINETIC_FUNCTIONS)}), a KineticFunction or a pair of callables "
            f"(P_kin, dP_kin/dk), got {type(spec).__name__}")
    name = check_choice("kinetic", spec, tuple(KINETIC_FUNCTIONS))
    if name == "gauss":
        if mass is None:
            raise InvalidArgumentError("the 'gauss' kinetic function needs its mass m "
                                       "(P_kin = m^2 (exp(p^2/m^2) - 1)); pass mass=m")
        return _gauss(check_real("mass", mass, positive=True))
    if mass is not None:
        raise InvalidArgumentError(f"the 'p2' kinetic function has no mass; got mass={mass!r}, drop it")
    return _p2()


class KineticFlow:
    """An engine-derived scalar or O(N) flow with the spectrally adjusted Litim regulator of a kinetic function.

    The dimensionful threshold sums L_n = N(k) k P_kin'(k) / (P_kin(k) + m)^n replace the Litim ones
    N(k) 2 k^2 / (k^2 + m)^n; with "p2" the flow is the engine's. Dimensionless couplings are
    g~ = g k^-[g] with the engine's canonical dimensions; the flow is not autonomous unless "p2".
    Implements :class:`~tensornn.flow.system.FlowSystem`.

    Parameters
    ----------
    flow : DerivedFlow
        LPA flow (no anomalous dimension, Litim) of a theory with one local continuum colour with
        e = p^2 and otherwise flat colours (the scalar and O(N) presets).
    kinetic : KineticFunction, str or pair of callables
        See :func:`kinetic_function`.
    mass : float, optional
        For ``kinetic="gauss"``.
    """

    def __init__(self, flow, kinetic="p2", *, mass=None):
        from ..theory.colours import ContinuumColour, FlatColour
        from .betas import DerivedFlow

        if not isinstance(flow, DerivedFlow):
            raise InvalidTypeError(f"flow must be a DerivedFlow (tensornn.flow.derive_flow), got {type(flow).__name__}")
        colours = flow.theory.ordered_colours
        continuum = [c for c in colours if isinstance(c, ContinuumColour)]
        others = [c for c in colours if not isinstance(c, (ContinuumColour, FlatColour))]
        if (len(continuum) != 1 or continuum[0].role != "local" or continuum[0].power != 2 or others
                or flow.anomalous_dimension or flow.theory.regulator != "litim"):
            raise InvalidArgumentError(
                "a kinetic function applies to LPA flows (litim, no anomalous dimension) of theories with one local "
                "continuum colour with e = p^2 and otherwise flat colours (the scalar and O(N) presets); got "
                f"{flow!r}")
        self.flow = flow
        self.kinetic = kinetic_function(kinetic, mass=mass)
        self.names = flow.names
        self.n_legs = flow.n_legs
        self.anomalous_dimension = False
        self.autonomous = self.kinetic.is_p2 and flow.autonomous
        self.dimensions = flow.dimensions
        self.validity_names = ("1 + m/P_kin(k) (threshold denominator)",)

    @property
    def conventions(self) -> dict:
        """Those of the engine's flow it regulates with the kinetic function."""
        return self.flow.conventions

    #: Takes an array t of shape (m,), one scale per coupling vector (see :class:`~tensornn.flow.betas.DerivedFlow`).
    vector_scales = True

    def for_batch(self, width: int) -> "KineticFlow":
        """This flow with the engine's evaluation fixed for ``width`` coupling vectors (:meth:`DerivedFlow.for_batch`)."""
        fixed = copy.copy(self)
        fixed.flow = self.flow.for_batch(width)
        return fixed

    def _window(self, t):
        if np.ndim(t):
            k = np.exp(np.asarray(t, dtype=float))
            window = np.asarray(self.kinetic.window(k), dtype=float)
            return window, window * np.asarray(self.kinetic.log_derivative(k), dtype=float)
        k = math.exp(float(t))
        window = float(self.kinetic.window(k))
        weight = window * float(self.kinetic.log_derivative(k))
        return window, weight

    def beta_dimensionful(self, t, couplings):
        """d g_I/dt (dimensionful) with L_n = N(k) k P_kin'(k) / (P_kin(k) + m)^n."""
        window, weight = self._window(t)
        return self.flow.beta_dimensionful_with(t, couplings, window=window, weight=weight)

    def beta(self, couplings, t=None):
        """d g~/dt of the dimensionless couplings g~ = g k^-[g] (needs t unless "p2")."""
        if self.autonomous:
            return self.flow.beta(couplings, t)
        if t is None:
            raise InvalidArgumentError(f"the flow with the {self.kinetic.name!r} kinetic function is not autonomous "
                                       "(the kinetic function has a scale); pass t = ln k")
        g = np.asarray(couplings, dtype=float)
        dims = self.dimensions if g.ndim == 1 else self.dimensions[:, None]
        if np.ndim(t):
            scale = np.exp(np.asarray(t, dtype=float)[None, :] * dims)
        else:
            scale = np.exp(float(t) * dims)
        return self.beta_dimensionful(t, g * scale) / scale - dims * g

    def eta(self, couplings, t=None):
        """Zero (LPA)."""
        return np.zeros(np.shape(couplings)[1:])

    def validity(self, couplings, t=None):
        """1 + m/P_kin(k) at dimensionless couplings (m = mass_factor g~_2 k^2): the threshold denominator."""
        g = np.asarray(couplings, dtype=float)
        mass = self.flow.mass_factor * g[self.flow.mass_index]
        if t is None or self.kinetic.is_p2:
            return (1.0 + mass)[None, ...]
        if np.ndim(t):
            inv_p = np.asarray(self.kinetic.dimensionless(np.exp(np.asarray(t, dtype=float)))[0], dtype=float)
        else:
            inv_p = float(self.kinetic.dimensionless(math.exp(float(t)))[0])
        return (1.0 + mass * inv_p)[None, ...]

    def to_dimensionless(self, t, couplings):
        """g~ = g k^-[g]."""
        return self.flow.to_dimensionless(t, couplings)

    def __repr__(self):
        return f"KineticFlow({self.kinetic!r}, names={self.names})"
