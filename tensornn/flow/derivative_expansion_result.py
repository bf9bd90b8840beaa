"""The result of the derivative-expansion fixed-point solver: functions, exponents, eta and convergence evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._checks import check_int
from .._json import finite, number
from .chebyshev import ChebyshevGrid
from .potential import litim_volume
from .stability import nu_omega, relevant_count

__all__ = ["DerivativeExpansionFixedPoint", "STATUSES"]

#: Outcomes of a solve: converged; Newton's method stopped above tolerance; no solution was found.
STATUSES = ("converged", "unconverged", "failed")


@dataclass(frozen=True, repr=False)
class DerivativeExpansionFixedPoint:
    """The Wilson-Fisher fixed point of the O(N) model at one order of the derivative expansion.

    Attributes
    ----------
    dim, n_components : float
        D and N.
    regulator : str
        Registry name of the regulator (:data:`~tensornn.theory.REGULATORS`).
    order : {"lpa", "lpa_prime", "d2"}
        "lpa": Z = 1, Y = 0, eta = 0; "lpa_prime": Z independent of rho, eta from the p^2 coefficient
        of the two-point function at the minimum; "d2": Z(rho) and Y(rho) (Y only for N > 1).
    normalisation : {"minimum", "origin"}
        Where z = 1: at the minimum of the potential or at rho = 0 ("lpa": no normalisation, eta = 0).
    r : ndarray, shape (n + 1,)
        Grid points r = Zbar k^(2-D) rho (dimensionless, the loop factor V_D kept, as in
        :class:`~tensornn.flow.FunctionalFixedPoint`); x = r / V_D is the variable of the equations.
    w, z, y : ndarray, shape (n + 1,)
        u*'(r), z*(r) = Z/Zbar and y*(r) = Y k^(D-2)/Zbar^2 at the grid points, so that the longitudinal
        kinetic coefficient is z + r y (z = 1 and y = 0 where frozen; y = 0 for N = 1, where Y is redundant
        and z is the longitudinal Z).
    eta : float
        The anomalous dimension (0 for "lpa").
    r0 : float or None
        The minimum of the potential (w*(r0) = 0), None if there is none on the domain.
    exponents : ndarray, shape (k,)
        theta_1, theta_2, ... (largest real part first); theta > 0 relevant.
    eigenfunctions : ndarray, shape (k, n_fields, n + 1)
        The perturbations (dw, dz, dy) of each exponent at the grid points, scaled so that the largest
        |dw| is 1.
    residual : float
        Largest relative residual of the collocation equations and constraints.
    status : str
        One of :data:`STATUSES`.
    message : str
    diagnostics : dict
        ``newton_iterations``; ``boundary_decay`` (per function, I_f of
        :meth:`~tensornn.flow.derivative_expansion_problem.CollocationProblem.boundary_decay`);
        ``chebyshev_tail`` (per function); ``quadrature_nodes``; with ``check``: ``resolution_change``
        and ``domain_change`` (dicts of the changes of nu, omega and eta against a solve with 3/4 of the
        points and one on a 1.25 times longer domain), ``seconds``.
    flags : tuple of str
        Reasons not to trust the numbers (empty when every diagnostic passes).
    resolution : int
        Polynomial degree n.
    r_max : float
        Right end of the domain in r.
    """

    dim: float
    n_components: float
    regulator: str
    order: str
    normalisation: str
    r: np.ndarray
    w: np.ndarray
    z: np.ndarray
    y: np.ndarray
    eta: float
    r0: float | None
    exponents: np.ndarray
    eigenfunctions: np.ndarray
    residual: float
    status: str
    message: str
    diagnostics: dict = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    resolution: int = 0
    r_max: float = 0.0

    # ------------------------------------------------------------------ scalars
    @property
    def success(self) -> bool:
        """True when Newton's method converged (status "converged")."""
        return self.status == "converged"

    @property
    def grid(self) -> ChebyshevGrid:
        """The collocation grid in x = r / V_D."""
        return ChebyshevGrid(self.resolution, self.r_max / litim_volume(self.dim))

    @property
    def n_relevant(self) -> int:
        """Number of relevant directions (Re theta > 1e-8)."""
        return relevant_count(self.exponents)

    @property
    def nu(self) -> float:
        """1 / Re theta_1 (NaN without a relevant direction)."""
        return nu_omega(self.exponents)[0]

    @property
    def omega(self) -> float:
        """-Re theta of the least irrelevant direction (NaN if none was kept)."""
        return nu_omega(self.exponents)[1]

    # ------------------------------------------------------------------ functions
    def functions(self, r) -> dict:
        """w*, z*, yh* interpolated at ``r`` in [0, r_max] (a dict of arrays)."""
        x = np.asarray(r, dtype=float) / litim_volume(self.dim)
        grid = self.grid
        return {name: grid.interpolate(getattr(self, name), x) for name in ("w", "z", "y")}

    def eigenfunction(self, i: int, r) -> dict:
        """The perturbations (w, z, y) of the i-th exponent interpolated at ``r``."""
        i = check_int("i", i, minimum=0, maximum=len(self.exponents) - 1)
        x = np.asarray(r, dtype=float) / litim_volume(self.dim)
        grid, names = self.grid, ("w", "z", "y")[: self.eigenfunctions.shape[1]]
        out = {}
        for name, v in zip(names, self.eigenfunctions[i]):
            out[name] = (grid.interpolate(np.real(v), x) + 1j * grid.interpolate(np.imag(v), x)
                         if np.iscomplexobj(v) else grid.interpolate(v, x))
        return out

    # ------------------------------------------------------------------ output
    def to_dict(self) -> dict:
        """JSON-ready description (finite floats or None; complex exponents as {real, imag})."""
        def clean(value):
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            return finite(value) if isinstance(value, float) else value

        return {
            "method": "derivative expansion",
            "order": self.order,
            "regulator": self.regulator,
            "normalisation": self.normalisation,
            "dim": self.dim,
            "n_components": self.n_components,
            "eta": finite(self.eta),
            "nu": finite(self.nu),
            "omega": finite(self.omega),
            "theta": [number(t) for t in self.exponents],
            "n_relevant": self.n_relevant,
            "r0": None if self.r0 is None else finite(self.r0),
            "status": self.status,
            "message": self.message,
            "flags": list(self.flags),
            "residual": finite(self.residual),
            "diagnostics": clean(self.diagnostics),
            "resolution": self.resolution,
            "r_max": finite(self.r_max),
            "r": [finite(v) for v in self.r],
            "w": [finite(v) for v in self.w],
            "z": [finite(v) for v in self.z],
            "y": [finite(v) for v in self.y],
        }

    def __repr__(self) -> str:
        if self.status == "failed":
            return (f"DerivativeExpansionFixedPoint({self.order}, {self.regulator}, D={self.dim:g}, "
                    f"N={self.n_components:g}: failed: {self.message})")
        theta = ", ".join(_fmt(t) for t in self.exponents[: min(3, len(self.exponents))])
        state = self.status if not self.flags else f"{self.status}, FLAGGED: " + "; ".join(self.flags)
        return (f"DerivativeExpansionFixedPoint({self.order}, {self.regulator}, z = 1 at the {self.normalisation}, "
                f"D={self.dim:g}, N={self.n_components:g}: eta={self.eta:.10g}, nu={self.nu:.10g}, "
                f"omega={self.omega:.10g}, theta=[{theta}, ...], residual={self.residual:.2g}, n={self.resolution}, "
                f"r_max={self.r_max:.4g}, {state})")


def _fmt(x) -> str:
    if np.iscomplexobj(x) and abs(np.imag(x)) > 0:
        return f"{np.real(x):.8g}{np.imag(x):+.8g}j"
    return f"{np.real(x):.10g}"
