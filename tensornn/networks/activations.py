"""The registry of hidden activations: one entry per name, carrying everything the other stages ask of it.

An :class:`Activation` holds the function phi, its derivative phi' and its kernel map

    k(q11, q22, q12) = E[phi(u) phi(v)],   (u, v) centred Gaussian, Var u = q11, Var v = q22, Cov = q12,

vectorised over arrays. The kernel map is what turns a layer's pre-activation covariance into the next
covariance: the scalar kernels (:mod:`tensornn.networks.kernels`), the deep recursions and the susceptibility
chi_perp = C_W E[phi'(z)^2] all ask the entry, never the name. Closed forms where they exist; otherwise the
graded Gaussian quadrature of :mod:`tensornn.networks.gaussian` (relative error below 1e-9 at variances up
to 100, stated and tested there). The registered activations:

- ``gauss``: the Gauss-net, ``exp`` normalised per input, phi(z) = exp(z - q) with q = Var z, evaluated in log
  space (no overflow at sigma_w ~ 100); k = exp(q12 - (q11 + q22)/2) = exp(-E(u - v)^2 / 2), translation
  invariant.
- ``exp``: the Exp-net, plain exp; k = exp((q11 + q22)/2 + q12) (overflows float64 at large variances:
  reported, not hidden).
- ``erf``: k = (2/pi) arcsin(2 q12 / sqrt((1 + 2 q11)(1 + 2 q22))) (Williams 1997).
- ``relu``: max(0, z); k = sqrt(q11 q22) (sin t + (pi - t) cos t) / (2 pi), cos t = q12 / sqrt(q11 q22)
  (the arc-cosine kernel of Cho and Saul).
- ``linear``: the identity; k = q12. With it a structured layer's law is an exactly known random tensor model.
- ``tanh``: k by quadrature (no closed form).
- ``gelu``: z Phi(z) with Phi the standard normal distribution function (the exact erf form), with
  k = q12 [1/4 + arcsin(q12 / sqrt((1 + q11)(1 + q22))) / (2 pi)]
      + [q11 q22 + q12^2 (1 - q11/(1 + q11) - q22/(1 + q22))] / (2 pi sqrt((1 + q11)(1 + q22) - q12^2)),
  from E[Phi(u) Phi(v)] = 1/4 + arcsin(...)/(2 pi) and Gaussian integration by parts (docs/activations.md).

Each entry also says how fast phi grows (``growth``: "bounded", "linear" or "exponential"; the moments of a
structured layer's output depend on it) and, where one exists, a rule for the n-point expectation
E prod_i phi(z_i) at a covariance (``product_moment``: the exp closed forms, Isserlis for the identity, the
angular rule for ReLU), which the exact oracles use before falling back to Gauss-Hermite quadrature.

Adding an activation is one call, :func:`register_activation`; one without a kernel map is refused.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601 (Gauss-, Exp-, Erf- and ReLU-nets); Williams, "Computing with
infinite networks" (1997); Cho, Saul, "Kernel methods for deep learning" (2009); Hendrycks, Gimpel,
arXiv:1606.08415 (GELU).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgumentError, InvalidTypeError
from .gaussian import quadrature_kernel_map, range_factor, relu_angular_product

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "GROWTHS",
    "get_activation",
    "activation_names",
    "register_activation",
    "unregister_activation",
]

#: How fast an activation may grow at large |z|: what decides whether a structured layer's moments exist.
GROWTHS = ("bounded", "linear", "exponential")


# ---------------------------------------------------------------------------------------------- functions
def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _ones(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


def _exp(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):  # overflow is reported by the ensemble's status
        return np.exp(z, out=z)


def _erf(z: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # scipy.special costs ~0.3 s to import; only erf-nets pay it

    return erf(z, out=z)


def _erf_derivative(z: np.ndarray) -> np.ndarray:
    return (2.0 / math.sqrt(math.pi)) * np.exp(-np.square(z))


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0, out=z)


def _step(z: np.ndarray) -> np.ndarray:
    return (np.asarray(z) > 0.0).astype(float)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z, out=z)


def _tanh_derivative(z: np.ndarray) -> np.ndarray:
    return 1.0 - np.square(np.tanh(z))


def _gelu(z: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return np.multiply(z, ndtr(z), out=z)


def _gelu_derivative(z: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return ndtr(z) + z * np.exp(-0.5 * np.square(z)) / math.sqrt(2.0 * math.pi)


# ---------------------------------------------------------------------------------------------- kernel maps
def _arrays(q11, q22, q12):
    return np.broadcast_arrays(*(np.asarray(q, dtype=float) for q in (q11, q22, q12)))


def _gauss_map(q11, q22, q12):
    q11, q22, q12 = _arrays(q11, q22, q12)
    with np.errstate(under="ignore"):
        return np.exp(q12 - 0.5 * (q11 + q22))


def _exp_map(q11, q22, q12):
    q11, q22, q12 = _arrays(q11, q22, q12)
    with np.errstate(over="ignore"):
        return np.exp(0.5 * (q11 + q22) + q12)


def _erf_map(q11, q22, q12):
    q11, q22, q12 = _arrays(q11, q22, q12)
    arg = 2.0 * q12 / np.sqrt((1.0 + 2.0 * q11) * (1.0 + 2.0 * q22))
    return (2.0 / np.pi) * np.arcsin(np.clip(arg, -1.0, 1.0))


def _relu_map(q11, q22, q12):
    q11, q22, q12 = _arrays(q11, q22, q12)
    norm = np.sqrt(q11 * q22)  # the map vanishes when either variance does
    safe = np.where(norm > 0.0, norm, 1.0)
    cos_t = np.clip(q12 / safe, -1.0, 1.0)
    t = np.arccos(cos_t)
    value = norm / (2.0 * np.pi) * (np.sin(t) + (np.pi - t) * cos_t)
    return np.where(norm > 0.0, value, 0.0)


def _linear_map(q11, q22, q12):
    return np.array(_arrays(q11, q22, q12)[2])


def _gelu_map(q11, q22, q12):
    q11, q22, q12 = _arrays(q11, q22, q12)
    det = (1.0 + q11) * (1.0 + q22)
    step = 0.25 + np.arcsin(np.clip(q12 / np.sqrt(det), -1.0, 1.0)) / (2.0 * np.pi)
    bend = q11 * q22 + q12**2 * (1.0 - q11 / (1.0 + q11) - q22 / (1.0 + q22))
    return q12 * step + bend / (2.0 * np.pi * np.sqrt(det - q12**2))


# ---------------------------------------------------------------------------------------------- n-point rules
def _gauss_product(cov):
    total, diag = cov.sum(axis=(-1, -2)), np.einsum("...ii->...", cov)
    return np.exp(0.5 * total - diag)  # sum_{i<j} s_ij - sum_i s_ii / 2


def _exp_product(cov):
    return np.exp(0.5 * cov.sum(axis=(-1, -2)))


def _relu_product(cov):
    n = cov.shape[-1]
    factor, rank = range_factor(cov.reshape(-1, n, n))
    if rank > 2:
        return None
    return relu_angular_product(factor, rank).reshape(cov.shape[:-2])


def _matchings(legs):
    if not legs:
        yield ()
        return
    first, rest = legs[0], legs[1:]
    for k, other in enumerate(rest):
        for tail in _matchings(rest[:k] + rest[k + 1:]):
            yield ((first, other),) + tail


def _linear_product(cov):
    """Isserlis: E z_1 ... z_n = sum over the pairings of the legs of prod cov_ab (0 for odd n)."""
    n = cov.shape[-1]
    out = np.zeros(cov.shape[:-2])
    for matching in _matchings(tuple(range(n))) if n % 2 == 0 else ():
        out = out + math.prod((cov[..., a, b] for a, b in matching), start=np.ones(cov.shape[:-2]))
    return out


@dataclass(frozen=True)
class Activation:
    """A hidden activation and everything the stages ask of it.

    Attributes
    ----------
    name : str
    function : callable
        ``function(z) -> phi(z)``, allowed to overwrite ``z`` (in place where numpy can).
    derivative : callable
        ``derivative(z) -> phi'(z)`` at the argument ``function`` receives (not in place).
    kernel_map : callable
        ``kernel_map(q11, q22, q12) -> E[phi(u) phi(v)]`` for a centred Gaussian pair, vectorised (the three
        arrays broadcast). For a ``normalised`` activation phi includes the normalisation.
    growth : {"bounded", "linear", "exponential"}
        How fast |phi| grows at large |z|.
    normalised : bool
        True for the Gauss-net: the network subtracts the pre-activation variance q from z before
        ``function`` (exp), so its kernel map exp(q12 - (q11 + q22)/2) is translation invariant.
    closed_kernel : bool
        The kernel map is a closed form (False: Gaussian quadrature, :mod:`tensornn.networks.gaussian`).
    product_moment : callable or None
        ``product_moment(cov) -> E prod_i phi(z_i)`` for z ~ N(0, cov) of shape (..., n, n), or None where the
        rule does not apply; used by the exact oracles before Gauss-Hermite quadrature.
    product_method : str
        The name of that rule ("closed form", "angular", ...), reported with the oracles' moments.
    description : str
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    kernel_map: Callable
    growth: str
    normalised: bool = False
    closed_kernel: bool = True
    product_moment: Callable | None = None
    product_method: str = ""
    description: str = ""

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.function(z)

    @property
    def kernel_method(self) -> str:
        """"closed form" or "quadrature"."""
        return "closed form" if self.closed_kernel else "quadrature"


def _check_callable(argument: str, value, fix: str):
    if value is None:
        raise InvalidArgumentError(f"register_activation needs {argument}; {fix}")
    if not callable(value):
        raise InvalidTypeError(f"{argument} must be a callable, got {type(value).__name__}; {fix}")
    return value


def _entry(name, function, *, derivative, kernel_map, growth, normalised=False, product_moment=None,
           product_method="", description="", probe=True) -> Activation:
    """Validate one registration and build its :class:`Activation` (``probe``: evaluate the kernel map once)."""
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise InvalidArgumentError(f"name must be a non-empty string without surrounding spaces, got {name!r}")
    _check_callable("function", function, "pass phi as a vectorised function of a numpy array")
    _check_callable("derivative", derivative, "pass phi' as a vectorised function (used for chi_perp = C_W E phi'^2)")
    _check_callable(
        "kernel_map", kernel_map,
        "pass kernel_map(q11, q22, q12) = E[phi(u) phi(v)] in closed form, or "
        "kernel_map=tensornn.networks.gaussian.quadrature_kernel_map(function) for Gaussian quadrature")
    if growth not in GROWTHS:
        raise InvalidArgumentError(
            f"growth must be one of {', '.join(repr(g) for g in GROWTHS)} (how fast |phi| grows), got {growth!r}")
    if not isinstance(normalised, bool):
        raise InvalidTypeError(f"normalised must be True or False, got {normalised!r}")
    if product_moment is not None:
        _check_callable("product_moment", product_moment, "pass a rule for E prod phi(z_i), or None")
    if probe:
        _probe(name, kernel_map)
    return Activation(name, function, derivative, kernel_map, growth, normalised,
                      not getattr(kernel_map, "quadrature", False), product_moment, product_method, description)


def _probe(name, kernel_map) -> None:
    probe = np.asarray(kernel_map(np.array([1.0, 0.5]), np.array([1.0, 2.0]), np.array([0.5, 0.0])), dtype=float)
    if probe.shape != (2,) or not np.all(np.isfinite(probe)):
        raise InvalidArgumentError(
            f"kernel_map of {name!r} must return one finite value per broadcast entry; at (q11, q22, q12) = "
            f"(1, 1, 0.5) and (0.5, 2, 0) it returned {probe!r}")


#: The registry, name -> :class:`Activation` (iterating gives the names).
ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        _entry("gauss", _exp, derivative=np.exp, kernel_map=_gauss_map, growth="exponential", normalised=True,
               product_moment=_gauss_product, product_method="closed form",
               description="exp normalised per input (Gauss-net)", probe=False),
        _entry("exp", _exp, derivative=np.exp, kernel_map=_exp_map, growth="exponential",
               product_moment=_exp_product, product_method="closed form", description="exp (Exp-net)", probe=False),
        _entry("erf", _erf, derivative=_erf_derivative, kernel_map=_erf_map, growth="bounded",
               description="error function (Erf-net)", probe=False),
        _entry("relu", _relu, derivative=_step, kernel_map=_relu_map, growth="linear",
               product_moment=_relu_product, product_method="angular", description="max(0, z) (ReLU-net)", probe=False),
        _entry("linear", _identity, derivative=_ones, kernel_map=_linear_map, growth="linear",
               product_moment=_linear_product, product_method="closed form", description="identity", probe=False),
        _entry("tanh", _tanh, derivative=_tanh_derivative, kernel_map=quadrature_kernel_map(np.tanh),
               growth="bounded", description="hyperbolic tangent (kernel by quadrature)", probe=False),
        _entry("gelu", _gelu, derivative=_gelu_derivative, kernel_map=_gelu_map, growth="linear",
               description="z Phi(z), the exact (erf) GELU", probe=False),
    )
}
_BUILT_IN = frozenset(ACTIVATIONS)


def register_activation(name, function, *, derivative=None, kernel_map=None, growth=None, normalised=False,
                        product_moment=None, product_method="", description="", replace=False) -> Activation:
    """Register an activation: one entry with its function, derivative and kernel map.

    Parameters
    ----------
    name : str
    function : callable
        phi, vectorised (may work in place).
    derivative : callable
        phi', vectorised.
    kernel_map : callable
        ``kernel_map(q11, q22, q12) = E[phi(u) phi(v)]`` for a centred Gaussian pair, vectorised: a closed form,
        or ``tensornn.networks.gaussian.quadrature_kernel_map(function)``. Required.
    growth : {"bounded", "linear", "exponential"}
        How fast |phi| grows at large |z|. Required.
    normalised : bool
        The network subtracts the pre-activation variance before ``function`` (as for the Gauss-net).
    product_moment : callable, optional
        A rule for E prod_i phi(z_i) at a covariance (..., n, n), returning None where it does not apply.
    product_method : str
        Its name.
    description : str
    replace : bool
        Replace an activation registered before under ``name`` (the built-in ones cannot be replaced).

    Returns
    -------
    Activation

    Raises
    ------
    InvalidArgumentError
        A missing kernel map, derivative or growth (the message says what to pass), a kernel map that does not
        return finite values, an unknown growth, or a name already taken.

    Examples
    --------
    >>> from tensornn.networks.gaussian import quadrature_kernel_map
    >>> softplus = lambda z: np.logaddexp(0.0, z)
    >>> act = register_activation("softplus-example", softplus, derivative=lambda z: 1 / (1 + np.exp(-z)),
    ...                           kernel_map=quadrature_kernel_map(softplus), growth="linear")
    >>> act.kernel_method
    'quadrature'
    >>> unregister_activation("softplus-example")
    """
    if name in _BUILT_IN:
        raise InvalidArgumentError(f"{name!r} is a built-in activation and cannot be replaced; choose another name")
    if name in ACTIVATIONS and not replace:
        raise InvalidArgumentError(f"an activation {name!r} is already registered; pass replace=True to replace it")
    entry = _entry(name, function, derivative=derivative, kernel_map=kernel_map, growth=growth,
                   normalised=normalised, product_moment=product_moment, product_method=product_method,
                   description=description)
    ACTIVATIONS[name] = entry
    return entry


def unregister_activation(name) -> None:
    """Remove an activation registered with :func:`register_activation` (the built-in ones stay)."""
    if name in _BUILT_IN:
        raise InvalidArgumentError(f"{name!r} is a built-in activation and cannot be removed")
    if name not in ACTIVATIONS:
        raise InvalidArgumentError(f"no activation {name!r} is registered; registered: {', '.join(ACTIVATIONS)}")
    del ACTIVATIONS[name]


def activation_names(*, closed_kernel: bool | None = None) -> tuple[str, ...]:
    """Registered names; ``closed_kernel=True`` keeps those whose kernel map is a closed form."""
    return tuple(n for n, a in ACTIVATIONS.items() if closed_kernel is None or a.closed_kernel == closed_kernel)


def get_activation(name, *, closed_kernel: bool = False, argument: str = "activation") -> Activation:
    """The registered :class:`Activation` called ``name``.

    Parameters
    ----------
    name : str
    closed_kernel : bool
        Require an activation whose kernel map is a closed form.
    argument : str
        The argument name used in the error message.

    Raises
    ------
    InvalidArgumentError
        Unknown name (the message lists the valid names).

    Examples
    --------
    >>> get_activation("relu")(np.array([-1.0, 2.0]))
    array([0., 2.])
    >>> float(get_activation("linear").kernel_map(1.0, 2.0, 0.5))
    0.5
    """
    valid = activation_names(closed_kernel=True if closed_kernel else None)
    if not isinstance(name, str) or name not in valid:
        listed = ", ".join(repr(n) for n in valid)
        raise InvalidArgumentError(f"unknown {argument} {name!r}; valid choices are {listed}")
    return ACTIVATIONS[name]
