"""The trajectory of a functional LPA flow (:func:`tensornn.flow.functional_flow.functional_flow`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._json import finite
from .._checks import check_int
from .chebyshev import ChebyshevGrid
from .potential import litim_volume
from .result import FlowTrajectory

__all__ = ["FunctionalFlowResult"]


@dataclass(frozen=True, repr=False)
class FunctionalFlowResult:
    """A flow of the full LPA potential: its :class:`~tensornn.flow.result.FlowTrajectory` seen as a potential.

    The trajectory records U'(rho) (or u'(r)) at the grid points; this view adds the grid and reads
    the couplings at rho = 0 and the potential in either frame. Status, message and scales are those
    of the trajectory.

    Attributes
    ----------
    dim, n_components : float
    kinetic : str
        Name of the kinetic function ("p2", "gauss", "custom").
    points : ndarray, shape (n + 1,)
        The grid: r (dimensionless frame) or rho (dimensionful frame).
    trajectory : FlowTrajectory
        The integrated grid values (``values`` of shape (n + 1, m)), status, reason and message.
    diagnostics : dict
        ``edge_start``, ``edge_end``: 1 + U''/k^2 at the end of the grid (dimensionful frame)
        or ``boundary_decay`` (dimensionless) at both ends of the flow; ``chebyshev_tail`` at the end.
    """

    dim: float
    n_components: float
    kinetic: str
    points: np.ndarray
    trajectory: FlowTrajectory
    diagnostics: dict = field(default_factory=dict)

    @property
    def dimensionless(self) -> bool:
        """The frame of the grid: True for w(r) on a fixed grid in r = k^(2-D) rho, False for W(rho) = U'(rho)."""
        return self.trajectory.dimensionless

    @property
    def t(self) -> np.ndarray:
        """RG times t = ln k, in the direction of integration; the last entry is where the flow stopped."""
        return self.trajectory.t

    @property
    def k(self) -> np.ndarray:
        return self.trajectory.k

    @property
    def values(self) -> np.ndarray:
        """w(r) = U'/k^2 or W(rho) = U'(rho) at the grid points along the flow, shape (n + 1, m)."""
        return self.trajectory.values

    @property
    def status(self) -> str:
        return self.trajectory.status

    @property
    def message(self) -> str:
        return self.trajectory.message

    @property
    def violated(self) -> str | None:
        """The threshold denominator that reached zero (status "pole"), with the place where it did."""
        return self.trajectory.violated if self.status == "pole" else None

    @property
    def k_stop_reached(self) -> float:
        return self.trajectory.k_stop_reached

    @property
    def nfev(self) -> int:
        return self.trajectory.nfev

    @property
    def success(self) -> bool:
        return self.trajectory.success

    @property
    def grid(self) -> ChebyshevGrid:
        """The collocation grid (in x = r / V_D for the dimensionless frame, in rho otherwise)."""
        length = float(self.points[-1]) / (litim_volume(self.dim) if self.dimensionless else 1.0)
        return ChebyshevGrid(len(self.points) - 1, length)

    @property
    def names(self) -> tuple[str, ...]:
        return ("g2", "g4", "g6")

    def couplings(self, order: int = 3, *, dimensionless: bool = False) -> np.ndarray:
        """g_2, ..., g_{2 order} of U = sum_n g_{2n} (phi.phi)^n at rho = 0 along the flow, shape (order, m).

        The normalisation of the engine's scalar and O(N) presets (g_{2n} = U^(n)(0) / (n! 2^n));
        dimensionful unless ``dimensionless`` (g~_{2n} = g_{2n} k^-(D - n (D - 2))).
        """
        order = check_int("order", order, minimum=1, maximum=6)
        grid = self.grid
        unit = litim_volume(self.dim) if self.dimensionless else 1.0  # d/dr = (1/V_D) d/dx
        out = np.empty((order, self.values.shape[1]))
        f = self.values
        for n in range(1, order + 1):
            out[n - 1] = f[0] / unit ** (n - 1) / (math.factorial(n) * 2**n)
            f = grid.d1 @ f
        dims = np.array([self.dim - n * (self.dim - 2.0) for n in range(1, order + 1)])
        if self.dimensionless and not dimensionless:
            out *= np.exp(np.outer(dims, self.t))
        elif dimensionless and not self.dimensionless:
            out *= np.exp(-np.outer(dims, self.t))
        return out

    def potential(self, index: int = -1, *, dimensionless: bool | None = None):
        """The grid and U' at the recorded point ``index``: (r, w) or (rho, W) (default: the frame's own)."""
        index = check_int("index", index, minimum=-len(self.t), maximum=len(self.t) - 1)
        dimensionless = self.dimensionless if dimensionless is None else bool(dimensionless)
        k = self.k[index]
        points, values = self.points.copy(), self.values[:, index].copy()
        if dimensionless and not self.dimensionless:
            return points * k ** (2.0 - self.dim), values / k**2
        if not dimensionless and self.dimensionless:
            return points * k ** (self.dim - 2.0), values * k**2
        return points, values

    def to_dict(self) -> dict:
        """JSON-ready (finite floats or None)."""
        g = self.couplings()
        return {
            "dim": self.dim, "n_components": self.n_components, "kinetic": self.kinetic,
            "dimensionless": self.dimensionless, "status": self.status, "message": self.message,
            "k_stop_reached": finite(self.k_stop_reached), "violated": self.violated, "nfev": self.nfev,
            "t": [finite(v) for v in self.t], "k": [finite(v) for v in self.k],
            "grid": {"variable": "r" if self.dimensionless else "rho", "points": [finite(v) for v in self.points]},
            "values": [[finite(v) for v in row] for row in self.values.T],
            "couplings": {n: [finite(v) for v in row] for n, row in zip(self.names, g)},
            "diagnostics": {key: finite(v) if isinstance(v, float) else v for key, v in self.diagnostics.items()},
        }

    def __repr__(self) -> str:
        g = ", ".join(f"{n}={v:.6g}" for n, v in zip(self.names, self.couplings()[:, -1]))
        frame = "dimensionless" if self.dimensionless else "dimensionful"
        return (f"FunctionalFlowResult(status={self.status!r}, D={self.dim:g}, N={self.n_components:g}, "
                f"kinetic={self.kinetic!r}, {frame} grid of {len(self.points)} points, k: {self.k[0]:.6g} -> "
                f"{self.k_stop_reached:.6g}, dimensionful at rho = 0 {{{g}}}, message={self.message!r})")
