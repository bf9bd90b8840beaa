"""One-hidden-layer scalar networks and the protocol the ensemble sampler accepts.

A :class:`ScalarNetwork` is the specification of an ensemble (docs/theory/nn_qft.md, networks):

    f(x) = b1 + sum_{j=1}^{N} W1_j act(z_j(x)),   z_j(x) = W0_j . x + b0_j,

    W0 ~ N(0, sigma_w^2 / d_in),  b0 ~ N(0, sigma_b^2),  W1 ~ N(0, sigma_w^2 / N),  b1 ~ N(0, sigma_b^2),

all independent. With ``bias=False`` both biases are zero, and every formula uses the effective
bias scale 0 (:attr:`ScalarNetwork.effective_sigma_b`). The Gauss-net is act(z(x)) =
exp(z(x) - sigma_b^2 - sigma_w^2 |x|^2 / d_in), evaluated in log space so that sigma_w ~ 100 does
not overflow.

Any object with ``check_inputs`` and ``sample_outputs`` (the :class:`NetworkSpec` protocol) can be
sampled by :func:`tensornn.ensemble.sample_ensemble`.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601; Neal, "Bayesian learning for neural networks" (1996).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from scipy.special import erf

from ._checks import check_array, check_choice, check_int, check_real
from .errors import InvalidArgumentError, InvalidTypeError
from .kernels import ACTIVATIONS, kernel

__all__ = ["NetworkSpec", "ScalarNetwork"]


@runtime_checkable
class NetworkSpec(Protocol):
    """What :func:`tensornn.ensemble.sample_ensemble` needs from a network family.

    Implementations must be picklable (they are shipped to worker processes) and must draw all
    their randomness from the ``rng`` they are given, in an order that depends only on
    ``n_networks`` and the inputs' shape, so a block of networks is reproducible anywhere.
    """

    def check_inputs(self, inputs) -> np.ndarray:
        """Validate ``inputs`` and return them as a float array of shape (P, ...)."""

    def sample_outputs(self, inputs, n_networks: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n_networks`` independent networks and return their outputs, shape (n_networks, P)."""


def _hidden_gauss(z, x_norm2, sigma_w, sigma_b, d_in):
    # act(z(x)) = exp(z(x)) / exp(sigma_b^2 + sigma_w^2 |x|^2 / d_in), in log space.
    z -= sigma_b**2 + sigma_w**2 * x_norm2 / d_in
    with np.errstate(under="ignore"):
        return np.exp(z, out=z)


@dataclass(frozen=True)
class ScalarNetwork:
    """A one-hidden-layer network family with Gaussian parameter laws (docs/theory/nn_qft.md).

    Parameters
    ----------
    activation : {"gauss", "exp", "erf", "relu"}
        Hidden activation; "gauss" is the normalised exponential (Gauss-net).
    d_in : int
        Input dimension, >= 1.
    width : int
        Hidden width N, >= 1.
    sigma_w : float
        Weight scale, finite and > 0.
    sigma_b : float, optional
        Bias scale, finite and >= 0 (default 0).
    bias : bool, optional
        If False, b0 = b1 = 0 and the effective bias scale is 0 (default True).

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        Unknown activation (the message lists the valid names), width < 1, non-integer sizes,
        negative or non-finite sigmas.

    Examples
    --------
    >>> net = ScalarNetwork("erf", d_in=1, width=10, sigma_w=1.0)
    >>> net.sample_outputs([[0.1], [0.2]], 3, np.random.default_rng(0)).shape
    (3, 2)
    """

    activation: str
    d_in: int
    width: int
    sigma_w: float
    sigma_b: float = 0.0
    bias: bool = True

    def __post_init__(self):
        object.__setattr__(self, "activation", check_choice("activation", self.activation, ACTIVATIONS))
        object.__setattr__(self, "d_in", check_int("d_in", self.d_in, minimum=1))
        object.__setattr__(self, "width", check_int("width", self.width, minimum=1))
        object.__setattr__(self, "sigma_w", check_real("sigma_w", self.sigma_w, positive=True))
        object.__setattr__(self, "sigma_b", check_real("sigma_b", self.sigma_b, minimum=0.0))
        if not isinstance(self.bias, (bool, np.bool_)):
            raise InvalidTypeError(f"bias must be True or False, got {self.bias!r}")
        object.__setattr__(self, "bias", bool(self.bias))
        if not self.bias and self.sigma_b != 0.0:
            raise InvalidArgumentError(
                f"sigma_b={self.sigma_b} has no effect with bias=False; pass sigma_b=0.0 or bias=True"
            )

    @property
    def effective_sigma_b(self) -> float:
        """The bias scale the ensemble actually has: sigma_b, or 0 when ``bias`` is False."""
        return self.sigma_b if self.bias else 0.0

    def check_inputs(self, inputs) -> np.ndarray:
        """Validate inputs and return them as a float array of shape (P, d_in).

        A 1-d array is read as P scalar inputs when ``d_in == 1`` and as one input when its
        length is ``d_in > 1``.

        Raises
        ------
        InvalidArgumentError
            NaN/inf entries, no inputs, or a last axis that is not d_in.
        """
        x = check_array("inputs", inputs)
        if x.ndim == 0:
            x = x.reshape(1, 1)
        elif x.ndim == 1:
            x = x[:, None] if self.d_in == 1 else x[None, :]
        if x.ndim != 2 or x.shape[1] != self.d_in:
            raise InvalidArgumentError(
                f"inputs must have shape (P, d_in) = (P, {self.d_in}), got shape {x.shape}; "
                "put one input per row"
            )
        if x.shape[0] == 0:
            raise InvalidArgumentError("inputs must contain at least one input, got none")
        return x

    def kernel_matrix(self, inputs) -> np.ndarray:
        """The (P, P) matrix K(x_a, x_b) of this ensemble, equal to its exact 2-point function."""
        x = self.check_inputs(inputs)
        return kernel(
            self.activation, x[:, None, :], x[None, :, :], sigma_w=self.sigma_w, sigma_b=self.effective_sigma_b
        )

    def sample_outputs(self, inputs, n_networks, rng) -> np.ndarray:
        """Draw ``n_networks`` independent networks from ``rng`` and evaluate them on ``inputs``.

        The draws are made in a fixed order (W0, b0, W1, b1; biases skipped when ``bias`` is
        False), so the outputs depend only on the generator state, ``n_networks`` and the inputs.
        Memory is O(n_networks * width * P): stream large ensembles with
        :func:`tensornn.ensemble.sample_ensemble`.

        Parameters
        ----------
        inputs : array_like, shape (P, d_in)
        n_networks : int, >= 1
        rng : numpy.random.Generator

        Returns
        -------
        ndarray, shape (n_networks, P)
        """
        x = self.check_inputs(inputs)
        n = check_int("n_networks", n_networks, minimum=1)
        if not isinstance(rng, np.random.Generator):
            raise InvalidTypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
        width, d_in = self.width, self.d_in
        sigma_b = self.effective_sigma_b
        w0 = rng.standard_normal((n, width, d_in))
        w0 *= self.sigma_w / np.sqrt(d_in)
        z = w0[:, :, 0, None] * x[:, 0] if d_in == 1 else np.matmul(w0, x.T)  # (n, width, P)
        if self.bias:
            b0 = rng.standard_normal((n, width, 1))
            b0 *= sigma_b
            z += b0
        if self.activation == "gauss":
            h = _hidden_gauss(z, np.einsum("pi,pi->p", x, x), self.sigma_w, sigma_b, d_in)
        elif self.activation == "exp":
            with np.errstate(over="ignore"):
                h = np.exp(z, out=z)
        elif self.activation == "erf":
            h = erf(z, out=z)
        else:
            h = np.maximum(z, 0.0, out=z)
        w1 = rng.standard_normal((n, 1, width))
        w1 *= self.sigma_w / np.sqrt(width)
        with np.errstate(invalid="ignore", over="ignore"):  # overflowed Exp-nets give inf/NaN, reported by status
            out = np.matmul(w1, h)[:, 0, :]
        if self.bias:
            out += sigma_b * rng.standard_normal((n, 1))
        return out

