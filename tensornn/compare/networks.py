"""The networks a comparison reads, built through the model registry from its configuration and the data.

Every name of ``config.networks`` is a registered model (:mod:`tensornn.networks.model`): "cp" (the CP-structured
layer of rank ``cp_rank``), "dense" (its dense twin: the same second moment, no tie between the colours of a
weight), "block-gauss" (the block Gauss-net), or one registered later. A model reads data with several indices
when its factory takes ``index_sizes`` (it reads the tensors) or ``block_sizes`` (one block per index, of size
n_c); what it makes of the data is its ``view_data`` (the block Gauss-net reads the per-colour marginals,
:meth:`tensornn.data.TensorData.colour_marginals`). The other network keys of the configuration go to the factories
that take them, so "block-gauss" ignores ``activation`` and ``cp_rank``.

Each comes with the exponent p of its infrared mass, m^2 ∝ sigma_w^p at fixed other scales, which turns the
running mass of a flow into a weight scale: sigma_w(k) = sigma_w0 (u2(k) / u2(k_IR))^(1/p) (docs/compare.md).
Its pattern space knows it: on an index space m^2 = 1/(s^2 lambda_max) with s^2 = sigma_v^2 sigma_w^2 / n, so
p = -4 when the read-out scale follows sigma_w and p = -2 when it is fixed; for a Gauss product kernel
m^2 = 2 sigma_w^2 / d_in, p = 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.tensors import TensorData
from ..errors import ConfigError, UnsupportedReadingError
from ..networks.model import get_model, model_entry
from .config import CompareConfig

__all__ = ["ComparedNetwork", "compared_networks", "sigma_w_map", "NETWORK_KEYS", "data_shape_parameter"]

#: The configuration keys passed to the models whose factories take them.
NETWORK_KEYS = ("activation", "cp_rank", "width", "depth", "sigma_w", "sigma_v", "sigma_b")
_SHAPES = ("index_sizes", "block_sizes")


@dataclass(frozen=True)
class ComparedNetwork:
    """One network of a comparison: its label, model, the data it reads and its mass exponent; ``refusal`` is the
    reason no reading applies to it (a nonlinear CP layer: :class:`~tensornn.errors.UnsupportedReadingError`), None
    when it is read."""

    label: str
    network: object
    data: TensorData
    mass_exponent: float
    description: str
    refusal: str | None = None


def data_shape_parameter(name: str) -> str:
    """The parameter through which the model ``name`` takes the data's index sizes ("index_sizes" or "block_sizes").

    Raises
    ------
    ConfigError
        The model's factory takes neither: it cannot read data with several indices.
    """
    accepted = model_entry(name, argument="network").parameters()
    for shape in _SHAPES:
        if accepted is None or shape in accepted:
            return shape
    raise ConfigError(f"the model {name!r} cannot read data with several indices (its factory takes neither "
                      f"index_sizes nor block_sizes; its parameters are {', '.join(accepted or ())}); choose a network "
                      "that reads tensors, e.g. 'cp', 'dense' or 'block-gauss'")


def _parameters(name: str, config: CompareConfig, data: TensorData) -> dict:
    accepted = model_entry(name).parameters()
    params = {data_shape_parameter(name): data.index_sizes}
    params.update({key: getattr(config, key) for key in NETWORK_KEYS if accepted is None or key in accepted})
    return params


def compared_networks(config: CompareConfig, data: TensorData) -> tuple[ComparedNetwork, ...]:
    """The networks of ``config.networks`` on ``data``, in order, built with :func:`tensornn.networks.get_model`."""
    out = []
    for label in config.networks:
        net = get_model(label, **_parameters(label, config, data))
        inputs = net.view_data(data) if hasattr(net, "view_data") else data
        description = net.describe() if inputs is data else f"{net.describe()}, reading {inputs.name}"
        try:
            space = net.pattern_space()
        except UnsupportedReadingError as exc:  # refused per network, with the reason: the others are still read
            out.append(ComparedNetwork(label, net, inputs, -4.0 if config.sigma_v is None else -2.0, description,
                                       str(exc)))
            continue
        if space is None:
            raise ConfigError(f"the network {label!r} ({net.describe()}) has no amputation patterns, so no reading "
                              "can be fitted for it; choose a network with a pattern space")
        out.append(ComparedNetwork(label, net, inputs, space.mass_exponent(config.sigma_v is None), description))
    return tuple(out)


def sigma_w_map(u2, sigma_w0: float, exponent: float) -> np.ndarray:
    """sigma_w(k) = sigma_w0 (u2(k)/u2(k_IR))^(1/p); nan where the mass has turned negative."""
    u2 = np.asarray(u2, dtype=float)
    ratio = u2 / u2[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ratio > 0, sigma_w0 * np.abs(ratio) ** (1.0 / exponent), np.nan)
