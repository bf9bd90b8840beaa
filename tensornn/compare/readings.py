"""IR data of a block-structured Gauss-net and its two field-theory readings (scalar and tensor).

IR data (docs/theory/nn_qft.md, docs/theory/structured_inputs.md). The block Gauss-net
(:class:`tensornn.networks.BlockGaussNetwork`) has ``1/K_w(p) = A + sum_c a_c |p_c|^2 + O(p^4)``.
The field is normalised by ``Z = prod_c a_c^(D_c/d_in)`` (:mod:`tensornn.couplings.normalisation`;
for equal ``sigma_c = sigma_w`` the Z of the plain Gauss-net), ``phi = sqrt(Z) f``, so that

    Gamma^(2)(p) = sum_c (a_c/Z) |p_c|^2 + m^2,   m^2 = A/Z   (= 2 sigma_w^2/d_in for equal scales),
    u4 = u4_f / Z^2,   u4_f = -Delta G4c / int d^{d_in}y prod_i K_w(x_i, y)   (f^4/4! normalisation).

``u4_f`` is measured by :func:`tensornn.couplings.measure_u4` on the block network itself (connected
estimator, jackknife error), with the exact value of the block net's oracle beside it.

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

from .._json import finite
from ..couplings.normalisation import FieldNormalisation, field_normalisation
from ..couplings.quartic import measure_u4
from ..flow.betas import derive_flow
from ..networks.blocks import BlockGaussNetwork
from ..theory.colours import ContinuumColour
from ..theory.field_theory import Theory
from ..theory.truncations import melonic_truncation, scalar_truncation
from .config import CompareConfig

__all__ = ["IRData", "block_network", "block_normalisation", "quadruple_inputs", "measure_ir_data",
           "scalar_theory", "tensor_theory", "reading_flow"]


def block_network(config: CompareConfig, width: int = 1) -> BlockGaussNetwork:
    """The block Gauss-net of ``config`` at ``width`` (read-out scale ``config.sigma_w``)."""
    return BlockGaussNetwork(block_sizes=config.block_sizes, sigma_blocks=config.sigma_blocks, width=width,
                             sigma_w=config.sigma_w, sigma_v=config.sigma_w)


def block_normalisation(config: CompareConfig) -> FieldNormalisation:
    """Z, m^2, A and the normalised per-colour kinetic scales a_c/Z of the block Gauss-net."""
    return field_normalisation(block_network(config))


def quadruple_inputs(config: CompareConfig) -> np.ndarray:
    """The measurement quadruple (4, d_in): ``x^c = sqrt(d_in) y^c / sigma_c`` with ``y_i = r_i (1, ..., 1)/sqrt(d_in)``.

    The preactivation variance of block c at input i is then ``r_i^2 D_c / d_in``, the same for every
    choice of the block scales.
    """
    d_in = config.d_in
    y = np.repeat(np.asarray(config.radii)[:, None], d_in, axis=1) / math.sqrt(d_in)
    scales = np.repeat(np.asarray(config.sigma_blocks), config.block_sizes)
    return math.sqrt(d_in) * y / scales


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
        """|u4| < 2 standard errors, or an undefined error: the measurement does not resolve the sign of u4."""
        return not math.isfinite(self.u4_error) or abs(self.u4) < 2 * self.u4_error

    def to_dict(self) -> dict:
        d = {k: (finite(v) if isinstance(v, float) else v) for k, v in self.__dict__.items()}
        d["scales"] = list(self.scales)
        d["pull"] = finite(self.pull)
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
    net = block_network(config, width)
    norm = field_normalisation(net)
    est = measure_u4(net, quadruple_inputs(config), [(0, 1, 2, 3)], config.n_networks, seed=seed,
                     subtract="connected", executor=executor)
    u4_f, u4_f_err, exact = float(est.value[0]), float(est.error[0]), float(est.exact[0])
    return IRData(width=width, n_networks=config.n_networks, Z=norm.Z, mass2=norm.mass2, scales=norm.scales,
                  u4_f=u4_f, u4_f_error=u4_f_err, u4_f_exact=exact, u4=float(norm.to_field(u4_f, 4)),
                  u4_error=float(norm.to_field(u4_f_err, 4)), u4_exact=float(norm.to_field(exact, 4)), u6=config.u6)


def scalar_theory(config: CompareConfig):
    """The scalar reading: one local continuum colour R^{d_in}, real field, phi^{2n} up to ``scalar_order``."""
    return Theory((ContinuumColour(config.d_in),), "real", scalar_truncation(config.scalar_order))


def tensor_theory(config: CompareConfig):
    """The tensor reading: one continuum colour R^{D_c} per block with kinetic scale a_c/Z.

    Roles: pairing when there are at least 2 blocks and ``tensor_roles == "pairing"``, otherwise local
    (a single block is the input space itself). Truncation: the melonic quartic bubbles over the pairing
    colours (rank 0, i.e. phi^4, when there are none) plus the mass.
    """
    scales = block_normalisation(config).scales
    pairing = config.tensor_roles == "pairing" and config.n_colours >= 2
    role = "pairing" if pairing else "local"
    colours = tuple(ContinuumColour(dc, scale=s, role=role) for dc, s in zip(config.block_sizes, scales))
    truncation = melonic_truncation(len(colours), 2, "real") if pairing else scalar_truncation(2)
    return Theory(colours, "real", truncation)


def reading_flow(theory, *, anomalous_dimension: bool = False):
    """Derive the flow of a reading: melonic projection with >= 2 pairing colours, else the full one."""
    projection = "melonic" if theory.n_pairing >= 2 else "full"
    return derive_flow(theory, projection=projection, anomalous_dimension=anomalous_dimension)
