"""A deep network seen at every layer: the sampler's view for per-layer measurements.

:class:`LayerProbe` wraps a :class:`~tensornn.networks.deep.DeepNetwork` into a network whose "outputs" are the
pre-activations (or their conditional variances and covariances) of every layer, so that
:func:`~tensornn.networks.sampling.sample_ensemble` streams them like any network (seeded blocks, executors,
checkpoints). :mod:`tensornn.correlators.depth` measures with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_count
from ..errors import InvalidArgumentError, InvalidTypeError
from .deep import DeepNetwork
from .spec import via_block_sampler
from .streams import sampling_dtype

__all__ = ["LayerProbe"]


@dataclass(frozen=True)
class LayerProbe:
    """A deep network seen at every layer l = 1..L+1 (the last is the output), for per-layer measurements.

    Its inputs are the network's inputs repeated once per layer (layer-major, (L + 1) P rows, as
    :meth:`check_inputs` returns them), and output column (l - 1) P + p belongs to layer l at x_p:

    - ``record="units"``: the pre-activation z^(l)_0(x_p) of unit 0 (for l = L + 1 the output f): unit 0 of layer l
      has the law of the output of the network cut after l - 1 hidden layers;
    - ``record="variances"`` (default): for l = 1 the same z^(1)_0(x_p); for l >= 2 the variance of z^(l)_i(x_p) given
      layer l - 1, Ghat^(l) = C_b + (C_W^(l) / n_{l-1}) sum_j phi(z^(l-1)_j(x_p))^2. Given layer l - 1, z^(l)_i is
      N(0, Ghat^(l)), so E[z^2] = E[Ghat] and E[z^4] = 3 E[Ghat^2]: the same moments with the read-out Gaussian
      integrated exactly (a smaller variance, by up to the factor 105/9 of a Gaussian's eighth moment);
    - ``record="covariances"``: the conditional covariances Ghat^(l)(x_a, x_b) for every pair a <= b (Ghat^(1) = K^(1));
      the probe's inputs are then the pairs (x_a, x_b), and E[z_a z_b z_c z_d] = E[Ghat_ab Ghat_cd] + 2 pairings.

    The draws are those of the deep random stream (for L = 1 the output equals the one-layer family's to rounding,
    not bit for bit). A NetworkSpec, so :func:`~tensornn.networks.sampling.sample_ensemble` streams it.

    Examples
    --------
    >>> probe = DeepNetwork("linear", (3, 3)).layer_probe("units")
    >>> probe.sample_outputs(probe.check_inputs([[0.5]]), 4, np.random.default_rng(0)).shape
    (4, 3)
    """

    network: DeepNetwork
    record: str = "variances"

    def __post_init__(self):
        if self.record not in ("units", "variances", "covariances"):
            raise InvalidArgumentError(f"record must be 'units', 'variances' or 'covariances', got {self.record!r}")
        if self.record == "covariances" and not self.network._gaussian_first_layer():
            raise InvalidArgumentError("record='covariances' needs a Gaussian first layer (dense or block, or a linear "
                                       "network): the first layer's covariance must be K^(1)")

    @property
    def width(self) -> int:
        return self.network.width

    @property
    def n_layers(self) -> int:
        """L + 1, the layers seen (the output included)."""
        return self.network.depth + 1

    def check_inputs(self, inputs) -> np.ndarray:
        """The validated inputs repeated once per layer: shape ((L + 1) P, ...); for ``record="covariances"`` the
        pairs (x_a, x_b), a <= b, repeated once per layer: shape ((L + 1) P (P + 1) / 2, 2, ...)."""
        x = self.network.check_inputs(inputs)
        if self.record == "covariances":
            a, b = np.triu_indices(len(x))
            x = np.stack([x[a], x[b]], axis=1)
        return np.concatenate([x] * self.n_layers)

    def _inputs(self, tiled) -> np.ndarray:
        tiled = np.asarray(tiled, dtype=float)
        if len(tiled) % self.n_layers:
            raise InvalidArgumentError(
                f"a layer probe takes its own check_inputs(...) ({self.n_layers} copies of the inputs), got "
                f"{len(tiled)} rows; pass probe.check_inputs(inputs)")
        x = tiled[: len(tiled) // self.n_layers]
        if not np.array_equal(np.concatenate([x] * self.n_layers), tiled):
            raise InvalidArgumentError("a layer probe's inputs must be the same inputs repeated once per layer; "
                                       "pass probe.check_inputs(inputs)")
        if self.record == "covariances":
            p = int(round((math.sqrt(8 * len(x) + 1) - 1) / 2))
            a, b = np.triu_indices(p)
            inputs = x[: p, 1] if x.ndim >= 2 and x.shape[1] == 2 else None
            if len(a) != len(x) or inputs is None or not np.array_equal(np.stack([inputs[a], inputs[b]], axis=1), x):
                raise InvalidArgumentError("a covariance probe takes its own check_inputs(...): the pairs of the "
                                           "inputs; pass probe.check_inputs(inputs)")
            x = inputs
        return self.network.check_inputs(x)

    def block_sampler(self, inputs, *, dtype=np.float64):
        """``sampler(n, rng)`` -> the recorded layers, (n, (L + 1) P) (or (L + 1) P (P + 1) / 2 columns)."""
        x = self._inputs(inputs)
        with np.errstate(over="ignore", invalid="ignore"):
            sample = self.network._deep_sampler(x, sampling_dtype(dtype), record=self.record)

        def flat(n, rng):
            with np.errstate(over="ignore", invalid="ignore"):
                return sample(n, rng).reshape(n, -1)

        return flat

    @via_block_sampler
    def sample_outputs(self, inputs, n_networks, rng, *, dtype=np.float64) -> np.ndarray:
        """The recorded layers at every input, shape (n_networks, (L + 1) P) (layer-major)."""
        n = check_count("n_networks", n_networks)
        if not isinstance(rng, np.random.Generator):
            raise InvalidTypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
        return self.block_sampler(inputs, dtype=dtype)(n, rng)
