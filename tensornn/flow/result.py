"""The result of every flow: one trajectory type, one status table, messages built from fields.

:class:`FlowTrajectory` records a flow the way it was integrated (scales ``t = ln(k/unit)`` and
values in the units of ``unit``, dimensionless or dimensionful), with the units as data: ``unit``
(a mass, 1 for absolute units) and ``unit_name`` ("m0", "m"; "" for absolute units). Scales and
couplings are returned in absolute units (``k``, ``couplings``) or converted between the frames
(``dimensionful_couplings``, ``dimensionless_couplings``) from the canonical dimensions. How the flow
ended is a status of :data:`STATUSES` with a reason of :data:`REASONS`; the message is built from the
reason's template and the trajectory's fields (the stopping scale in the trajectory's units, the
violated component, the bound), never edited after the fact. :class:`FlowBatch` holds the members of
a batch (:func:`tensornn.flow.run_flows`), each with its own status and stopping scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .._frames import repr_html, to_frame
from .._json import finite
from ..errors import InvalidArgumentError

__all__ = ["FlowTrajectory", "FlowBatch", "STATUSES", "REASONS", "CAUSES"]

#: How a flow can end: "completed" (it reached k_stop), "pole" (a validity component crossed zero: the
#: truncation left its range of validity), "diverged" (a coupling blew up or became non-finite),
#: "failed" (the integrator gave up for another reason).
STATUSES = ("completed", "pole", "diverged", "failed")

#: Why a flow stopped: reason -> (status, message template). The templates are filled from the
#: trajectory's fields: ``where`` ("k = 0.5", or "k/m0 = 0.5" in the units of a mass), ``violated``,
#: and the numbers of ``detail`` (``bound``, ``value``, ``growth``, ``cause``, ...).
REASONS = {
    "reached": ("completed", "the flow reached k_stop"),
    "validity": ("pole", "the flow left the range of validity at {where}: {violated} crossed zero"),
    "initial_validity": ("pole", "the initial couplings lie outside the range of validity: {violated} = "
                                 "{value:.6g} <= 0"),
    "threshold": ("pole", "a threshold denominator reached zero at {where}: {violated}"),
    "initial_threshold": ("pole", "the initial potential lies beyond a threshold pole: {violated} <= 0"),
    "blowup": ("diverged", "{what} exceeded the blow-up bound {bound:.3g} (or became non-finite) at {where}"),
    "initial_blowup": ("diverged", "the initial values are not finite or exceed the blow-up bound {bound:.3g}"),
    "initial_nonfinite": ("diverged", "the beta functions are not finite at the initial couplings"),
    "float_range": ("diverged", "the beta functions are not representable in float64 near {where} (powers of k "
                                "over- or underflow); keep the scales nearer 1 or measure k in other units"),
    "stalled_blowup": ("diverged", "the couplings blew up near {where} ({cause})"),
    "stalled_growth": ("diverged", "the couplings grew by a factor {growth:.3g} and {cause} near {where} "
                                   "(a blow-up)"),
    "stalled_pole": ("pole", "the flow stalled at {where} where {violated} = {value:.3g} approaches zero ({cause})"),
    "stalled": ("failed", "{cause} at {where}"),
    "max_steps": ("failed", "no result after max_steps = {max_steps} steps ({where})"),
    "grid_edge": ("failed", "the potential's structure reached the end of the grid ({violated}) at {where}: the "
                            "loops are not negligible there; pass a larger grid_max"),
}

#: Why an integrator stopped early (the ``cause`` of the "stalled" reasons), filled from ``detail``.
CAUSES = {
    "step_collapse": "the step size collapsed",
    "solver": "the integrator failed: {solver_message}",
    "error": "the integrator stopped with an error: {error}",
    "float_range": "the beta functions left the float64 range (powers of k over- or underflow) beyond the last "
                   "point; keep the scales nearer 1 or measure k in other units",
}


def _message(reason: str, where: str, violated, detail: dict) -> str:
    fields = dict(detail)
    fields.setdefault("what", "a coupling")
    if "cause" in fields:
        fields["cause"] = CAUSES[fields["cause"]].format(**fields)
    return REASONS[reason][1].format(where=where, violated=violated, **fields)


@dataclass(frozen=True, repr=False)
class FlowTrajectory:
    """A flow between two scales and how it ended.

    Attributes
    ----------
    t : ndarray, shape (m,)
        ``ln(k/unit)`` at the recorded points, in the direction of integration; the last entry is
        where the flow stopped.
    values : ndarray, shape (n, m)
        The integrated quantities along the flow, ordered as ``names``: couplings in the units of
        ``unit`` (``g unit^-[g]``), dimensionless (``g k^-[g]``) when ``dimensionless``; or, for the
        functional LPA, the potential's derivative at the grid points.
    names : tuple of str
    reason : str
        Why the flow stopped (a key of :data:`REASONS`; it fixes ``status``).
    dimensionless : bool
        Whether ``values`` are dimensionless.
    dimensions : ndarray, shape (n,), optional
        Canonical dimensions [g] (powers of k); None when the values are not couplings.
    unit : float
        The mass in whose units the flow was integrated (k = unit exp(t)); 1 for absolute units.
    unit_name : str
        Its name in messages ("m0" gives "k/m0 = ..."); "" for absolute units.
    violated : str or None
        The validity component that crossed zero (status "pole"), or the place of a grid failure.
    detail : dict
        Numbers of the message (``bound``, ``value``, ``growth``, ``cause``, ...).
    nfev : int
        Evaluations of the right-hand side.
    conventions : dict
        The system's conventions (regulator, eta in d_t R, LPA or LPA', projection), when declared.
    n_legs : tuple of int, optional
        Legs of each coupling (engine flows), for :meth:`potential`.
    eta : ndarray, shape (m,), optional
        Anomalous dimension along the flow (flows from infrared data).
    k_start, k_stop : float
        The requested scales (absolute units).
    initial : dict
        Couplings at ``k_start`` by name (flows from infrared data).
    source : str
        Where the initial data came from ("fit", "exact", "measured", ...), as the caller says.

    Examples
    --------
    >>> traj = FlowTrajectory(t=np.array([0.0, -1.0]), values=np.array([[1.0, 2.0]]), names=("g",),
    ...                       reason="validity", violated="1 + g", unit=2.0, unit_name="m0")
    >>> traj.status, traj.message
    ('pole', 'the flow left the range of validity at k/m0 = 0.367879: 1 + g crossed zero')
    """

    t: np.ndarray
    values: np.ndarray
    names: tuple
    reason: str
    dimensionless: bool = False
    dimensions: np.ndarray | None = None
    unit: float = 1.0
    unit_name: str = ""
    violated: str | None = None
    detail: dict = field(default_factory=dict)
    nfev: int = 0
    conventions: dict = field(default_factory=dict)
    n_legs: tuple | None = None
    eta: np.ndarray | None = None
    k_start: float | None = None
    k_stop: float | None = None
    initial: dict = field(default_factory=dict)
    source: str = ""

    def __post_init__(self):
        if self.reason not in REASONS:
            raise InvalidArgumentError(f"reason must be one of {', '.join(REASONS)}, got {self.reason!r}")

    # ------------------------------------------------------------------ how it ended
    @property
    def status(self) -> str:
        """One of :data:`STATUSES`, fixed by ``reason``."""
        return REASONS[self.reason][0]

    @property
    def success(self) -> bool:
        """True when the flow reached ``k_stop``."""
        return self.status == "completed"

    @property
    def k_stop_reached(self) -> float:
        """The scale where the integration stopped (absolute units)."""
        return float(self.unit * np.exp(self.t[-1]))

    @property
    def where(self) -> str:
        """The stopping scale as the messages say it: "k = ..." or "k/<unit_name> = ..."."""
        scale = "k" if not self.unit_name else f"k/{self.unit_name}"
        return f"{scale} = {math.exp(float(self.t[-1])):.6g}"

    @property
    def message(self) -> str:
        """What happened, in words, built from the reason and the fields."""
        return _message(self.reason, self.where, self.violated, self.detail)

    # ------------------------------------------------------------------ scales and couplings
    @property
    def k(self) -> np.ndarray:
        """Scales in absolute units, ``unit exp(t)``."""
        return self.unit * np.exp(self.t)

    def _dimensions(self) -> np.ndarray:
        if self.dimensions is None:
            raise InvalidArgumentError("this trajectory's values are not couplings with canonical dimensions "
                                       "(a functional flow): convert them with its own view")
        return np.asarray(self.dimensions, dtype=float)

    @property
    def couplings(self) -> np.ndarray:
        """The values in absolute units, in the frame of the integration (``dimensionless`` or not); (n, m)."""
        if self.dimensionless or self.unit == 1.0 or self.dimensions is None:
            return self.values
        return self.values * (self.unit ** self._dimensions())[:, None]

    def dimensionful_couplings(self) -> np.ndarray:
        """g(k) in absolute units, shape (n, m)."""
        if not self.dimensionless:
            return self.couplings
        return self.values * np.exp(np.outer(self._dimensions(), np.log(self.k)))

    def dimensionless_couplings(self) -> np.ndarray:
        """g(k) k^-[g], shape (n, m)."""
        if self.dimensionless:
            return self.values
        return self.couplings * np.exp(-np.outer(self._dimensions(), np.log(self.k)))

    @property
    def final(self) -> dict[str, float]:
        """Couplings at the last recorded scale, by name (the frame of ``couplings``)."""
        return {name: float(value) for name, value in zip(self.names, self.couplings[:, -1])}

    def potential(self, n_legs: int, *, dimensionless: bool = False) -> np.ndarray:
        """``u_n(k) = n! sum_{I: n legs} g_I(k)``: the coefficient of ``phi^n/n!`` on a constant field."""
        if self.n_legs is None:
            raise InvalidArgumentError("potential() needs the legs of the couplings (flows of the one-loop engine)")
        g = self.dimensionless_couplings() if dimensionless else self.dimensionful_couplings()
        rows = np.asarray(self.n_legs) == n_legs
        return math.factorial(n_legs) * g[rows].sum(axis=0)

    # ------------------------------------------------------------------ records
    def _table(self):
        return {"t": self.t, "k": self.k, **dict(zip(self.names, self.couplings))}, "k"

    def to_frame(self):
        """One row per recorded scale: t = ln k, k (the index) and every coupling, as a pandas DataFrame (needs
        pandas: ``pip install 'tensornn[pandas]'``)."""
        return to_frame(self)

    def _repr_html_(self) -> str:
        return repr_html(self)

    def to_dict(self) -> dict:
        """JSON-ready record (non-finite values as None)."""
        couplings = {n: [finite(v) for v in row] for n, row in zip(self.names, self.couplings)}
        potential = None
        if self.n_legs is not None:
            potential = {f"u{n}": [finite(v) for v in self.potential(n)] for n in sorted(set(self.n_legs))}
        return {
            "status": self.status, "reason": self.reason, "message": self.message, "violated": self.violated,
            "k_start": finite(self.k_start), "k_stop": finite(self.k_stop),
            "k_stop_reached": finite(self.k_stop_reached), "unit": float(self.unit), "unit_name": self.unit_name,
            "dimensionless": bool(self.dimensionless), "names": list(self.names),
            "t": [finite(v) for v in self.t], "k": [finite(v) for v in self.k], "couplings": couplings,
            "potential": potential, "eta": None if self.eta is None else [finite(v) for v in self.eta],
            "initial": {n: finite(v) for n, v in self.initial.items()}, "source": self.source,
            "nfev": int(self.nfev), "conventions": dict(self.conventions),
        }

    def __repr__(self) -> str:
        kind = "dimensionless" if self.dimensionless else "dimensionful"
        final = ", ".join(f"{n}={v:.6g}" for n, v in list(self.final.items())[:8])
        more = ", ..." if len(self.names) > 8 else ""
        source = f"source={self.source!r}, " if self.source else ""
        return (f"FlowTrajectory({source}status={self.status!r}, k: {self.k[0]:.6g} -> {self.k_stop_reached:.6g}, "
                f"{len(self.t)} points, {kind} final {{{final}{more}}}, message={self.message!r})")


@dataclass(frozen=True, repr=False)
class FlowBatch(Sequence):
    """The members of a batch of flows (:func:`tensornn.flow.run_flows`), each a :class:`FlowTrajectory`.

    Every member has its own status and stopping scale; the members that went on were not affected by
    those that stopped. ``batch[i]`` is member i; the array views stack the members.

    Attributes
    ----------
    members : tuple of FlowTrajectory
    grid : ndarray, shape (p,)
        The common recorded scales ``ln(k/unit)`` (``n_points`` equally spaced values from start to stop);
        a member records those it reaches, then its stopping point.
    """

    members: tuple
    grid: np.ndarray

    def __getitem__(self, index):
        return self.members[index]

    def __len__(self) -> int:
        return len(self.members)

    @property
    def status(self) -> np.ndarray:
        """Status of every member, shape (B,)."""
        return np.array([m.status for m in self.members])

    @property
    def k_stop_reached(self) -> np.ndarray:
        """Stopping scale of every member (absolute units), shape (B,)."""
        return np.array([m.k_stop_reached for m in self.members])

    @property
    def success(self) -> np.ndarray:
        """True for the members that reached k_stop, shape (B,)."""
        return self.status == "completed"

    @property
    def k(self) -> np.ndarray:
        """The common recorded scales in absolute units, shape (p,)."""
        unit = self.members[0].unit if self.members else 1.0
        return unit * np.exp(self.grid)

    def on_grid(self, kind: str = "couplings") -> np.ndarray:
        """Every member on the common grid, shape (B, n, p); nan beyond a member's stopping point.

        ``kind``: "couplings" (absolute units, the frame of the integration), "dimensionful" or
        "dimensionless".
        """
        choices = {"couplings": lambda m: m.couplings, "dimensionful": lambda m: m.dimensionful_couplings(),
                   "dimensionless": lambda m: m.dimensionless_couplings()}
        if kind not in choices:
            raise InvalidArgumentError(f"kind must be one of {', '.join(choices)}, got {kind!r}")
        n = len(self.members[0].names) if self.members else 0
        out = np.full((len(self.members), n, self.grid.size), np.nan)
        for i, member in enumerate(self.members):
            reached = min(int(np.sum(_on_grid(member.t, self.grid))), self.grid.size)
            out[i, :, :reached] = choices[kind](member)[:, :reached]
        return out

    def to_dict(self) -> dict:
        """JSON-ready record: one FlowTrajectory record per member."""
        return {"members": [m.to_dict() for m in self.members]}

    def __repr__(self) -> str:
        counts = {s: int(np.sum(self.status == s)) for s in STATUSES if np.any(self.status == s)}
        text = ", ".join(f"{n} {s}" for s, n in counts.items())
        return f"FlowBatch({len(self.members)} flows: {text})"


def _on_grid(t: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Which recorded points of a member are points of the common grid (all but a stopping point off it)."""
    n = min(len(t), grid.size)
    same = np.zeros(len(t), dtype=bool)
    same[:n] = t[:n] == grid[:n]
    return same
