"""The model contract: a network family as one object with its sampling and its theory face, and their registry.

Every stage after the networks asks the model, never its type. A model answers:

sampling (:mod:`tensornn.networks.sampling` streams it):
    ``check_inputs(inputs)`` -> the inputs as a float array (P, *input_shape);
    ``sample_outputs(inputs, n_networks, rng, *, dtype=np.float64)`` -> outputs (n_networks, P);
    optionally ``block_sampler(inputs, *, dtype)`` marked by :func:`~tensornn.networks.spec.via_block_sampler`.
theory face (None means "not known for this family", never "zero"):
    ``kernel(inputs)`` -> the infinite-width two-point function K (P, P), bias constant included;
    ``exact_four_point(inputs, quadruples)`` -> the exact connected G4c (Q,) at every width;
    ``leading_four_point(inputs, quadruples)`` -> the leading 1/N G4c (Q,) (for one hidden layer the exact G4c,
    which is exactly of order 1/N);
    ``pattern_space()`` -> the space its readings amputate on, built on the network's own propagator
    (:mod:`tensornn.readings.patterns`), None without one, or it raises
    :class:`~tensornn.errors.UnsupportedReadingError` with the reason when the family has patterns but not for
    these parameters (``reading_problem()`` returns that reason without raising);
    ``exact_couplings(classes)`` -> {class name: lambda_V} of its first-order action where known;
    ``moment_problem(order=4)`` -> None when the order-``order`` moments of the output are finite, else the reason;
    ``describe()`` -> one line for reports; ``to_dict()`` -> its parameters with ``"model"``, the registry name,
    so that ``get_model(**model.to_dict())`` rebuilds it.

Optional, with defaults in :class:`ModelBase`: ``input_shape`` (the shape of one input), ``view_data(data)`` (what
the model makes of tensor data in a comparison), ``reading_prediction()`` (a sentence its law says in advance
about its readings, for reports) and ``floats_per_network(n_inputs)`` (the floats one network holds while it is
evaluated, for the memory bound of :mod:`tensornn._limits`; None means one hidden layer of ``width`` units).
:class:`ModelBase` gives the "not known" answers, so a new family implements what it knows. Whether
``exact_four_point`` answers None depends on the family only, never on the inputs. The registry maps
a name to a factory (:func:`register_model`, :func:`get_model`, :func:`model_names`); the compare configuration
and the command line choose networks through it.

Examples
--------
>>> net = get_model("scalar", activation="relu", d_in=1, width=4, sigma_w=1.0)
>>> net.kernel([[0.0], [1.0]]).round(4).tolist()
[[0.0, 0.0], [0.0, 0.5]]
>>> get_model(**net.to_dict()) == net
True
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "Model",
    "ModelBase",
    "ModelEntry",
    "MODELS",
    "register_model",
    "unregister_model",
    "get_model",
    "model_names",
    "model_entry",
    "quadruple_legs",
]


@runtime_checkable
class Model(Protocol):
    """The contract of a network family (the module docstring says what each method returns)."""

    def check_inputs(self, inputs) -> np.ndarray:
        """Validate ``inputs`` and return them as a float array of shape (P, *input_shape)."""

    def sample_outputs(self, inputs, n_networks: int, rng: np.random.Generator, *, dtype=np.float64) -> np.ndarray:
        """Outputs of ``n_networks`` independent networks drawn from ``rng``, shape (n_networks, P)."""

    def kernel(self, inputs) -> np.ndarray | None:
        """The infinite-width two-point function K(x_a, x_b), shape (P, P), or None."""

    def exact_four_point(self, inputs, quadruples) -> np.ndarray | None:
        """The exact connected G4c at the quadruples (Q, 4) of the inputs, shape (Q,), or None."""

    def leading_four_point(self, inputs, quadruples) -> np.ndarray | None:
        """The leading-order (1/N) connected G4c, shape (Q,), or None."""

    def pattern_space(self):
        """The space of the readings' amputation patterns, or None."""

    def exact_couplings(self, classes) -> dict | None:
        """{class name: lambda_V} of the exact first-order quartic action, or None."""

    def moment_problem(self, order: int = 4) -> str | None:
        """None when E|f|^order is finite at every input, else why it is not."""

    def describe(self) -> str:
        """One line saying what the network is."""

    def to_dict(self) -> dict:
        """The parameters, with "model" the registry name."""


def quadruple_legs(x: np.ndarray, quadruples) -> list[np.ndarray]:
    """The four legs ``x[quadruples[:, i]]`` after checking ``quadruples`` is an int array (Q, 4) indexing ``x``."""
    q = np.asarray(quadruples)
    if q.ndim != 2 or q.shape[1] != 4 or not (np.issubdtype(q.dtype, np.integer) or q.size == 0):
        raise InvalidArgumentError(f"quadruples must be an int array of shape (Q, 4), got {q.dtype} {q.shape}")
    if q.size and (q.min() < 0 or q.max() >= len(x)):
        raise InvalidArgumentError(f"quadruples index the inputs 0..{len(x) - 1}, got entries {q.min()}..{q.max()}")
    q = q.astype(int)
    return [x[q[:, i]] for i in range(4)]


def _check_order(order) -> int:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise InvalidArgumentError(f"order must be an integer >= 1 (the moment E|f|^order), got {order!r}")
    return int(order)


class ModelBase:
    """What a family does not know: every theory answer None, except those a family must give.

    Subclasses implement ``check_inputs``, ``sample_outputs``, ``moment_problem``, ``describe`` and ``to_dict``
    (and ``input_shape``), and override the theory methods they can answer. ``leading_four_point`` defaults to
    ``exact_four_point`` only for families that declare ``one_hidden_layer = True``: there G4c is exactly of
    order 1/N.
    """

    #: True for one hidden layer: the exact G4c is then exactly the leading 1/N term.
    one_hidden_layer = False

    def kernel(self, inputs) -> np.ndarray | None:
        return None

    def exact_four_point(self, inputs, quadruples) -> np.ndarray | None:
        return None

    def leading_four_point(self, inputs, quadruples) -> np.ndarray | None:
        return self.exact_four_point(inputs, quadruples) if self.one_hidden_layer else None

    def pattern_space(self):
        return None

    def exact_couplings(self, classes) -> dict | None:
        return None

    def reading_problem(self) -> str | None:
        """Why the readings cannot amputate this network with its own propagator (None: they can, or the family has
        no patterns at all, which ``pattern_space()`` answers with None)."""
        return None

    def view_data(self, data):
        """The data as this model reads them (default: unchanged); :mod:`tensornn.compare` uses it."""
        return data

    def reading_prediction(self) -> str | None:
        """What the family's law says in advance about its readings, as a sentence for reports (or None)."""
        return None

    #: ``floats_per_network(n_inputs) -> float``: the floats one network holds while it is evaluated; None (the
    #: default) means one hidden layer of ``width`` units, width x (input components + 2 n_inputs).
    floats_per_network = None


@dataclass(frozen=True)
class ModelEntry:
    """A registered model: its name, the factory that builds it from keyword parameters, and a description."""

    name: str
    factory: Callable
    description: str = ""

    def parameters(self) -> tuple[str, ...] | None:
        """The keyword parameters the factory accepts (None when it takes ``**kwargs``)."""
        params = inspect.signature(self.factory).parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in params):
            return None
        return tuple(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def _scalar(*, activation, d_in, width, sigma_w, sigma_b=0.0, bias=None, sigma_v=None):
    from .scalar import ScalarNetwork

    return ScalarNetwork(activation, d_in, width, sigma_w, sigma_b, bias, sigma_v)


def _block_gauss(*, block_sizes, width=1, sigma_w=1.0, sigma_blocks=None, sigma_b=0.0, bias=None, sigma_v=None):
    from .blocks import BlockGaussNetwork

    return BlockGaussNetwork(block_sizes, sigma_blocks, width, sigma_w, sigma_b, bias, sigma_v)


def _cp(*, index_sizes, cp_rank=1, activation="linear", width=1, sigma_w=1.0, sigma_v=None, sigma_b=0.0, bias=None):
    from .cp import StructuredNetwork

    return StructuredNetwork(index_sizes, cp_rank, activation, width, sigma_w, sigma_v, sigma_b, bias)


def _dense(*, index_sizes, activation="linear", width=1, sigma_w=1.0, sigma_v=None, sigma_b=0.0, bias=None):
    from .cp import StructuredNetwork

    return StructuredNetwork(index_sizes, None, activation, width, sigma_w, sigma_v, sigma_b, bias)


def _deep(*, activation, widths=None, width=None, depth=None, d_in=None, index_sizes=None, cp_rank=1,
          block_sizes=None, sigma_blocks=None, sigma_w=1.0, sigma_b=0.0, bias=None, sigma_v=None):
    from .deep import deep_model

    return deep_model(activation=activation, widths=widths, width=width, depth=depth, d_in=d_in,
                      index_sizes=index_sizes, cp_rank=cp_rank, block_sizes=block_sizes, sigma_blocks=sigma_blocks,
                      sigma_w=sigma_w, sigma_b=sigma_b, bias=bias, sigma_v=sigma_v)


def _deep_dense(*, index_sizes, activation, widths=None, width=None, depth=None, sigma_w=1.0, sigma_b=0.0, bias=None,
                sigma_v=None):
    from .deep import deep_model

    return deep_model(activation=activation, widths=widths, width=width, depth=depth, index_sizes=index_sizes,
                      cp_rank=None, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias, sigma_v=sigma_v)


#: The registry, name -> :class:`ModelEntry`.
MODELS: dict[str, ModelEntry] = {
    e.name: e
    for e in (
        ModelEntry("scalar", _scalar, "one hidden layer on vector inputs (Gauss-, Exp-, Erf-, ReLU-nets, ...)"),
        ModelEntry("block-gauss", _block_gauss, "Gauss-net with colour blocks of the input and their own scales"),
        ModelEntry("cp", _cp, "one hidden layer on tensor inputs with CP-structured first-layer weights"),
        ModelEntry("dense", _dense, "one hidden layer on tensor inputs with dense weights (the CP layer's twin)"),
        ModelEntry("deep", _deep, "L hidden layers of any activation on a dense, block or CP input layer"),
        ModelEntry("deep-dense", _deep_dense, "L hidden layers on tensor inputs with a dense first layer (the deep "
                   "CP network's twin)"),
    )
}
_BUILT_IN = frozenset(MODELS)


def register_model(name, factory, *, description: str = "", replace: bool = False) -> ModelEntry:
    """Register a network family: ``get_model(name, **params)`` then calls ``factory(**params)``.

    Parameters
    ----------
    name : str
    factory : callable
        Keyword parameters -> a model (an object with the methods of :class:`Model`); it validates them.
    description : str
    replace : bool
        Replace a model registered before under ``name`` (the built-in ones cannot be replaced).

    Returns
    -------
    ModelEntry

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        A bad name, a factory that is not callable, a name already taken.
    """
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise InvalidArgumentError(f"name must be a non-empty string without surrounding spaces, got {name!r}")
    if not callable(factory):
        raise InvalidTypeError(
            f"factory must be callable (keyword parameters -> a model), got {type(factory).__name__}")
    if name in _BUILT_IN:
        raise InvalidArgumentError(f"{name!r} is a built-in model and cannot be replaced; choose another name")
    if name in MODELS and not replace:
        raise InvalidArgumentError(f"a model {name!r} is already registered; pass replace=True to replace it")
    entry = ModelEntry(name, factory, description)
    MODELS[name] = entry
    return entry


def unregister_model(name) -> None:
    """Remove a model registered with :func:`register_model` (the built-in ones stay)."""
    if name in _BUILT_IN:
        raise InvalidArgumentError(f"{name!r} is a built-in model and cannot be removed")
    if name not in MODELS:
        raise InvalidArgumentError(f"no model {name!r} is registered; registered: {', '.join(MODELS)}")
    del MODELS[name]


def model_names() -> tuple[str, ...]:
    """The registered model names, built-in ones first."""
    return tuple(MODELS)


def model_entry(name, *, argument: str = "model") -> ModelEntry:
    """The :class:`ModelEntry` of ``name``; an unknown name is refused listing the valid ones."""
    if not isinstance(name, str) or name not in MODELS:
        raise InvalidArgumentError(
            f"unknown {argument} {name!r}; valid choices are {', '.join(repr(n) for n in MODELS)}")
    return MODELS[name]


def get_model(model, **params):
    """Build the registered model ``model`` from its keyword parameters.

    Parameters
    ----------
    model : str
        A name of :func:`model_names` ("scalar", "block-gauss", "cp", "dense", or one registered later).
    **params
        The factory's parameters; unknown ones are refused with the list of valid ones.

    Returns
    -------
    the model

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        An unknown model, unknown or missing parameters, or values the family refuses.

    Examples
    --------
    >>> print(get_model("dense", index_sizes=(2, 2), width=3).describe())
    dense layer (the CP layer's twin), linear, N = 3
    """
    entry = model_entry(model)
    accepted = entry.parameters()
    if accepted is not None:
        unknown = sorted(set(params) - set(accepted))
        if unknown:
            raise InvalidArgumentError(
                f"unknown parameter(s) {', '.join(map(repr, unknown))} of the model {model!r}; "
                f"valid parameters are {', '.join(map(repr, accepted))}")
        sig = inspect.signature(entry.factory)
        named = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        missing = [p.name for p in sig.parameters.values()
                   if p.default is p.empty and p.kind in named and p.name not in params]
        if missing:
            raise InvalidArgumentError(f"the model {model!r} needs the parameter(s) {', '.join(map(repr, missing))}")
    built = entry.factory(**params)
    if not isinstance(built, Model):
        raise InvalidTypeError(
            f"the factory of the model {model!r} returned a {type(built).__name__}, which lacks methods of the "
            "model contract (tensornn.networks.model.Model)")
    return built
