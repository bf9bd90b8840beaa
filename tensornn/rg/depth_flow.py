"""The depth flow of a deep network's couplings, and beside it the Wetterich flow of each layer in the LPA.

One input x: the output of layer l, z^(l)(x), is a zero-dimensional field theory (one random variable). Its
couplings in the package's normalisation (S = u2 z^2/2 + u4 z^4/4! + ..., first order in 1/width) are

    u2^(l) = 1 / G2^(l),   u4^(l) = -G4c^(l) / G2^(l)^4,   g4^(l) = u4^(l) G2^(l)^2 = -3 kappa^(l),

with G2 = K + delta and G4c = 3 V / n_{l-1} from the leading-order recursions
(:mod:`tensornn.networks.deep_recursions`). The **depth flow** is the map l -> l + 1 of these couplings (the
representation group flow): its "scale" is the layer, and every step is an exact marginalisation over the
previous layer's units.

The **Wetterich flow** of the same layer runs in a momentum-like scale k at fixed l: the zero-dimensional
field has one mode with kinetic value 0 (the engine's ``FlatColour(1)``, local), the Litim regulator is then the
mass R_k = k^2, and the flow (exact in the LPA, since a zero-dimensional Gamma_k is a potential) connects the
layer's bare action S_l = -log p_l at k -> infinity to its 1PI couplings at k -> 0. Integrated upward from the
network's couplings at k_IR (the passive reading of docs/theory/nn_qft.md), it gives the bare couplings.

What corresponds to what, and where the two differ (docs/theory/depth.md):

- scale: the layer l (discrete, exact steps) versus k (continuous, within one layer);
- fixed points: K* of the kernel map versus the Gaussian fixed point of the zero-dimensional flow;
- the quartic coupling: each depth step *injects* g4 at first order in 1/n (the term C_W^2 [<phi^4> -
  <phi^2>^2] of the vertex recursion) and carries the old one with the factor chi_par^2; the Wetterich flow of a
  layer moves g4 only at second order (g4^2 between IR and UV) and u2 at first order (the tadpole u4 G2 / 2). At
  criticality g4 ~ -c l / n grows linearly with depth, so within layer l the Wetterich running of g4 is of order
  (l / n)^2 against a depth step of order 1/n: smaller while l^2 << n, comparable beyond (where the leading order
  in 1/n itself fails).

References
----------
Roberts, Yaida, Hanin, arXiv:2106.10165 (representation group flow); Wetterich, Phys. Lett. B 301 (1993) 90;
Keitel, Bartosch, arXiv:1109.3013 (the zero-dimensional functional RG); Litim, arXiv:hep-th/0203006.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._checks import check_int, check_real
from ..errors import InvalidArgumentError
from ..networks.activations import get_activation
from ..networks.deep import DeepNetwork
from ..networks.deep_exact import SCALE_INVARIANT, scale_invariant_kappa
from ..networks.deep_recursions import kernel_correction, single_input_recursion
from ..networks.gaussian_expectations import single_input_maps

__all__ = ["DepthFlow", "depth_flow", "LayerWetterichFlow", "layer_wetterich_flow", "zero_dimensional_flow"]


@dataclass(frozen=True, repr=False)
class DepthFlow:
    """The couplings of every layer l = 1..L+1 of a deep network at one input (leading order in 1/width).

    Attributes
    ----------
    network : DeepNetwork
    layer : ndarray of int
        1..L+1 (L+1 is the output).
    kernel, kernel_correction : ndarray
        K^(l) and the 1/width correction delta^(l) of G2^(l) = K + delta.
    vertex : ndarray
        V^(l) (the four-point vertex, G4c = 3 V / n_{l-1}).
    kappa : ndarray
        kappa^(l) = V / (n_{l-1} K^2) (leading order).
    kappa_exact : ndarray or None
        The exact finite-width kappa where known (linear and ReLU without biases).
    chi_par, chi_perp : ndarray
        C_W g'(K^(l)) and C_W E[phi'(z)^2] at each layer's kernel (at a fixed point, its susceptibilities); nan for
        the Gauss-net, whose normalisation moves with K.
    u2, u4, g4 : ndarray
        1/G2, -G4c/G2^4 and g4 = u4 G2^2 = -3 kappa (first order).
    """

    network: DeepNetwork
    layer: np.ndarray
    kernel: np.ndarray
    kernel_correction: np.ndarray
    vertex: np.ndarray
    kappa: np.ndarray
    kappa_exact: np.ndarray | None
    chi_par: np.ndarray
    chi_perp: np.ndarray

    @property
    def g2(self) -> np.ndarray:
        """G2^(l) = K + delta."""
        return self.kernel + self.kernel_correction

    @property
    def u2(self) -> np.ndarray:
        return 1.0 / self.g2

    @property
    def g4(self) -> np.ndarray:
        return -3.0 * self.kappa

    @property
    def u4(self) -> np.ndarray:
        return self.g4 / self.g2**2

    def to_dict(self) -> dict:
        """Plain data: the network and one list per quantity."""
        def clean(a):
            return None if a is None else [float(v) for v in np.asarray(a)]

        return {"network": self.network.to_dict() | {"widths": list(self.network.widths)},
                "layer": [int(v) for v in self.layer], "kernel": clean(self.kernel),
                "kernel_correction": clean(self.kernel_correction), "vertex": clean(self.vertex),
                "kappa_leading": clean(self.kappa), "kappa_exact": clean(self.kappa_exact),
                "chi_par": clean(self.chi_par), "chi_perp": clean(self.chi_perp), "u2": clean(self.u2),
                "u4": clean(self.u4), "g4": clean(self.g4)}

    def __repr__(self):
        return (f"DepthFlow({self.network.activation}, layers 1..{len(self.layer)}, K: {self.kernel[0]:.4g} -> "
                f"{self.kernel[-1]:.4g}, kappa: {self.kappa[-1]:.4g} at the output)")


def depth_flow(network: DeepNetwork, x=None) -> DepthFlow:
    """The depth flow of ``network`` at one input ``x`` (default: the input of unit first-layer variance
    K^(1) = C_b + C_W; any input of a dense layer with |x|^2 = d_in).

    Raises
    ------
    InvalidArgumentError
        A CP first layer with a nonlinear activation (no Gaussian recursion), or more than one input.

    Examples
    --------
    >>> from tensornn.networks.deep import DeepNetwork
    >>> flow = depth_flow(DeepNetwork("relu", (10,) * 4, sigma_w=2 ** 0.5))
    >>> np.round(flow.kappa, 12).tolist()   # 5 (l - 1) / n at criticality
    [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    if not isinstance(network, DeepNetwork):
        raise InvalidArgumentError(f"network must be a DeepNetwork, got {type(network).__name__}")
    if x is None:
        k1 = network.bias_variance + network.sigma_w**2
    else:
        k = network.layer_kernels(x)
        if k is None:
            raise InvalidArgumentError("a CP first layer with a nonlinear activation has no Gaussian recursion; use "
                                       "a dense first layer or a linear activation")
        if k.shape[1] != 1:
            raise InvalidArgumentError(f"the depth flow is taken at one input, got {k.shape[1]}")
        k1 = float(k[0, 0, 0])
    cw, cb = network.weight_variances, network.bias_variance
    rec = single_input_recursion(network.activation, k1, cw, cb, network.layer_widths)
    delta = kernel_correction(network.activation, k1, cw, cb, network.layer_widths)
    k = rec.kernels[:, 0, 0]
    c = np.array((network.sigma_w**2,) + tuple(cw))  # C_W of the layer each K feeds
    if get_activation(network.activation).normalised:  # its normalisation moves with K: no susceptibility
        slope = perp = np.full(len(k), np.nan)
    else:
        _, slope, perp = (np.asarray(v, float) for v in single_input_maps(network.activation, k))
    exact = None
    if network.activation in SCALE_INVARIANT and not network.bias and network.input_layer.gaussian:
        exact = scale_invariant_kappa(network.activation, network.widths)
    return DepthFlow(network, np.arange(1, len(k) + 1), k, delta, rec.vertices[:, 0, 0, 0, 0], rec.kappa(0), exact,
                     c * slope, c * perp)


@lru_cache(maxsize=8)
def zero_dimensional_flow(order: int = 3):
    """The engine's Wetterich flow (LPA, Litim) of one real field with a single mode of kinetic value 0: the
    zero-dimensional theory of one layer at one input, truncated at phi^(2 order). Cached."""
    from ..flow.betas import derive_flow
    from ..theory.colours import FlatColour
    from ..theory.field_theory import Theory
    from ..theory.truncations import scalar_truncation

    order = check_int("order", order, minimum=2, maximum=8)
    return derive_flow(Theory((FlatColour(1, role="local"),), "real", scalar_truncation(order)))


@dataclass(frozen=True, repr=False)
class LayerWetterichFlow:
    """The Wetterich flow of one layer's couplings, integrated upward from the network's values at k_IR.

    Attributes
    ----------
    layer : int
    k : ndarray
        The scales (in units of sqrt(u2) at the infrared end).
    u2, u4 : ndarray
        The running couplings u2(k), u4(k) (S = u2 z^2 / 2 + u4 z^4 / 4! + ...).
    status : str
        The flow's status ("completed", or where and why it stopped).
    """

    layer: int
    k: np.ndarray
    u2: np.ndarray
    u4: np.ndarray
    status: str

    @property
    def running(self) -> tuple[float, float]:
        """(u2(k_UV) - u2(k_IR), u4(k_UV) - u4(k_IR)): how far the layer's couplings run between IR and UV."""
        return float(self.u2[-1] - self.u2[0]), float(self.u4[-1] - self.u4[0])

    def to_dict(self) -> dict:
        return {"layer": self.layer, "k": self.k.tolist(), "u2": self.u2.tolist(), "u4": self.u4.tolist(),
                "status": self.status}

    def __repr__(self):
        d2, d4 = self.running
        return f"LayerWetterichFlow(layer={self.layer}, status={self.status!r}, running u2 {d2:+.3g}, u4 {d4:+.3g})"


def layer_wetterich_flow(flow: DepthFlow, layer: int, *, order: int = 3, k_ir: float = 1e-3,
                         k_uv: float = 1e3) -> LayerWetterichFlow:
    """Integrate the zero-dimensional Wetterich flow (:func:`zero_dimensional_flow`) of layer ``layer``'s
    couplings from k_IR up to k_UV (both in units of sqrt(u2^(l))), with u6 = ... = 0 at k_IR.

    Examples
    --------
    >>> from tensornn.networks.deep import DeepNetwork
    >>> flow = depth_flow(DeepNetwork("tanh", (1000,) * 4))
    >>> w = layer_wetterich_flow(flow, 5)   # within a layer u4 runs at O(g4^2), a depth step moves it at O(1/n)
    >>> w.status, bool(abs(w.running[1]) < 0.2 * abs(flow.u4[-1] - flow.u4[-2]))
    ('completed', True)
    """
    from ..flow.trajectory import run_from_ir

    layer = check_int("layer", layer, minimum=1, maximum=len(flow.layer))
    k_ir = check_real("k_ir", k_ir, positive=True)
    k_uv = check_real("k_uv", k_uv, positive=True)
    if not k_ir < k_uv:
        raise InvalidArgumentError(f"k_ir must be below k_uv, got {k_ir} and {k_uv}")
    u2, u4 = float(flow.u2[layer - 1]), float(flow.u4[layer - 1])
    scale = math.sqrt(u2)
    trajectory = run_from_ir(zero_dimensional_flow(order), {2: u2, 4: u4}, k_ir=k_ir * scale, k_uv=k_uv * scale,
                             unit=scale, unit_name="sqrt(u2)")
    return LayerWetterichFlow(layer, np.asarray(trajectory.k) / scale, np.asarray(trajectory.potential(2)),
                              np.asarray(trajectory.potential(4)), trajectory.status)
