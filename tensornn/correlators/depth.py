"""Per-layer measurements of deep networks: the kernel, the connected four-point function and kappa at every layer.

The networks are sampled once through their layer probe (:class:`~tensornn.networks.layer_probe.LayerProbe`: unit 0 of
every layer and the output, streamed and seeded by :func:`~tensornn.networks.sampling.sample_ensemble`), and for every
layer l and input x

    G2^(l)(x) = E[z^(l)(x)^2],   G4c^(l)(x) = E[z^(l)(x)^4] - 3 G2^(l)(x)^2,   kappa^(l)(x) = G4c / (3 G2^2),

(odd moments vanish: z -> -z is a symmetry of the weights of the last layer), each with its delete-one-group
jackknife standard error over the independent groups of the ensemble.

The fourth moment of a narrow deep network is heavy-tailed (its estimator's variance involves E[z^8], which grows
like prod_l (1 + c/n_l) with c ~ 100 for ReLU): the jackknife error is then itself noisy, and where an exact law is
known (:func:`tensornn.networks.deep_exact.kappa_standard_error`) the predicted error says how many networks a
measurement needs.

References
----------
Efron, Stein, Ann. Stat. 9 (1981) 586 (jackknife); Roberts, Yaida, Hanin, arXiv:2106.10165.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..networks.deep import DeepNetwork
from ..networks.sampling import DEFAULT_BLOCK_SIZE, DEFAULT_N_GROUPS, EnsembleMoments, sample_ensemble
from .._checks import check_choice
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = ["LayerMeasurement", "measure_layers", "layer_statistics", "LayerFourPoint", "measure_layer_four_point"]


@dataclass(frozen=True, repr=False)
class LayerMeasurement:
    """Measured G2, G4c and kappa of every layer (l = 1..L+1, the last the output) at every input.

    Attributes
    ----------
    g2, g2_error : ndarray, shape (L + 1, P)
    g4c, g4c_error : ndarray, shape (L + 1, P)
        G4c(x, x, x, x) of unit 0 of each layer.
    kappa, kappa_error : ndarray, shape (L + 1, P)
    n_networks, n_groups : int
    moments : EnsembleMoments
        The sums behind the numbers (columns of the layer probe).
    """

    g2: np.ndarray
    g2_error: np.ndarray
    g4c: np.ndarray
    g4c_error: np.ndarray
    kappa: np.ndarray
    kappa_error: np.ndarray
    n_networks: int
    n_groups: int
    moments: EnsembleMoments = field(compare=False)

    @property
    def success(self) -> bool:
        """False when some sums are not finite (outputs overflowed)."""
        return self.moments.success

    def __repr__(self):
        rows = ", ".join(f"l={l + 1}: {k:.4g}+-{e:.2g}" for l, (k, e) in enumerate(zip(self.kappa[:, 0],
                                                                                       self.kappa_error[:, 0])))
        return f"LayerMeasurement(n_networks={self.n_networks}, kappa at input 0: {rows})"


def _jackknife(moments: EnsembleMoments, fn):
    full = fn(moments.sums / moments.n_networks)
    g = moments.n_groups
    if g < 2:
        return full, np.full_like(full, math.nan)
    replicas = np.stack([fn(row) for row in moments.leave_one_group_out_means()])
    spread = replicas - replicas.mean(axis=0)
    return full, np.sqrt((g - 1) / g * np.sum(spread**2, axis=0))


def layer_statistics(moments: EnsembleMoments, n_layers: int, record: str = "variances"):
    """(g2, g2_error, g4c, g4c_error, kappa, kappa_error), each (n_layers, P), from the sums of a layer probe.

    ``record`` says what the probe's columns hold (:class:`~tensornn.networks.layer_probe.LayerProbe`): units z (E z^2,
    E z^4) or, from layer 2 on, conditional variances Ghat (E z^2 = E Ghat, E z^4 = 3 E Ghat^2).
    """
    n_cols = len(moments.inputs)
    p = n_cols // n_layers
    conditional = [record == "variances" and c >= p for c in range(n_cols)]
    second = [moments.column((c,) if cond else (c, c)) for c, cond in zip(range(n_cols), conditional)]
    fourth = [moments.column((c, c) if cond else (c, c, c, c)) for c, cond in zip(range(n_cols), conditional)]
    factor = np.where(conditional, 3.0, 1.0)

    def parts(means):
        m2, m4 = means[second], factor * means[fourth]
        g4c = m4 - 3.0 * m2**2
        with np.errstate(divide="ignore", invalid="ignore"):
            kappa = g4c / (3.0 * m2**2)
        return np.stack([m2, g4c, kappa])

    value, error = _jackknife(moments, parts)
    shape = (3, n_layers, p)
    value, error = value.reshape(shape), error.reshape(shape)
    return value[0], error[0], value[1], error[1], value[2], error[2]


def measure_layers(network: DeepNetwork, inputs, n_networks: int, *, seed=None, executor=None, progress=None,
                   block_size: int = DEFAULT_BLOCK_SIZE, n_groups: int = DEFAULT_N_GROUPS, checkpoint=None,
                   estimator: str = "conditional") -> LayerMeasurement:
    """Sample ``n_networks`` deep networks and measure G2, G4c and kappa at every layer and input.

    Parameters
    ----------
    network : DeepNetwork
    inputs : array_like
        As :meth:`DeepNetwork.check_inputs` takes them (P inputs).
    n_networks : int
    seed, executor, progress, block_size, n_groups, checkpoint
        As in :func:`~tensornn.networks.sampling.sample_ensemble` (the same seed gives the same numbers for any
        executor).
    estimator : {"conditional", "raw"}
        "conditional" (default): from layer 2 on, the moments of z^(l) from its variance given layer l - 1
        (the Gaussian of unit 0 integrated exactly); "raw": the moments of z^(l)_0 itself. Both are unbiased
        for the same quantities; the conditional one has the smaller variance.

    Returns
    -------
    LayerMeasurement

    Raises
    ------
    InvalidTypeError
        ``network`` is not a DeepNetwork.

    Examples
    --------
    >>> net = DeepNetwork("relu", (8, 8), sigma_w=2 ** 0.5)
    >>> m = measure_layers(net, [[1.0]], 4096, seed=0, block_size=256, n_groups=16)
    >>> m.kappa.shape   # layers 1, 2 and the output, one input
    (3, 1)
    >>> bool(abs(m.kappa[2, 0] - 1.640625) < 4 * m.kappa_error[2, 0])   # exact (1 + 5/8)^2 - 1 (leading order: 1.25)
    True
    """
    if not isinstance(network, DeepNetwork):
        raise InvalidTypeError(f"network must be a DeepNetwork, got {type(network).__name__}")
    estimator = check_choice("estimator", estimator, ("conditional", "raw"))
    probe = network.layer_probe("variances" if estimator == "conditional" else "units")
    columns = len(probe.check_inputs(inputs))
    p = columns // probe.n_layers
    tuples = [(c, c, c, c) for c in range(columns) if probe.record == "units" or c < p]
    moments = sample_ensemble(probe, inputs, n_networks, seed=seed, executor=executor, progress=progress,
                              tuples=tuples, block_size=block_size, n_groups=n_groups, checkpoint=checkpoint)
    g2, g2_error, g4c, g4c_error, kappa, kappa_error = layer_statistics(moments, probe.n_layers, probe.record)
    return LayerMeasurement(g2, g2_error, g4c, g4c_error, kappa, kappa_error, n_networks=moments.n_networks,
                            n_groups=moments.n_groups, moments=moments)


@dataclass(frozen=True, repr=False)
class LayerFourPoint:
    """The measured two-point function and connected four-point function of every layer at several inputs.

    Attributes
    ----------
    quadruples : ndarray, shape (Q, 4)
    g2, g2_error : ndarray, shape (L + 1, P, P)
    g4c, g4c_error : ndarray, shape (L + 1, Q)
        G4c(x_a, x_b, x_c, x_d) of one unit of each layer (0 at layer 1, which is Gaussian given the inputs).
    n_networks : int
    moments : EnsembleMoments
    """

    quadruples: np.ndarray
    g2: np.ndarray
    g2_error: np.ndarray
    g4c: np.ndarray
    g4c_error: np.ndarray
    n_networks: int
    moments: EnsembleMoments = field(compare=False)

    def __repr__(self):
        return f"LayerFourPoint(n_networks={self.n_networks}, layers={len(self.g2)}, quadruples={len(self.quadruples)})"


def measure_layer_four_point(network: DeepNetwork, inputs, quadruples, n_networks: int, *, seed=None, executor=None,
                             progress=None, block_size: int = DEFAULT_BLOCK_SIZE,
                             n_groups: int = DEFAULT_N_GROUPS) -> LayerFourPoint:
    """G2 and G4c of every layer at several inputs, from the conditional covariances of the layers.

    Given layer l - 1 the units of layer l are Gaussian with covariance Ghat^(l) (the layer probe,
    :class:`~tensornn.networks.layer_probe.LayerProbe` with ``record="covariances"``), so G2 = E[Ghat] and

        G4c(abcd) = Cov(Ghat_ab, Ghat_cd) + Cov(Ghat_ac, Ghat_bd) + Cov(Ghat_ad, Ghat_bc),

    estimated from one ensemble with jackknife errors. The covariances of Ghat are of order 1/width, and their
    estimators have relative errors of order N^(-1/2), not (width / N)^(1/2) as for the fourth moment of the outputs.

    Parameters
    ----------
    network : DeepNetwork
        With a Gaussian first layer (dense or block), or linear.
    inputs : array_like
    quadruples : int array, shape (Q, 4)
    n_networks, seed, executor, progress, block_size, n_groups
        As in :func:`measure_layers`.

    Examples
    --------
    >>> net = DeepNetwork("linear", (4, 4), 1)
    >>> m = measure_layer_four_point(net, [[1.0], [0.5]], [[0, 0, 1, 1]], 4096, seed=0, block_size=256)
    >>> m.g4c.shape, float(m.g4c[0, 0])
    ((3, 1), 0.0)
    """
    if not isinstance(network, DeepNetwork):
        raise InvalidTypeError(f"network must be a DeepNetwork, got {type(network).__name__}")
    probe = network.layer_probe("covariances")
    x = network.check_inputs(inputs)
    p = len(x)
    quads = np.asarray(quadruples)
    if quads.ndim != 2 or quads.shape[1] != 4 or quads.dtype.kind not in "iu" or quads.min() < 0 or quads.max() >= p:
        raise InvalidArgumentError(f"quadruples must be integer indices of the {p} inputs, shape (Q, 4); got {quads!r}")
    upper = np.triu_indices(p)
    pair = {}
    for i, (a, b) in enumerate(zip(*upper)):
        pair[(a, b)] = pair[(b, a)] = i
    m = len(upper[0])
    moments = sample_ensemble(probe, x, n_networks, seed=seed, executor=executor, progress=progress, tuples=2,
                              block_size=block_size, n_groups=n_groups)
    layers = probe.n_layers

    def column(layer, *pairs):
        return moments.column(tuple(layer * m + pair[q] for q in pairs))

    first = np.array([[column(l, (a, b)) for a, b in zip(*upper)] for l in range(layers)])
    second = np.array([[[(column(l, (a, b), (c, d)), column(l, (a, b)), column(l, (c, d))) for (a, b), (c, d) in
                         (((q[0], q[1]), (q[2], q[3])), ((q[0], q[2]), (q[1], q[3])), ((q[0], q[3]), (q[1], q[2])))]
                        for q in quads] for l in range(layers)])  # (layers, Q, 3 pairings, 3 columns)

    def parts(means):
        covariances = means[second[..., 0]] - means[second[..., 1]] * means[second[..., 2]]
        return np.concatenate([means[first].ravel(), covariances.sum(axis=-1).ravel()])

    value, error = _jackknife(moments, parts)
    n_first = first.size

    def square(flat):
        out = np.empty((layers, p, p))
        out[:, upper[0], upper[1]] = flat.reshape(layers, m)
        out[:, upper[1], upper[0]] = flat.reshape(layers, m)
        return out

    g4c = value[n_first:].reshape(layers, len(quads))
    g4c_error = error[n_first:].reshape(layers, len(quads))
    g4c[0], g4c_error[0] = 0.0, 0.0  # the first layer is Gaussian given the inputs (its Ghat is K^(1))
    return LayerFourPoint(quads, square(value[:n_first]), square(error[:n_first]), g4c, g4c_error,
                          moments.n_networks, moments)
