"""The quartic coupling u4 of a network ensemble by amputation: exact, from a measurement, or measured.

The action is ``S[f] = 1/2 int f K_w^{-1} f + int d^{d_in}y [u4 f^4/4! + u6 f^6/6! + ...]``
(docs/theory/nn_qft.md). To first order in the coupling

    u4 = - Delta G4(x1..x4) / I(x1..x4),     I = int d^{d_in}y prod_{i=1}^4 K_w(x_i, y),

with ``Delta G4 = G4_measured - G4_GP`` (for one hidden layer ``Delta G4 = G4c`` exactly; the
connected estimator subtracts the measured 2-point functions instead of the kernel). ``u4``
multiplies ``f^4/4!``; HMS write ``lambda f^4`` (``lambda = u4/4!``,
:func:`tensornn.couplings.normalisation.hms_lambda`). Couplings here are in the *measured*
normalisation (the output f, the inputs x as given); :mod:`tensornn.couplings.normalisation` turns
them into couplings of the Z-normalised field.

:func:`measure_u4` is the one measurement path: any network spec, sampled by
:func:`tensornn.networks.sampling.sample_ensemble`, amputated by
:func:`tensornn.couplings.amputate` and compared with the exact oracle
(:func:`tensornn.correlators.exact.g4_connected_oracle`) where one exists.

Scaling (active RG): at fixed rescaled inputs ``y_i = sigma_w x_i / sqrt(d_in)`` and sigma_b the
preactivation covariance is fixed, so ``G4c ~ sigma_w^4/N`` and ``u4 ~ sigma_w^(d_in - 4)/N``.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601; Erbin, Lahoche, Ousmane Samary, arXiv:2108.01403.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .._frames import repr_html, to_frame
from .._checks import check_array, check_choice, check_count
from ..correlators.estimators import _warn_few_groups, four_point
from ..correlators.exact import g4_connected_exact, g4_connected_oracle
from ..correlators.wick import wick_sum
from ..errors import InvalidArgumentError, InvalidTypeError
from ..networks.activations import get_activation
from ..networks.sampling import sample_ensemble
from ..networks.scalar import ScalarNetwork
from .amputation import amputate, amputation_integral

__all__ = ["CouplingEstimate", "u4_exact", "u4_from_measurement", "measure_u4"]


@dataclass(frozen=True)
class CouplingEstimate:
    """A coupling with its standard error (``f^4/4!`` normalisation for u4).

    Attributes
    ----------
    value, error : ndarray
        ``u4`` and its standard error (0 for exact values).
    delta_g4, delta_g4_error : ndarray
        The amputated correlator and its standard error.
    amputation : ndarray
        ``int d^{d_in}y prod_i K_w(x_i, y)``.
    exact : ndarray or None
        The exact first-order ``u4 = -G4c_exact / I`` where the network has an oracle, else None.
    n_networks : int or None
        Ensemble size of a measurement (None for values computed without sampling).
    """

    value: np.ndarray
    error: np.ndarray
    delta_g4: np.ndarray
    delta_g4_error: np.ndarray
    amputation: np.ndarray
    exact: np.ndarray | None = None
    n_networks: int | None = None

    @property
    def pull(self) -> np.ndarray | None:
        """(measured - exact) / error where both exist (nan where the error is 0)."""
        if self.exact is None:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.error > 0, (self.value - self.exact) / self.error, np.nan)

    @property
    def noise_dominated(self) -> np.ndarray:
        """``|u4| < 2 error``, or a non-finite error: the measurement does not resolve the sign of u4."""
        return ~np.isfinite(self.error) | (np.abs(self.value) < 2.0 * self.error)

    def _table(self):
        columns = {"u4": np.ravel(self.value), "error": np.ravel(self.error)}
        if self.exact is not None:
            columns.update(exact=np.ravel(self.exact), pull=np.ravel(self.pull))
        columns.update(delta_g4=np.ravel(self.delta_g4), delta_g4_error=np.ravel(self.delta_g4_error),
                       amputation=np.ravel(self.amputation))
        return columns, None

    def to_frame(self):
        """One row per quadruple: u4, its error, the exact value and pull where known as a pandas DataFrame (needs pandas: ``pip install 'tensornn[pandas]'``)."""
        return to_frame(self)

    def _repr_html_(self) -> str:
        return repr_html(self)

    def to_dict(self) -> dict:
        """JSON-ready values (lists), in the f^4/4! normalisation."""
        return {"normalisation": "u4 f^4/4!", "value": self.value, "error": self.error, "exact": self.exact,
                "pull": self.pull, "noise_dominated": self.noise_dominated, "delta_g4": self.delta_g4,
                "delta_g4_error": self.delta_g4_error, "amputation": self.amputation, "n_networks": self.n_networks}

    def __repr__(self) -> str:
        v, e = np.ravel(self.value), np.ravel(self.error)
        head = ", ".join(f"{a:.4g} +- {b:.2g}" for a, b in zip(v[:4], e[:4]))
        more = ", ..." if v.size > 4 else ""
        return f"CouplingEstimate(u4=[{head}{more}] (f^4/4! normalisation))"


def u4_exact(activation, x1, x2, x3, x4, *, width, sigma_w, sigma_b=0.0, bias=True, cutoff=None, nodes=None):
    """Exact first-order quartic coupling ``u4 = -G4c / I`` of the single-hidden-layer network.

    ``u4`` multiplies ``f^4/4!`` in the action (HMS's ``lambda = u4/4!``); measured normalisation.
    Arguments as :func:`tensornn.correlators.exact.g4_connected_exact` and :func:`amputation_integral`.

    Returns
    -------
    ndarray, shape (...)

    Examples
    --------
    >>> args = ([0.01], [0.02], [-0.01], [0.0])
    >>> u10 = u4_exact("gauss", *args, width=10, sigma_w=50.0, sigma_b=0.0)
    >>> u20 = u4_exact("gauss", *args, width=20, sigma_w=50.0, sigma_b=0.0)
    >>> round(float(u10 / u20), 12)  # |u4| falls as 1/N
    2.0
    """
    activation = get_activation(activation).name
    amputation = amputation_integral(
        activation, x1, x2, x3, x4, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias, cutoff=cutoff
    )
    g4 = g4_connected_exact(
        activation, x1, x2, x3, x4, width=width, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias, nodes=nodes
    )
    return -g4 / amputation


def u4_from_measurement(
    activation, x1, x2, x3, x4, *, delta_g4, delta_g4_error, sigma_w, sigma_b=0.0, bias=True, cutoff=None
) -> CouplingEstimate:
    """Quartic coupling of a scalar network from a measured ``Delta G4 = G4 - G4_GP`` with its standard error.

    ``u4 = -Delta G4 / I`` and ``error(u4) = error(Delta G4) / |I|`` (I exact, see
    :func:`tensornn.couplings.amputation.amputation_integral`). ``f^4/4!`` normalisation.

    Parameters
    ----------
    delta_g4, delta_g4_error : array_like, shape (...)
        The measured connected 4-point function at the quadruples and its standard error (>= 0).
    Other parameters as :func:`~tensornn.couplings.amputation.amputation_integral`.

    Returns
    -------
    CouplingEstimate
    """
    integral = amputation_integral(
        activation, x1, x2, x3, x4, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias, cutoff=cutoff
    )
    return _amputated(delta_g4, delta_g4_error, integral)


def _amputated(delta_g4, delta_g4_error, integral, exact_g4=None, n_networks=None) -> CouplingEstimate:
    g4 = check_array("delta_g4", delta_g4)
    err = check_array("delta_g4_error", delta_g4_error, finite=False)
    if np.any(err < 0):
        raise InvalidArgumentError("delta_g4_error must be >= 0 (a standard error)")
    try:
        g4, err, integral = np.broadcast_arrays(g4, err, integral)
    except ValueError:
        raise InvalidArgumentError(
            f"delta_g4 {g4.shape}, delta_g4_error {err.shape} and the quadruples {np.shape(integral)} "
            "must broadcast"
        ) from None
    exact = None if exact_g4 is None else -np.asarray(exact_g4, dtype=float) / integral
    return CouplingEstimate(-g4 / integral, err / np.abs(integral), g4, err, integral, exact, n_networks)


def _legacy_network(activation, inputs, legacy: dict):
    """The ScalarNetwork of the deprecated call ``measure_u4(activation, ..., width=, sigma_w=, networks=)``."""
    warnings.warn(
        "measure_u4(activation, inputs, quadruples, width=..., sigma_w=..., networks=...) is deprecated; "
        "pass a network spec and n_networks: measure_u4(ScalarNetwork(activation, d_in, width, sigma_w), "
        "inputs, quadruples, n_networks)",
        DeprecationWarning,
        stacklevel=3,
    )
    x = check_array("inputs", inputs)
    if x.ndim != 2:
        raise InvalidArgumentError(f"inputs must have shape (P, d_in), got {x.shape}")
    unknown = set(legacy) - {"width", "sigma_w", "sigma_b", "bias", "networks"}
    if unknown:
        raise InvalidArgumentError(f"unknown keyword(s) {sorted(unknown)} for measure_u4")
    bias = legacy.get("bias", True)
    sigma_b = legacy.get("sigma_b", 0.0) if bias else 0.0
    net = ScalarNetwork(activation, d_in=x.shape[1], width=legacy["width"], sigma_w=legacy["sigma_w"],
                        sigma_b=sigma_b)
    return net, legacy.get("networks")


def measure_u4(network, inputs, quadruples, n_networks=None, *, seed=None, subtract="gp", cutoff=None,
               executor=None, progress=None, exact=True, **legacy) -> CouplingEstimate:
    """Measure u4 of a network ensemble on input quadruples (f^4/4! normalisation).

    Samples ``n_networks`` networks (:func:`tensornn.networks.sampling.sample_ensemble`), estimates
    ``Delta G4`` on every quadruple with its jackknife error, amputates it
    (:func:`tensornn.couplings.amputate`) and puts the exact value beside it where
    the network has an oracle.

    Parameters
    ----------
    network : network spec
        :class:`~tensornn.networks.scalar.ScalarNetwork` or
        :class:`~tensornn.networks.blocks.BlockGaussNetwork` (anything with ``kernel_matrix`` and
        ``kernel_w``).
    inputs : array_like, shape (P, d_in)
    quadruples : sequence of 4-tuples of int
        Indices into ``inputs``.
    n_networks : int
        Ensemble size.
    seed : None, int, SeedSequence or Generator
    subtract : {"gp", "connected"}
        ``"gp"``: ``Delta G4 = G4 - Wick(K)`` (the kernel's Wick sum); ``"connected"``: the connected
        estimator ``G4 - Wick(G2_measured)``, equal in expectation for one layer and usually less noisy.
    cutoff : float, optional
        Input-space cutoff of the amputation for kernels that do not decay (not the Gauss-net).
    executor, progress
        Passed to the sampler (they do not change the numbers).
    exact : bool
        Compute the exact value where an oracle exists (default True).

    Returns
    -------
    CouplingEstimate
        One entry per quadruple, with ``exact`` filled where the network has an oracle.

    Examples
    --------
    >>> from tensornn.networks import ScalarNetwork
    >>> net = ScalarNetwork("gauss", d_in=1, width=10, sigma_w=1.0)
    >>> est = measure_u4(net, [[0.1], [0.2]], [(0, 0, 1, 1)], 10240, seed=0)  # 10 blocks: 10 jackknife groups
    >>> est.value.shape, est.exact.shape
    ((1,), (1,))
    """
    if isinstance(network, str):
        network, legacy_n = _legacy_network(network, inputs, legacy)
        n_networks = legacy_n if n_networks is None else n_networks
    elif legacy:
        raise InvalidArgumentError(f"unknown keyword(s) {sorted(legacy)} for measure_u4")
    if not hasattr(network, "kernel_matrix") or not hasattr(network, "sample_outputs"):
        raise InvalidTypeError(
            f"network must be a network spec with a kernel (ScalarNetwork, BlockGaussNetwork), got {type(network).__name__}"
        )
    if n_networks is None:
        raise InvalidArgumentError("n_networks (the ensemble size) is required")
    n_networks = check_count("n_networks", n_networks)
    subtract = check_choice("subtract", subtract, ("gp", "connected"))
    x = network.check_inputs(inputs)
    quads = [tuple(q) for q in quadruples]
    if not quads or any(len(q) != 4 or not all(0 <= int(i) < len(x) for i in q) for q in quads):
        raise InvalidArgumentError(
            f"quadruples must be a non-empty list of 4-tuples of indices in 0..{len(x) - 1}, got {quadruples!r}"
        )
    idx = np.array(quads, dtype=int)
    legs = [x[idx[:, i]] for i in range(4)]
    integral = amputate(network, *legs, cutoff=cutoff)  # validates the cutoff before any sampling
    moments = sample_ensemble(network, x, n_networks, seed=seed, tuples=quads, executor=executor, progress=progress)
    _warn_few_groups(moments, stacklevel=2)  # nan or unreliable errors: say so once
    k = network.kernel_matrix(x) if subtract == "gp" else None
    values, errors = [], []
    for q in quads:
        est = four_point(moments, q, connected=subtract == "connected", warn=False)
        values.append(est.value - (float(wick_sum(k, q)) if k is not None else 0.0))
        errors.append(est.stderr)
    exact_g4 = None
    if exact:
        try:
            exact_g4 = g4_connected_oracle(network, *legs)
        except InvalidTypeError:
            exact_g4 = None
    return _amputated(np.array(values), np.array(errors), integral, exact_g4, n_networks)
