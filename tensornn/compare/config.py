"""The specification of a tensor/scalar comparison: one block-structured Gauss-net and the run settings.

A :class:`CompareConfig` is a frozen dataclass validated in ``__post_init__``; :func:`load_config` reads
it from a TOML file (flat keys, :mod:`tomllib`). Every bad value is refused here, before any sampling.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .._checks import check_choice, check_int, check_keys, check_real
from ..errors import ConfigError, InvalidArgumentError, InvalidTypeError

__all__ = ["CompareConfig", "load_config", "config_keys"]


def _int_tuple(name, value, minimum):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise InvalidTypeError(f"{name} must be a list of integers, got {value!r} ({type(value).__name__})")
    out = tuple(check_int(f"{name}[{i}]", v, minimum=minimum) for i, v in enumerate(value))
    if not out:
        raise InvalidArgumentError(f"{name} must hold at least one entry, got an empty list")
    return out


def _real_tuple(name, value, *, positive=True):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise InvalidTypeError(f"{name} must be a list of numbers, got {value!r} ({type(value).__name__})")
    return tuple(check_real(f"{name}[{i}]", v, positive=positive) for i, v in enumerate(value))


@dataclass(frozen=True)
class CompareConfig:
    """One network specification and how to compare its two readings.

    Parameters
    ----------
    block_sizes : tuple of int
        (D_1, ..., D_d), D_c >= 1: the input x in R^{d_in} split into d colour blocks, d_in = sum D_c.
    sigma_blocks : tuple of float, optional
        First-layer scales sigma_c > 0 of the blocks (W0 of block c ~ N(0, sigma_c^2/d_in)); default:
        every sigma_c = ``sigma_w`` (the plain Gauss-net of docs/theory/nn_qft.md).
    sigma_w : float
        Output weight scale (W1 ~ N(0, sigma_w^2/N)), > 0.
    d_in : int, optional
        If given, must equal sum(block_sizes) (a consistency check of the input size).
    widths : tuple of int
        Hidden widths N >= 1; the IR data and the flows are computed for each.
    n_networks : int
        Monte-Carlo ensemble size per width for the measured u4 (>= 100).
    seed : int
        Root seed (>= 0); every stochastic stage derives its own stream from it.
    u6 : float
        Stated sextic IR coupling (phi^6/6! normalisation); needs ``scalar_order = 3`` when nonzero.
    scalar_order : int
        2 (phi^4) or 3 (phi^6): the scalar truncation order.
    tensor_roles : {"pairing", "local"}
        How the colour blocks enter the tensor reading: pairing colours (tensor-invariant bubbles,
        needs d >= 2 blocks; a single block is always local) or all local (the product-space check).
    anomalous_dimension : bool
        LPA' (eta from the melonic tadpole) in the tensor reading; False gives LPA.
    radii : tuple of 4 floats
        Rescaled input radii of the quadruple on which u4 is measured (y_i = r_i (1,..,1)/sqrt(d_in)).
    k_ir_ratio, k_uv_ratio : float
        Flow from k_IR = k_ir_ratio m0 up to k_UV = k_uv_ratio m0.
    n_points : int
        Recorded points per trajectory.
    cp_rank : int
        CP rank R of the structured (CP) reading whose bubble content is tabulated.
    active_passive : bool
        Run the active/passive overlay of :mod:`tensornn.rg_experiment` at d_in.
    active_passive_networks : int
        Ensemble size per point of that experiment.
    fixed_point_starts : int
        Random starts of each fixed-point search (colour-symmetric starts are added).
    ir_source : {"measured", "exact"}
        Which IR u4 starts the flows: the Monte-Carlo value (default) or the exact single-layer value.
    """

    block_sizes: tuple = (1, 1, 1)
    sigma_blocks: tuple | None = None
    sigma_w: float = 1.0
    d_in: int | None = None
    widths: tuple = (10, 100, 1000)
    n_networks: int = 100_000
    seed: int = 0
    u6: float = 0.0
    scalar_order: int = 2
    tensor_roles: str = "pairing"
    anomalous_dimension: bool = True
    radii: tuple = (0.45, 0.5, 0.55, 0.6)
    k_ir_ratio: float = 1e-3
    k_uv_ratio: float = 1e2
    n_points: int = 200
    cp_rank: int = 1
    active_passive: bool = True
    active_passive_networks: int = 20_000
    fixed_point_starts: int = 48
    ir_source: str = "measured"

    def __post_init__(self):
        s = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        sizes = _int_tuple("block_sizes", self.block_sizes, 1)
        s("block_sizes", sizes)
        s("sigma_w", check_real("sigma_w", self.sigma_w, positive=True))
        if self.sigma_blocks is None:
            s("sigma_blocks", (self.sigma_w,) * len(sizes))
        else:
            sig = _real_tuple("sigma_blocks", self.sigma_blocks)
            if len(sig) != len(sizes):
                raise ConfigError(
                    f"sigma_blocks has {len(sig)} entries but block_sizes={list(sizes)} has {len(sizes)} blocks; "
                    "give one scale per colour block"
                )
            s("sigma_blocks", sig)
        if self.d_in is not None:
            d_in = check_int("d_in", self.d_in, minimum=1)
            if d_in != sum(sizes):
                raise ConfigError(
                    f"d_in={d_in} does not match block_sizes={list(sizes)} (sum {sum(sizes)}); the blocks must "
                    "split the whole input: change block_sizes or d_in"
                )
        s("d_in", sum(sizes))
        s("widths", _int_tuple("widths", self.widths, 1))
        s("n_networks", check_int("n_networks", self.n_networks, minimum=100))
        s("seed", check_int("seed", self.seed, minimum=0))
        s("u6", check_real("u6", self.u6))
        s("scalar_order", check_int("scalar_order", self.scalar_order, minimum=2, maximum=3))
        if self.u6 != 0.0 and self.scalar_order < 3:
            raise ConfigError(f"u6={self.u6} needs the phi^6 truncation: set scalar_order = 3 (got 2)")
        s("tensor_roles", check_choice("tensor_roles", self.tensor_roles, ("pairing", "local")))
        for name in ("anomalous_dimension", "active_passive"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidTypeError(f"{name} must be true or false, got {getattr(self, name)!r}")
        radii = _real_tuple("radii", self.radii)
        if len(radii) != 4:
            raise ConfigError(f"radii must hold 4 numbers (one per input of the quadruple), got {len(radii)}")
        s("radii", radii)
        s("k_ir_ratio", check_real("k_ir_ratio", self.k_ir_ratio, positive=True))
        s("k_uv_ratio", check_real("k_uv_ratio", self.k_uv_ratio, positive=True))
        if not self.k_ir_ratio < self.k_uv_ratio:
            raise ConfigError(
                f"k_ir_ratio={self.k_ir_ratio} must be below k_uv_ratio={self.k_uv_ratio} (the flow runs upward)"
            )
        s("n_points", check_int("n_points", self.n_points, minimum=2))
        s("cp_rank", check_int("cp_rank", self.cp_rank, minimum=1))
        s("active_passive_networks", check_int("active_passive_networks", self.active_passive_networks, minimum=100))
        s("ir_source", check_choice("ir_source", self.ir_source, ("measured", "exact")))
        s("fixed_point_starts", check_int("fixed_point_starts", self.fixed_point_starts, minimum=1))

    @property
    def n_colours(self) -> int:
        return len(self.block_sizes)

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
