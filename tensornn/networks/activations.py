"""The registry of hidden activations: one entry per name, with what each network needs to know.

Every network family looks its activation up here (:func:`get_activation`), so an unknown name is
refused with the same message everywhere and a new activation is added in one place.

- ``gauss``: the Gauss-net, ``exp`` normalised per input, act(z(x)) = exp(z(x) - s(x, x)) with
  s(x, x) the preactivation variance at x, evaluated in log space (no overflow at sigma_w ~ 100);
  its kernel is translation invariant.
- ``exp``: the Exp-net, plain ``exp`` (overflows float64 at large sigma_w |x|: reported, not hidden).
- ``erf``: the error function.
- ``relu``: max(0, z).
- ``linear``: the identity; only for structured (CP and dense) layers, where the law of the output is
  an exactly known random tensor model.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601 (Gauss-, Exp-, Erf- and ReLU-nets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgumentError

__all__ = ["Activation", "ACTIVATIONS", "get_activation", "activation_names"]


def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _exp(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):  # overflow is reported by the ensemble's status
        return np.exp(z, out=z)


def _erf(z: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # scipy.special costs ~0.3 s to import; only erf-nets pay it

    return erf(z, out=z)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0, out=z)


@dataclass(frozen=True)
class Activation:
    """A hidden activation and its properties.

    Attributes
    ----------
    name : str
    function : callable
        ``function(z) -> act(z)``, allowed to overwrite ``z`` (in place where numpy can).
    normalised : bool
        True for the Gauss-net: the network subtracts the preactivation variance s(x, x) from z
        before ``function`` (exp), so that the kernel is translation invariant.
    closed_kernel : bool
        The scalar one-hidden-layer kernel and exact correlators are implemented (closed form or
        quadrature) for this activation.
    description : str
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    normalised: bool
    closed_kernel: bool
    description: str

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.function(z)


#: The registry, name -> :class:`Activation` (iterating gives the names).
ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("gauss", _exp, True, True, "exp normalised per input (Gauss-net)"),
        Activation("exp", _exp, False, True, "exp (Exp-net)"),
        Activation("erf", _erf, False, True, "error function (Erf-net)"),
        Activation("relu", _relu, False, True, "max(0, z) (ReLU-net)"),
        Activation("linear", _identity, False, False, "identity (structured layers only)"),
    )
}


def activation_names(*, closed_kernel: bool | None = None) -> tuple[str, ...]:
    """Registered names; ``closed_kernel=True`` keeps those with scalar kernels and exact oracles."""
    return tuple(n for n, a in ACTIVATIONS.items() if closed_kernel is None or a.closed_kernel == closed_kernel)


def get_activation(name, *, closed_kernel: bool = False, argument: str = "activation") -> Activation:
    """The registered :class:`Activation` called ``name``.

    Parameters
    ----------
    name : str
    closed_kernel : bool
        Require an activation with a scalar kernel and exact oracles (scalar networks).
    argument : str
        The argument name used in the error message.

    Raises
    ------
    InvalidArgumentError
        Unknown name, or one without a kernel where one is required; the message lists the valid names.

    Examples
    --------
    >>> get_activation("relu")(np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    valid = activation_names(closed_kernel=True if closed_kernel else None)
    if not isinstance(name, str) or name not in valid:
        listed = ", ".join(repr(n) for n in valid)
        raise InvalidArgumentError(f"unknown {argument} {name!r}; valid choices are {listed}")
    return ACTIVATIONS[name]
