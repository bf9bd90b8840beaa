"""One deep network studied layer by layer: the theory of every layer beside its measurement, and criticality.

:func:`depth_study` puts together, for every layer l = 1..L+1 and input x:

- the kernel K^(l)(x, x) and its 1/width correction (:mod:`tensornn.networks.deep_recursions`);
- kappa^(l) = G4c / (3 G2^2) at leading order, exact where known (:mod:`tensornn.networks.deep_exact`), and
  measured with its jackknife error on one ensemble (:func:`tensornn.correlators.depth.measure_layers`);
- where the leading order fails: a layer is flagged when the exact kappa differs from the leading one by more
  than 10 percent, or, without an exact value, when the measurement differs from the leading order by more than
  3 standard errors;

and, for the activation, its critical points and edge of chaos (:mod:`tensornn.networks.criticality`).
``tensornn depth`` prints and plots it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..correlators.depth import LayerMeasurement, measure_layers
from ..networks.criticality import CriticalLine, critical_line, find_critical_points
from ..networks.deep import DeepNetwork
from .depth_flow import DepthFlow, depth_flow

__all__ = ["DepthStudy", "depth_study", "LEADING_ORDER_TOLERANCE"]

#: Relative difference between the exact and the leading-order kappa beyond which the leading order "fails".
LEADING_ORDER_TOLERANCE = 0.1
#: Standard errors between measurement and leading order beyond which it "fails" (no exact value).
_Z_FAIL = 3.0


@dataclass(frozen=True, repr=False)
class DepthStudy:
    """Theory and measurement of every layer of a deep network, and the criticality of its activation.

    Attributes
    ----------
    network : DeepNetwork
    inputs : ndarray
        The validated inputs (P, ...).
    flows : tuple of DepthFlow
        The depth flow at each input.
    measurement : LayerMeasurement or None
        None when no networks were sampled.
    critical_points : list of CriticalPoint, or None
    edge_of_chaos : CriticalLine or None
        None for a normalised activation (no susceptibilities).
    """

    network: DeepNetwork
    inputs: np.ndarray
    flows: tuple
    measurement: LayerMeasurement | None
    critical_points: list | None
    edge_of_chaos: CriticalLine | None
    notes: tuple = field(default=())

    def rows(self) -> list[dict]:
        """One row per (layer, input): layer, input, depth_over_width, kernel, g2 (leading), kappa_leading,
        kappa_exact, the measured g2 and kappa with errors, and ``leading_order_fails``."""
        out = []
        widths = np.asarray(self.network.layer_widths, dtype=float)
        depth_over_width = np.concatenate([[0.0], np.cumsum(1.0 / widths[1:])])
        m = self.measurement
        for p, flow in enumerate(self.flows):
            for i, layer in enumerate(flow.layer):
                exact = None if flow.kappa_exact is None else float(flow.kappa_exact[i])
                lead = float(flow.kappa[i])
                row = {"layer": int(layer), "input": p, "depth_over_width": float(depth_over_width[i]),
                       "kernel": float(flow.kernel[i]), "g2_leading": float(flow.g2[i]), "kappa_leading": lead,
                       "kappa_exact": exact, "chi_par": float(flow.chi_par[i]), "chi_perp": float(flow.chi_perp[i]),
                       "g2_measured": None, "g2_error": None, "kappa_measured": None, "kappa_error": None}
                if m is not None:
                    row.update(g2_measured=float(m.g2[i, p]), g2_error=float(m.g2_error[i, p]),
                               kappa_measured=float(m.kappa[i, p]), kappa_error=float(m.kappa_error[i, p]))
                row["leading_order_fails"] = _fails(row)
                out.append(row)
        return out

    def to_dict(self) -> dict:
        """Plain data for JSON."""
        return {"network": self.network.to_dict() | {"widths": list(self.network.widths)},
                "description": self.network.describe(), "inputs": np.asarray(self.inputs).tolist(),
                "n_networks": None if self.measurement is None else self.measurement.n_networks,
                "layers": self.rows(),
                "critical_points": None if self.critical_points is None else [p.to_dict() for p in self.critical_points],
                "edge_of_chaos": None if self.edge_of_chaos is None else self.edge_of_chaos.to_dict(),
                "notes": list(self.notes)}

    def __repr__(self):
        return (f"DepthStudy({self.network.describe()}, inputs={len(self.inputs)}, "
                f"measured={self.measurement is not None})")


def _fails(row) -> bool:
    lead, exact = row["kappa_leading"], row["kappa_exact"]
    if exact is not None:
        return bool(abs(exact - lead) > LEADING_ORDER_TOLERANCE * abs(exact)) if exact else bool(lead != 0)
    measured, err = row["kappa_measured"], row["kappa_error"]
    if measured is None or not err or not np.isfinite(err):
        return False
    return bool(abs(measured - lead) > _Z_FAIL * err)


def depth_study(network: DeepNetwork, inputs, n_networks: int = 0, *, seed=None, executor=None, progress=None,
                block_size: int = 1024, criticality: bool = True) -> DepthStudy:
    """Study ``network`` layer by layer at ``inputs`` (module docstring).

    Parameters
    ----------
    network : DeepNetwork
        Its first layer must be Gaussian (dense or block) or its activation linear: the recursions need it.
    inputs : array_like
        P inputs; the theory is taken at each of them separately (one-input kappa).
    n_networks : int
        Networks to sample (0: theory only).
    seed, executor, progress, block_size
        As in :func:`~tensornn.correlators.depth.measure_layers`.
    criticality : bool
        Also search the critical points and the edge of chaos of the activation.

    Returns
    -------
    DepthStudy

    Examples
    --------
    >>> study = depth_study(DeepNetwork("relu", (8, 8), sigma_w=2 ** 0.5), [[1.0]], criticality=False)
    >>> [round(r["kappa_leading"], 6) for r in study.rows()], [round(r["kappa_exact"], 6) for r in study.rows()]
    ([0.0, 0.625, 1.25], [0.0, 0.625, 1.640625])
    """
    x = network.check_inputs(inputs)
    flows = tuple(depth_flow(network, x[p:p + 1]) for p in range(len(x)))
    measurement = None
    if n_networks:
        measurement = measure_layers(network, x, n_networks, seed=seed, executor=executor, progress=progress,
                                     block_size=block_size)
    points = line = None
    notes = []
    if criticality:
        from ..networks.activations import get_activation

        if get_activation(network.activation).normalised:
            notes.append(f"{network.activation} is normalised by the pre-activation variance: no susceptibilities")
        else:
            points = find_critical_points(network.activation)
            line = critical_line(network.activation)
    problem = network.moment_problem(4)
    if problem:
        notes.append(problem)
    return DepthStudy(network, x, flows, measurement, points, line, tuple(notes))
