"""The specification of a comparison: the data, the networks read on them, and how the flows are run.

A :class:`CompareConfig` is a frozen dataclass validated in ``__post_init__``; :func:`load_config` reads
it from a TOML file (flat keys, :mod:`tomllib`). Every bad value is refused here, before any sampling.

The default compares, on the embedded synthetic data (Kronecker covariance, shape (4, 4, 4)), a linear
CP rank-1 network and its dense twin: the same first- and second-layer laws, the CP layer tying the
colours of its weights together and the dense one not. The data then select different readings for the
two (docs/compare.md).
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .._checks import (check_choice, check_count, check_flow_points, check_int, check_keys, check_real, check_scale,
                       check_starts)
from ..errors import ConfigError, InvalidArgumentError, InvalidTypeError
from ..networks.activations import activation_names
from ..networks.model import model_names

__all__ = ["CompareConfig", "NETWORK_KINDS", "load_config", "config_keys"]

#: The built-in network kinds a comparison reads: the CP-structured layer, its dense twin, the block Gauss-net.
#: Any model of the registry that reads tensor data is accepted (tensornn.compare.networks).
NETWORK_KINDS = ("cp", "dense", "block-gauss")
_METHODS = ("monte-carlo", "exact", "auto")


def _kinds(value) -> tuple[str, ...]:
    from .networks import data_shape_parameter

    if isinstance(value, str):
        value = (value,)
    if not hasattr(value, "__iter__"):
        raise InvalidTypeError(f"networks must be a list of network kinds, got {value!r}")
    kinds = tuple(check_choice("networks", v, model_names()) for v in value)
    for kind in kinds:
        data_shape_parameter(kind)
    if not kinds:
        raise ConfigError(f"networks must name at least one of {', '.join(NETWORK_KINDS)}, got an empty list")
    if len(set(kinds)) != len(kinds):
        raise ConfigError(f"networks must not repeat a kind, got {list(kinds)}")
    return kinds


@dataclass(frozen=True)
class CompareConfig:
    """The data, the networks and the settings of a comparison of readings.

    Parameters
    ----------
    data : str
        "synthetic" (the embedded seeded data with a known Kronecker covariance), "digits" (scikit-learn's
        8x8 digits, the ``data`` extra) or the path of a ``.npy`` file with an array (P, n_1, ..., n_d).
    data_seed : int
        Seed of the synthetic data (>= 0).
    networks : list of str
        The networks to read, each on the same data, by their names in the model registry
        (:func:`tensornn.networks.model_names`): "cp" the CP-structured layer of rank ``cp_rank``, "dense" the
        dense layer with the same second moment, "block-gauss" the block Gauss-net whose colour blocks are the
        data's per-colour marginals (one block of size n_c per colour), or any registered model whose factory
        takes ``index_sizes`` or ``block_sizes``.
    cp_rank : int
        CP rank R >= 1 of the "cp" network.
    activation : str
        Activation of the "cp" and "dense" networks (the activation registry; "linear" has exact couplings).
    width : int
        Hidden width N >= 1 of every network.
    depth : int
        Hidden layers L >= 1 of the deep networks ("deep": a CP first layer of rank ``cp_rank`` followed by dense
        layers; "deep-dense": its dense twin); the one-layer networks do not take it.
    sigma_w, sigma_v, sigma_b : float
        First-layer, read-out (None: equal to sigma_w) and bias scales (the vocabulary of every network).
    n_networks, n_groups : int
        Monte-Carlo ensemble size and jackknife groups of each fit (>= 1024 and >= 10).
    method : {"monte-carlo", "exact", "auto"}
        How G4c is obtained for the fits: sampled (the default: the data decide from a measurement, the
        exact couplings are shown beside), from the exact oracle, or exact where one exists.
    n_points, n_quadruples : int
        The design: points drawn from the data and quadruples of them (>= 4 and >= 8).
    alpha : float
        A reading fits when its p-value is at least alpha (0 < alpha < 1).
    seed : int
        Root seed (>= 0); the design and every ensemble derive their streams from it.
    k_ir_ratio, k_uv_ratio : float
        The flows run from k_IR = k_ir_ratio m to k_UV = k_uv_ratio m, m the infrared mass.
    flow_points : int
        Recorded points per trajectory.
    flow_draws : int
        Monte-Carlo draws of the selected reading's flow from the fit's covariance (>= 10; default 100).
    anomalous_dimension : bool
        LPA' (eta from the melonic tadpole) for the tensor reading's continuum idealisation.
    fixed_point_starts : int
        Random starts of each fixed-point search (symmetric starts are added).
    """

    data: str = "synthetic"
    data_seed: int = 0
    networks: tuple = ("cp", "dense")
    cp_rank: int = 1
    activation: str = "linear"
    width: int = 8
    depth: int = 2
    sigma_w: float = 1.0
    sigma_v: float | None = None
    sigma_b: float = 0.0
    n_networks: int = 131_072
    n_groups: int = 128
    method: str = "monte-carlo"
    n_points: int = 10
    n_quadruples: int = 40
    alpha: float = 0.01
    seed: int = 0
    k_ir_ratio: float = 1e-3
    k_uv_ratio: float = 1e2
    flow_points: int = 200
    flow_draws: int = 100
    anomalous_dimension: bool = True
    fixed_point_starts: int = 8

    def __post_init__(self):
        s = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        if not isinstance(self.data, str) or not self.data:
            raise InvalidTypeError(f"data must be 'synthetic', 'digits' or a path to a .npy file, got {self.data!r}")
        s("data_seed", check_int("data_seed", self.data_seed, minimum=0))
        s("networks", _kinds(self.networks))
        s("cp_rank", check_int("cp_rank", self.cp_rank, minimum=1))
        s("activation", check_choice("activation", self.activation, activation_names()))
        s("width", check_count("width", self.width))
        s("depth", check_count("depth", self.depth))
        s("sigma_w", check_scale("sigma_w", self.sigma_w))
        if self.sigma_v is not None:
            s("sigma_v", check_scale("sigma_v", self.sigma_v))
        s("sigma_b", check_real("sigma_b", self.sigma_b, minimum=0.0))
        s("n_networks", check_count("n_networks", self.n_networks, minimum=1024))
        s("n_groups", check_int("n_groups", self.n_groups, minimum=10))
        if self.n_groups * 2 > self.n_networks:
            raise ConfigError(f"n_groups={self.n_groups} needs n_networks >= {2 * self.n_groups} (two networks per "
                              f"group at least), got n_networks={self.n_networks}")
        s("method", check_choice("method", self.method, _METHODS))
        s("n_points", check_int("n_points", self.n_points, minimum=4))
        s("n_quadruples", check_int("n_quadruples", self.n_quadruples, minimum=8))
        s("alpha", check_real("alpha", self.alpha, positive=True, maximum=0.5))
        s("seed", check_int("seed", self.seed, minimum=0))
        s("k_ir_ratio", check_real("k_ir_ratio", self.k_ir_ratio, positive=True))
        s("k_uv_ratio", check_real("k_uv_ratio", self.k_uv_ratio, positive=True))
        if not self.k_ir_ratio < self.k_uv_ratio:
            raise ConfigError(
                f"k_ir_ratio={self.k_ir_ratio} must be below k_uv_ratio={self.k_uv_ratio} (the flow runs upward)")
        s("flow_points", check_flow_points("flow_points", self.flow_points))
        s("flow_draws", check_int("flow_draws", self.flow_draws, minimum=10))
        if not isinstance(self.anomalous_dimension, bool):
            raise InvalidTypeError(f"anomalous_dimension must be true or false, got {self.anomalous_dimension!r}")
        s("fixed_point_starts", check_starts("fixed_point_starts", self.fixed_point_starts, minimum=1))

    def to_dict(self) -> dict:
        """Every field, JSON-ready (tuples as lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_mapping(cls, mapping) -> "CompareConfig":
        """Build from a mapping of keys (unknown keys are refused, listing the valid ones)."""
        if not isinstance(mapping, dict):
            raise InvalidTypeError(f"the configuration must be a table of keys, got {type(mapping).__name__}")
        try:
            check_keys("the compare configuration", mapping, config_keys())
        except InvalidArgumentError as exc:
            raise ConfigError(str(exc)) from None
        for key, value in mapping.items():
            if isinstance(value, dict):
                raise ConfigError(f"{key} must be a value, not a table; the configuration uses flat keys only")
        return cls(**mapping)


def config_keys() -> tuple[str, ...]:
    """The valid keys of a compare configuration, in order."""
    return tuple(f.name for f in fields(CompareConfig))


def load_config(path) -> CompareConfig:
    """Read a :class:`CompareConfig` from a TOML file (flat keys; see :func:`config_keys`).

    Raises
    ------
    ConfigError
        The file is missing or not valid TOML, or a value is refused.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"configuration file {str(path)!r} does not exist")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return CompareConfig.from_mapping(data)
