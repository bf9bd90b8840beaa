"""The networks a comparison reads, built from its configuration and the data.

- "cp": the CP-structured layer of rank ``cp_rank`` on the data's index shape;
- "dense": its dense twin (the same second moment, no tie between the colours of a weight);
- "block-gauss": the block Gauss-net whose colour blocks are the data's per-colour marginals
  (:meth:`tensornn.data.TensorData.colour_marginals`: block c has D_c = n_c components).

Each comes with the exponent p of its infrared mass, m^2 ∝ sigma_w^p at fixed other scales, which turns the
running mass of a flow into a weight scale: sigma_w(k) = sigma_w0 (u2(k) / u2(k_IR))^(1/p)
(docs/compare.md). For the linear layers m^2 = 1/(s^2 lambda_max) with s^2 = sigma_v^2 sigma_w^2 / n, so
p = -4 when the read-out scale follows sigma_w and p = -2 when it is fixed; for the block Gauss-net
m^2 = 2 sigma_w^2 / d_in, p = 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.tensors import TensorData
from ..networks.blocks import BlockGaussNetwork
from ..networks.cp import StructuredNetwork
from .config import CompareConfig

__all__ = ["ComparedNetwork", "compared_networks", "sigma_w_map"]


@dataclass(frozen=True)
class ComparedNetwork:
    """One network of a comparison: its label, spec, the data it reads and its mass exponent."""

    label: str
    network: object
    data: TensorData
    mass_exponent: float
    description: str


def _describe(label, net, config) -> str:
    if label == "cp":
        return f"CP-structured layer, rank {net.cp_rank}, {net.activation}, N = {net.width}"
    if label == "dense":
        return f"dense layer (the CP layer's twin), {net.activation}, N = {net.width}"
    return f"block Gauss-net, blocks {list(net.block_sizes)} (the colour marginals), N = {net.width}"


def compared_networks(config: CompareConfig, data: TensorData) -> tuple[ComparedNetwork, ...]:
    """The networks of ``config.networks`` on ``data``, in order."""
    out = []
    net: StructuredNetwork | BlockGaussNetwork
    tied = config.sigma_v is None
    sigma_v = config.sigma_w if config.sigma_v is None else config.sigma_v  # None means tied to sigma_w
    for label in config.networks:
        if label in ("cp", "dense"):
            net = StructuredNetwork(data.index_sizes, cp_rank=config.cp_rank if label == "cp" else None,
                                    activation=config.activation, width=config.width, sigma_w=config.sigma_w,
                                    sigma_v=sigma_v, sigma_b=config.sigma_b)
            inputs, exponent = data, (-4.0 if tied else -2.0)
        else:
            net = BlockGaussNetwork(data.index_sizes, width=config.width, sigma_w=config.sigma_w,
                                    sigma_v=sigma_v, sigma_b=config.sigma_b)
            inputs, exponent = data.colour_marginals(), 2.0
        out.append(ComparedNetwork(label, net, inputs, exponent, _describe(label, net, config)))
    return tuple(out)


def sigma_w_map(u2, sigma_w0: float, exponent: float) -> np.ndarray:
    """sigma_w(k) = sigma_w0 (u2(k)/u2(k_IR))^(1/p); nan where the mass has turned negative."""
    u2 = np.asarray(u2, dtype=float)
    ratio = u2 / u2[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ratio > 0, sigma_w0 * np.abs(ratio) ** (1.0 / exponent), np.nan)
