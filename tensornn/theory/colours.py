"""Colours of a field: mode sets with kinetic eigenvalues and their counting functions.

Every colour c of a field carries modes i with kinetic eigenvalues e_c(i) >= 0 (docs/theory/flow.md).
With the Litim regulator every loop reduces to the counting function

    N_c(x) = #{modes i : e_c(i) <= x},     x = k^s,

and its first moment M_c(x) = sum_{e_c(i) <= x} e_c(i); smooth regulators sum functions of e_c(i)
over the modes, listed by :meth:`Colour.spectrum` as distinct values with their degeneracies.
Kinds (the registry :data:`COLOUR_KINDS`, looked up by :func:`get_colour_kind`):

- ``FlatColour(size)``: N modes, all e = 0 (a tensor index or an internal O(N) index);
- ``LatticeColour(dimension, power, cutoff=None)``: p in Z^D, the momenta of the torus U(1)^D,
  e = |p|^s, exact finite sums; ``cutoff=L`` keeps |p_i| <= L ((2L + 1)^D modes);
- ``SU2Colour(cutoff=None, power=2)``: the Peter-Weyl modes of SU(2), spins j = 0, 1/2, 1, ...
  with e = (j (j + 1))^(s/2) (the Laplacian for s = 2) and multiplicity (2j + 1)^2;
  ``cutoff=J`` keeps j <= J;
- ``ContinuumColour(dimension, power, scale, density)``: p in R^D, e = a |p|^s, counting per unit
  volume with density 1/(2 pi)^D (or a given density, e.g. 1 for the continuum approximation of
  lattice sums);
- ``EmpiricalColour(eigenvalues)``: a given spectrum, e.g. ``from_covariance`` with
  e = 1/lambda - 1/lambda_max.

Each colour has a role: ``"pairing"`` (its legs are paired by bubble edges, tensor invariance)
or ``"local"`` (all legs of an interaction share its coordinate). Lattice and SU(2) colours have a
:meth:`continuum_approximation`: the continuum colour with the same large-k counting function
(Weyl's law), N(x) ~ x^(D/s) for U(1)^D and N(x) ~ (8/3) x^(3/s) for SU(2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import gamma, pi

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..errors import InvalidArgumentError

__all__ = [
    "Colour",
    "FlatColour",
    "LatticeColour",
    "SU2Colour",
    "ContinuumColour",
    "EmpiricalColour",
    "ROLES",
    "COLOUR_KINDS",
    "get_colour_kind",
]

ROLES = ("pairing", "local")


def _check_role(role):
    return check_choice("role", role, ROLES)


class Colour:
    """Common interface of the colour kinds (see the module docstring)."""

    kind: str
    role: str

    @property
    def discrete(self) -> bool:
        """True when the modes are a list (counted exactly), False for a continuum."""
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
    def n_modes(self) -> int | None:
        """Total number of modes (None when unbounded)."""
        return None

    @property
    def zero_mode(self) -> float:
        """Kinetic eigenvalue of the lowest mode (the value a colour outside a loop takes)."""
        return 0.0

    def spectrum(self, x_max: float) -> tuple[np.ndarray, np.ndarray]:
        """Distinct eigenvalues e <= x_max (sorted) and their degeneracies (discrete colours only)."""
        raise NotImplementedError

    def eigenvalues(self, x_max: float) -> np.ndarray:
        """All eigenvalues e <= x_max, sorted, each repeated by its degeneracy (discrete colours only)."""
        values, weights = self.spectrum(x_max)
        return np.repeat(values, weights.astype(np.int64))

    def count(self, x) -> np.ndarray:
        """N_c(x) = number (or volume) of modes with e <= x."""
        values, weights = self.spectrum(float(np.max(x)))
        cum = np.concatenate([[0.0], np.cumsum(weights)])
        return cum[np.searchsorted(values, np.asarray(x, dtype=float), side="right")]

    def moment(self, x) -> np.ndarray:
        """M_c(x) = sum of e over the modes with e <= x."""
        values, weights = self.spectrum(float(np.max(x)))
        cum = np.concatenate([[0.0], np.cumsum(values * weights)])
        return cum[np.searchsorted(values, np.asarray(x, dtype=float), side="right")]

    def describe(self) -> str:
        """One line saying what the modes are (used in printed equations)."""
        return self.kind


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

    @property
    def n_modes(self) -> int:
        return self.size

    def spectrum(self, x_max: float):
        return np.zeros(1), np.array([float(self.size)])

    def describe(self) -> str:
        return f"flat index of size {self.size} (e = 0)"


def _cached_spectrum(colour, x_max, build):
    """Spectrum up to x_max, from a cache that is extended (doubling the reach) when needed."""
    cache = colour._cache
    if x_max > cache["x_max"]:
        reach = max(2.0 * x_max, 1.0)
        values, weights = build(reach)
        cache["x_max"], cache["values"], cache["weights"] = reach, values, weights
    values, weights = cache["values"], cache["weights"]
    stop = np.searchsorted(values, x_max, side="right")
    return values[:stop], weights[:stop]


@dataclass(frozen=True)
class LatticeColour(Colour):
    """Momenta p in Z^D (the torus U(1)^D), e = |p|^s; N_c(x) = #{p : |p|^s <= x}, counted exactly.

    Parameters
    ----------
    dimension : int
        D, the dimension of the torus.
    power : float
        s in e = |p|^s (|p| the Euclidean norm).
    role : {"pairing", "local"}
    cutoff : int or None
        L: keep the modes with |p_i| <= L in every direction ((2L + 1)^D modes, a tensor index of
        size 2L + 1 per torus direction); None keeps every momentum.
    """

    dimension: int = 1
    power: float = 2.0
    role: str = "pairing"
    cutoff: int | None = None
    kind: str = field(default="lattice", init=False)

    def __post_init__(self):
        check_int("dimension", self.dimension, minimum=1, maximum=6)
        check_real("power", self.power, positive=True)
        _check_role(self.role)
        if self.cutoff is not None:
            check_int("cutoff", self.cutoff, minimum=0, maximum=10**6)
        object.__setattr__(self, "_cache", {"x_max": -1.0})

    @property
    def nominal_dimension(self) -> float:
        return float(self.dimension)

    @property
    def n_modes(self) -> int | None:
        return None if self.cutoff is None else (2 * self.cutoff + 1) ** self.dimension

    def _build(self, reach):
        radius = int(np.floor(reach ** (1.0 / self.power) + 1e-9))
        if self.cutoff is not None:
            radius = min(radius, self.cutoff)
        if self.dimension == 1:
            p = np.arange(radius + 1, dtype=float)
            values = p**self.power
            weights = np.where(p == 0, 1.0, 2.0)
        else:
            axis = np.arange(-radius, radius + 1, dtype=float)
            norm2 = np.zeros(())
            for _ in range(self.dimension):
                norm2 = np.add.outer(norm2, axis**2)
            values, counts = np.unique(norm2.ravel(), return_counts=True)
            values = values ** (self.power / 2)
            weights = counts.astype(float)
        keep = values <= reach * (1 + 1e-12)
        return values[keep], weights[keep]

    def spectrum(self, x_max: float):
        return _cached_spectrum(self, float(x_max), self._build)

    def continuum_approximation(self) -> "ContinuumColour":
        """R^D with density 1 (Weyl's law for Z^D): N(x) ~ Vol{|p|^s <= x}, same role."""
        return ContinuumColour(self.dimension, power=self.power, density=1.0, role=self.role)

    def describe(self) -> str:
        group = "U(1)" if self.dimension == 1 else f"U(1)^{self.dimension}"
        size = "all momenta" if self.cutoff is None else f"|p_i| <= {self.cutoff}"
        return f"{group} modes p in Z^{self.dimension}, e = |p|^{self.power:g}, exact sums, {size}"


@dataclass(frozen=True)
class SU2Colour(Colour):
    """Peter-Weyl modes of SU(2): spins j = 0, 1/2, 1, ..., e = (j(j+1))^(s/2), multiplicity (2j+1)^2.

    The Laplacian on SU(2) (s = 2) has eigenvalues j (j + 1) on the (2j + 1)^2 matrix elements of
    the spin-j representation; N(x) = sum_{j(j+1) <= x} (2j + 1)^2 ~ (8/3) x^(3/2) (Weyl's law for a
    three-dimensional group), so the nominal dimension is 3.

    Parameters
    ----------
    cutoff : float or None
        J: keep the spins j <= J (a non-negative multiple of 1/2); None keeps every spin.
    power : float
        s; 2 gives the Laplacian.
    role : {"pairing", "local"}

    Examples
    --------
    >>> SU2Colour().count([0.0, 0.75, 2.0]).tolist()  # j = 0; j = 1/2 (4 modes); j = 1 (9 modes)
    [1.0, 5.0, 14.0]
    """

    cutoff: float | None = None
    power: float = 2.0
    role: str = "pairing"
    kind: str = field(default="su2", init=False)

    def __post_init__(self):
        if self.cutoff is not None:
            cutoff = check_real("cutoff", self.cutoff, minimum=0.0, maximum=1e5)
            if not float(2 * cutoff).is_integer():
                raise InvalidArgumentError(
                    f"cutoff must be a spin: a non-negative multiple of 1/2 (0, 0.5, 1, ...), got {self.cutoff!r}")
            object.__setattr__(self, "cutoff", cutoff)
        check_real("power", self.power, positive=True)
        _check_role(self.role)
        object.__setattr__(self, "_cache", {"x_max": -1.0})

    @property
    def nominal_dimension(self) -> float:
        return 3.0

    @property
    def n_modes(self) -> int | None:
        if self.cutoff is None:
            return None
        top = int(round(2 * self.cutoff)) + 1
        return top * (top + 1) * (2 * top + 1) // 6

    def _build(self, reach):
        # n = 2j + 1: j (j + 1) = (n^2 - 1)/4, multiplicity n^2
        top = int(np.floor(np.sqrt(4 * reach ** (2.0 / self.power) + 1) + 1e-9))
        if self.cutoff is not None:
            top = min(top, int(round(2 * self.cutoff)) + 1)
        n = np.arange(1, top + 1, dtype=float)
        values = ((n * n - 1) / 4) ** (self.power / 2)
        keep = values <= reach * (1 + 1e-12)
        return values[keep], (n * n)[keep]

    def spectrum(self, x_max: float):
        return _cached_spectrum(self, float(x_max), self._build)

    def continuum_approximation(self) -> "ContinuumColour":
        """R^3 with density 2/pi: N(x) = (2/pi)(4 pi/3) x^(3/s) = (8/3) x^(3/s), Weyl's law for SU(2)."""
        return ContinuumColour(3, power=self.power, density=2.0 / pi, role=self.role)

    def describe(self) -> str:
        size = "all spins" if self.cutoff is None else f"j <= {self.cutoff:g}"
        law = "j(j+1)" if self.power == 2 else f"(j(j+1))^{self.power / 2:g}"
        return f"SU(2) Peter-Weyl modes, e = {law}, multiplicity (2j+1)^2, exact sums, {size}"


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
    density: float = None  # type: ignore[assignment]  # None means 1/(2 pi)^D, resolved in __post_init__
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

    def describe(self) -> str:
        density = ("1/(2 pi)^D" if abs(self.density - (2 * pi) ** (-self.dimension)) < 1e-15 * self.density
                   else f"{self.density:.6g}")
        scale = "" if abs(self.scale - 1.0) < 1e-12 else f"{self.scale:.6g} "
        return f"continuum p in R^{self.dimension}, e = {scale}|p|^{self.power:g}, density {density}"


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
    _spectrum: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        ev = np.sort(np.asarray(self.values, dtype=float).ravel())
        if ev.size == 0 or not np.all(np.isfinite(ev)) or ev[0] < 0:
            raise InvalidArgumentError(
                f"values must be a non-empty list of finite eigenvalues >= 0, got {len(ev)} values"
                + (f" with minimum {ev[0]!r}" if ev.size else "")
            )
        object.__setattr__(self, "values", tuple(ev.tolist()))
        distinct, counts = np.unique(ev, return_counts=True)
        object.__setattr__(self, "_spectrum", (distinct, counts.astype(float)))
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
    def n_modes(self) -> int:
        return len(self.values)

    @property
    def zero_mode(self) -> float:
        return float(self._spectrum[0][0])

    def spectrum(self, x_max: float):
        values, weights = self._spectrum
        stop = np.searchsorted(values, x_max, side="right")
        return values[:stop], weights[:stop]

    def describe(self) -> str:
        return f"empirical spectrum of {len(self.values)} modes"


COLOUR_KINDS = {
    "flat": FlatColour,
    "lattice": LatticeColour,
    "su2": SU2Colour,
    "continuum": ContinuumColour,
    "empirical": EmpiricalColour,
}
"""Registry: kind name -> colour class."""


def get_colour_kind(kind: str) -> type:
    """The colour class registered as ``kind``; an unknown name raises, listing the valid ones.

    Examples
    --------
    >>> get_colour_kind("su2").__name__
    'SU2Colour'
    """
    if not isinstance(kind, str) or kind not in COLOUR_KINDS:
        raise InvalidArgumentError(
            f"unknown colour kind {kind!r}; valid kinds: {', '.join(repr(k) for k in COLOUR_KINDS)}")
    return COLOUR_KINDS[kind]
