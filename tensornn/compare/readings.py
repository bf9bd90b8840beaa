"""IR data of a block-structured Gauss-net and its two field-theory readings (scalar and tensor).

IR data (docs/theory/structured_inputs.md, block inputs). The block Gauss-net (:class:`tensornn.structured.BlockGaussNetwork`) has
``1/K_w(p) = A + sum_c a_c |p_c|^2 + O(p^4)`` (:func:`tensornn.structured.block_kinetic_coefficients`).
The field is normalised by ``Z = prod_c a_c^(D_c/d_in)`` (the geometric mean; for equal ``sigma_c =
sigma_w`` it is the Z of docs/theory/nn_qft.md), ``phi = sqrt(Z) f``, so that

    Gamma^(2)(p) = sum_c (a_c/Z) |p_c|^2 + m^2,   m^2 = A/Z   (= 2 sigma_w^2/d_in for equal scales),
    u4 = u4_f / Z^2,   u4_f = -Delta G4c / int d^{d_in}y prod_i K_w(x_i, y)   (f^4/4! normalisation).

``u4_f`` is measured by Monte Carlo on the block network itself (:func:`tensornn.ensemble.sample_ensemble`,
connected estimator, jackknife error). Its exact value comes from the single-layer oracle: the block net at
``x`` is the plain Gauss-net at ``x'^c = (sigma_c/sigma_w) x^c``, so ``G4c(x) = G4c_plain(x')`` and the
amputation integral picks up the Jacobian ``J = prod_c (sigma_w/sigma_c)^D_c``: ``u4_f = u4_plain(x')/J``.

Scalar reading: one real field on one LOCAL continuum colour R^{d_in} (momenta rescaled so that the
kinetic term is |p|^2; the rescaling has unit Jacobian because Z is the geometric mean), truncation
``g2 phi^2 + g4 phi^4 (+ g6 phi^6)``, LPA, Litim. Tensor reading: the d blocks as PAIRING continuum
colours R^{D_c} with kinetic ``(a_c/Z) |p_c|^2``, the melonic quartic truncation (the pillows) plus the
mass, LPA' (eta from the melonic tadpole). A single block has no tensor structure: it is read as a LOCAL
colour (the input space itself) and the truncation is the rank-0 one (phi^4): the same code, which then
reproduces the scalar reading. Matching at the zero mode: every quartic bubble evaluated on a constant
field is phi^4, so the quartic couplings sum to ``u4/4!``; they are split equally over the quartic
interactions of the truncation (colour symmetry). The mass term is ``g2 = m^2/2`` in both readings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..couplings import gauss_amputation_integral, u4_exact
from ..errors import InvalidArgumentError
from ..structured import BlockGaussNetwork, block_kinetic_coefficients
from .config import CompareConfig

__all__ = ["IRData", "block_normalisation", "quadruple_inputs", "measure_ir_data", "scalar_theory", "tensor_theory",
           "reading_flow", "initial_couplings", "sigma_w_of_mass"]


def block_normalisation(config: CompareConfig) -> dict:
    """Z, m^2, A and the normalised per-colour kinetic scales a_c/Z of the block Gauss-net."""
    kin = block_kinetic_coefficients(block_sizes=config.block_sizes, sigma_w=config.sigma_w,
                                     sigma_blocks=config.sigma_blocks)
    d_in = config.d_in
    log_z = sum(dc * math.log(a) for dc, a in zip(config.block_sizes, kin.a)) / d_in
    z = math.exp(log_z)
    return {"Z": z, "mass2": kin.mass_term / z, "A": kin.mass_term, "a": tuple(kin.a),
            "scales": tuple(a / z for a in kin.a)}


def quadruple_inputs(config: CompareConfig):
    """The measurement quadruple: block inputs x (4, d_in) and the plain-net inputs x' with the Jacobian J.

    Plain inputs ``x' = sqrt(d_in) y / sigma_w`` with ``y_i = r_i (1, ..., 1)/sqrt(d_in)``; block inputs
    ``x^c = (sigma_w/sigma_c) x'^c``.
    """
    d_in = config.d_in
    y = np.repeat(np.asarray(config.radii)[:, None], d_in, axis=1) / math.sqrt(d_in)
    x_plain = math.sqrt(d_in) * y / config.sigma_w
    ratio = np.repeat(np.asarray(config.sigma_blocks) / config.sigma_w, config.block_sizes)
    x_block = x_plain / ratio
    jacobian = float(np.prod((config.sigma_w / np.asarray(config.sigma_blocks)) ** np.asarray(config.block_sizes)))
    return x_block, x_plain, jacobian


@dataclass(frozen=True)
class IRData:
    """IR data of one width: ``u4`` Z-normalised (phi^4/4!), measured and exact; ``u4_f`` of the output f."""

    width: int
    n_networks: int
    Z: float
    mass2: float
    scales: tuple
    u4_f: float
    u4_f_error: float
    u4_f_exact: float
    u4: float
    u4_error: float
    u4_exact: float
    u6: float

    @property
    def pull(self) -> float:
        """(measured - exact) / error."""
        return (self.u4 - self.u4_exact) / self.u4_error if self.u4_error > 0 else math.nan

    @property
    def noise_dominated(self) -> bool:
        """|u4| < 2 standard errors: the measurement does not resolve the sign of u4."""
        return abs(self.u4) < 2 * self.u4_error

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["scales"] = list(self.scales)
        d["pull"] = self.pull
        d["noise_dominated"] = self.noise_dominated
        return d

    def __repr__(self):
        return (f"IRData(N={self.width}, m^2={self.mass2:.6g}, Z={self.Z:.6g}, u4={self.u4:.6g} +- "
                f"{self.u4_error:.2g} (exact {self.u4_exact:.6g}, pull {self.pull:+.2f})"
                f"{', noise-dominated' if self.noise_dominated else ''})")


def measure_ir_data(config: CompareConfig, width: int, *, seed, executor=None) -> IRData:
    """Measure u4 of the block Gauss-net of ``config`` at ``width`` and collect the IR data.

    Delta G4 is the connected 4-point function on the quadruple of :func:`quadruple_inputs`, from
    ``config.n_networks`` networks (jackknife standard error); the exact value is beside it.
    """
    from ..correlators import four_point
    from ..ensemble import sample_ensemble

    norm = block_normalisation(config)
    x_block, x_plain, jac = quadruple_inputs(config)
    net = BlockGaussNetwork(block_sizes=config.block_sizes, sigma_blocks=config.sigma_blocks, width=width,
                            sigma_w=config.sigma_w)
    moments = sample_ensemble(net, x_block, config.n_networks, seed=seed, tuples=[(0, 1, 2, 3)], executor=executor)
    est = four_point(moments, (0, 1, 2, 3), connected=True, warn=False)
    integral = float(gauss_amputation_integral(*x_plain, sigma_w=config.sigma_w)) * jac
    u4_f, u4_f_err = -est.value / integral, est.stderr / abs(integral)
    exact = float(u4_exact("gauss", *x_plain, width=width, sigma_w=config.sigma_w, sigma_b=0.0, bias=False)) / jac
    z2 = norm["Z"] ** 2
    return IRData(width=width, n_networks=config.n_networks, Z=norm["Z"], mass2=norm["mass2"], scales=norm["scales"],
                  u4_f=float(u4_f), u4_f_error=float(u4_f_err), u4_f_exact=exact, u4=float(u4_f / z2),
                  u4_error=float(u4_f_err / z2), u4_exact=exact / z2, u6=config.u6)


def scalar_theory(config: CompareConfig):
    """The scalar reading: one local continuum colour R^{d_in}, real field, phi^{2n} up to ``scalar_order``."""
    from ..theory import ContinuumColour, Theory, scalar_truncation

    return Theory((ContinuumColour(config.d_in),), "real", scalar_truncation(config.scalar_order))


def tensor_theory(config: CompareConfig):
    """The tensor reading: one continuum colour R^{D_c} per block with kinetic scale a_c/Z.

    Roles: pairing when there are at least 2 blocks and ``tensor_roles == "pairing"``, otherwise local
    (a single block is the input space itself). Truncation: the melonic quartic bubbles over the pairing
    colours (rank 0, i.e. phi^4, when there are none) plus the mass.
    """
    from ..theory import ContinuumColour, Theory, melonic_truncation, scalar_truncation

    scales = block_normalisation(config)["scales"]
    pairing = config.tensor_roles == "pairing" and config.n_colours >= 2
    role = "pairing" if pairing else "local"
    colours = tuple(ContinuumColour(dc, scale=s, role=role) for dc, s in zip(config.block_sizes, scales))
    truncation = melonic_truncation(len(colours), 2, "real") if pairing else scalar_truncation(2)
    return Theory(colours, "real", truncation)


def reading_flow(theory, *, anomalous_dimension: bool = False):
    """Derive the flow of a reading: melonic projection with >= 2 pairing colours, else the full one."""
    from ..flow import derive_flow

    projection = "melonic" if theory.n_pairing >= 2 else "full"
    return derive_flow(theory, projection=projection, anomalous_dimension=anomalous_dimension)


def initial_couplings(flow, mass2: float, u4: float, u6: float = 0.0) -> np.ndarray:
    """Engine couplings at k_IR: ``g2 = m^2/2``, the quartic ones summing to ``u4/4!`` (equal split),
    the sextic ones summing to ``u6/6!``."""
    legs = flow.n_legs
    g = np.zeros(len(flow.names))
    for n, total in ((2, mass2 / 2.0), (4, u4 / 24.0), (6, u6 / 720.0)):
        idx = np.flatnonzero(legs == n)
        if idx.size:
            g[idx] = total / idx.size
        elif total != 0.0:
            raise InvalidArgumentError(f"the truncation has no {n}-leg coupling to carry the value {total:g}")
    return g


def sigma_w_of_mass(u2, d_in: int) -> np.ndarray:
    """sigma_W(k) = sqrt(d_in u2(k)/2) (docs/theory/nn_qft.md); nan where u2 < 0."""
    u2 = np.asarray(u2, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(u2 >= 0, np.sqrt(np.maximum(u2, 0.0) * d_in / 2.0), np.nan)
