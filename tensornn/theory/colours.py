"""Colours of a field: mode sets with kinetic eigenvalues and their counting functions.

Every colour c of a field carries modes i with kinetic eigenvalues e_c(i) >= 0 (docs/theory/flow.md).
With the Litim regulator every loop reduces to the counting function

    N_c(x) = #{modes i : e_c(i) <= x},     x = k^s,

and its first moment M_c(x) = sum_{e_c(i) <= x} e_c(i). Four kinds:

- ``FlatColour(size)``: N modes, all e = 0 (a tensor index or an internal O(N) index);
- ``LatticeColour(dimension, power)``: p in Z^D (torus momenta), e = |p|^s, exact finite sums;
- ``ContinuumColour(dimension, power, scale, density)``: p in R^D, e = a |p|^s, counting per unit
  volume with density 1/(2 pi)^D (or a given density, e.g. 1 for the continuum approximation of
  lattice sums);
- ``EmpiricalColour(eigenvalues)``: a given spectrum, e.g. ``from_covariance`` with
  e = 1/lambda - 1/lambda_max.

Each colour has a role: ``"pairing"`` (its legs are paired by bubble edges, tensor invariance)
or ``"local"`` (all legs of an interaction share its coordinate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import gamma, pi

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..errors import InvalidArgumentError

__all__ = ["Colour", "FlatColour", "LatticeColour", "ContinuumColour", "EmpiricalColour", "ROLES", "COLOUR_KINDS"]

ROLES = ("pairing", "local")


def _check_role(role):
    return check_choice("role", role, ROLES)


class Colour:
    """Common interface of the colour kinds (see the module docstring)."""

    kind: str
    role: str

    @property
    def discrete(self) -> bool:
        """True when the modes are a finite list (counted exactly), False for a continuum."""
        return True

    @property
    def nominal_dimension(self) -> float:
        """Power of k in N_c(k) for the continuum version of this colour (0 for a flat colour)."""
        raise NotImplementedError

    @property
    def power(self) -> float | None:
        """The exponent s of e = |p|^s (None for flat and empirical colours)."""
        return None

    @property
    def zero_mode(self) -> float:
        """Kinetic eigenvalue of the lowest mode (the value a colour outside a loop takes)."""
        return 0.0

    def eigenvalues(self, x_max: float) -> np.ndarray:
        """All eigenvalues e <= x_max, sorted (discrete colours only)."""
        raise NotImplementedError

    def count(self, x) -> np.ndarray:
        """N_c(x) = number (or volume) of modes with e <= x."""
        ev = self.eigenvalues(float(np.max(x)))
        return np.searchsorted(ev, np.asarray(x, dtype=float), side="right").astype(float)

    def moment(self, x) -> np.ndarray:
        """M_c(x) = sum of e over the modes with e <= x."""
        ev = self.eigenvalues(float(np.max(x)))
        cum = np.concatenate([[0.0], np.cumsum(ev)])
        return cum[np.searchsorted(ev, np.asarray(x, dtype=float), side="right")]


@dataclass(frozen=True)
class FlatColour(Colour):
    """N modes with e = 0: N_c(x) = N for every x >= 0."""

    size: int
    role: str = "pairing"
    kind: str = field(default="flat", init=False)

    def __post_init__(self):
        check_int("size", self.size, minimum=1)
        _check_role(self.role)

    @property
    def nominal_dimension(self) -> float:
        return 0.0

    def eigenvalues(self, x_max: float) -> np.ndarray:
        return np.zeros(self.size)


@dataclass(frozen=True)
class LatticeColour(Colour):
    """Momenta p in Z^D (a torus U(1)^D), e = |p|^s; N_c(x) = #{p : |p|^s <= x}, counted exactly."""

    dimension: int = 1
    power: float = 2.0
    role: str = "pairing"
    kind: str = field(default="lattice", init=False)

    def __post_init__(self):
        check_int("dimension", self.dimension, minimum=1, maximum=6)
        check_real("power", self.power, positive=True)
        _check_role(self.role)
        object.__setattr__(self, "_cache", {"x_max": -1.0, "ev": np.zeros(0)})

    @property
    def nominal_dimension(self) -> float:
        return float(self.dimension)

    def eigenvalues(self, x_max: float) -> np.ndarray:
        cache = self._cache
        if x_max <= cache["x_max"]:
            ev = cache["ev"]
            return ev[: np.searchsorted(ev, x_max, side="right")]
        reach = max(2.0 * x_max, 1.0)
        radius = int(np.floor(reach ** (1.0 / self.power) + 1e-9))
        axis = np.arange(-radius, radius + 1, dtype=float)
        norm2 = np.zeros(())
        for _ in range(self.dimension):
            norm2 = np.add.outer(norm2, axis**2)
        ev = np.sort(norm2.ravel() ** (self.power / 2))
        ev = ev[ev <= reach * (1 + 1e-12)]
        cache["x_max"], cache["ev"] = reach, ev
        return ev[: np.searchsorted(ev, x_max, side="right")]


def _ball_factor(dimension: float, power: float) -> float:
    """Volume of {p in R^D : |p|^s <= 1} = Omega_D Gamma(D/s) / (s Gamma(1 + D/s)), Omega_D = 2 pi^(D/2)/Gamma(D/2)."""
    omega = 2 * pi ** (dimension / 2) / gamma(dimension / 2)
    return omega * gamma(dimension / power) / power


@dataclass(frozen=True)
class ContinuumColour(Colour):
    """p in R^D with e = a |p|^s; N_c(x) = density * Vol{a |p|^s <= x}.

    ``density`` defaults to 1/(2 pi)^D (modes per unit volume); ``density=1`` is the continuum
    approximation of the lattice sum over Z^D. For one colour
    N_c(x) = density * Omega_D Gamma(D/s) / (s Gamma(1 + D/s)) * (x/a)^(D/s). The dimension D may be
    any real D > 0 (the volume of the unit ball continued in D, as in dimensional regularisation).
    """

    dimension: float = 1
    power: float = 2.0
    scale: float = 1.0
    density: float | None = None
    role: str = "local"
    kind: str = field(default="continuum", init=False)

    def __post_init__(self):
        dimension = check_real("dimension", self.dimension, positive=True)
        if float(dimension).is_integer():
            dimension = int(dimension)
        object.__setattr__(self, "dimension", dimension)
        check_real("power", self.power, positive=True)
        check_real("scale", self.scale, positive=True)
        if self.density is None:
            object.__setattr__(self, "density", (2 * pi) ** (-self.dimension))
        else:
            check_real("density", self.density, positive=True)
        _check_role(self.role)

    @property
    def discrete(self) -> bool:
        return False

    @property
    def nominal_dimension(self) -> float:
        return float(self.dimension)

    def prefactor(self) -> float:
        """C in N_c(x) = C x^(D/s): density * ball factor * a^(-D/s), without the Gamma(1 + D/s)."""
        return self.density * _ball_factor(self.dimension, self.power) * self.scale ** (-self.dimension / self.power)

    def count(self, x) -> np.ndarray:
        p = self.dimension / self.power
        x = np.maximum(np.asarray(x, dtype=float), 0.0)
        return self.prefactor() / gamma(1 + p) * x**p

    def moment(self, x) -> np.ndarray:
        p = self.dimension / self.power
        return p / (p + 1) * np.asarray(x, dtype=float) * self.count(x)


@dataclass(frozen=True)
class EmpiricalColour(Colour):
    """A given spectrum e_i >= 0 (sorted on construction); N_c(x) = #{i : e_i <= x}.

    ``dimension`` is the nominal power of k used to make couplings dimensionless (the flow is not
    autonomous; the effective dimension d ln N / d ln k is computed, not assumed).
    """

    values: tuple
    role: str = "pairing"
    dimension: float = 1.0
    kind: str = field(default="empirical", init=False)

    def __post_init__(self):
        ev = np.sort(np.asarray(self.values, dtype=float).ravel())
        if ev.size == 0 or not np.all(np.isfinite(ev)) or ev[0] < 0:
            raise InvalidArgumentError(
                f"values must be a non-empty list of finite eigenvalues >= 0, got {len(ev)} values"
                + (f" with minimum {ev[0]!r}" if ev.size else "")
            )
        object.__setattr__(self, "values", tuple(ev.tolist()))
        object.__setattr__(self, "_ev", ev)
        check_real("dimension", self.dimension)
        _check_role(self.role)

    @classmethod
    def from_covariance(cls, variances, role: str = "pairing", dimension: float = 1.0) -> "EmpiricalColour":
        """Spectrum e = 1/lambda - 1/lambda_max from covariance eigenvalues lambda > 0 (largest variance = IR)."""
        lam = np.asarray(variances, dtype=float).ravel()
        if lam.size == 0 or np.any(~(lam > 0)):
            raise InvalidArgumentError("variances must be positive covariance eigenvalues")
        return cls(tuple((1 / lam - 1 / lam.max()).tolist()), role=role, dimension=dimension)

    @property
    def nominal_dimension(self) -> float:
        return float(self.dimension)

    @property
    def zero_mode(self) -> float:
        return float(self._ev[0])

    def eigenvalues(self, x_max: float) -> np.ndarray:
        return self._ev[: np.searchsorted(self._ev, x_max, side="right")]


COLOUR_KINDS = {"flat": FlatColour, "lattice": LatticeColour, "continuum": ContinuumColour, "empirical": EmpiricalColour}
