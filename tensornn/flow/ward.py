"""The Ward identity of the unitary symmetry and the Ward-constrained melonic flow of the quartic tensor theory.

Complex rank-d tensor with colour-c modes p_c, kinetic value E(p) = sum_c e(p_c), quadratic kernel
K(p) = Z_0 E(p) + mu_0 + R_k(p) (the bare terms and the regulator) and the quartic melonic interaction
(lambda/2) sum_c Tr (A^c)^2, (A^c)_{xy} = sum_{p_perp} T(x, p_perp) Tbar(y, p_perp). Every interaction is invariant
under T -> U T for a unitary U acting on one colour index; K is not (it depends on e(p_c)) and neither is the
regulator. For the effective action Gamma = sum Tbar K T + Gamma_int the symmetry gives the identity

    delta Gamma_int = sum_{q_1, p_1, p_perp} eps_{q_1 p_1} [K(q_1, p_perp) - K(p_1, p_perp)] G(p_1, p_perp; q_1, p_perp),

the variation of the interaction part equals the loop of the variation of the non-invariant kernel. At second order
in the fields, with the melonic 4-point vertex of colour 1 (the only one that joins (p_1, p_perp) to (q_1, p_perp)
for every p_perp) and the melonic self-energy sigma(p_1) of colour 1, it reads

    sigma(p_1) - sigma(q_1) = lambda sum_{p_perp} [K(q_1, p_perp) - K(p_1, p_perp)] G(p_1, p_perp) G(q_1, p_perp)

(its one-loop solution is the melonic tadpole sigma(p_1) = lambda sum_{p_perp} G(p_1, p_perp), which checks the
sign and the normalisation). In the truncation Gamma^(2) = Z_k E + mu_k, sigma(p_1) - sigma(q_1) =
(Z_k - Z_0)(e(p_1) - e(q_1)); the derivative in e(p_1) at the zero mode, with R_k = Z_k k^s r(E/k^s), is

    Z_k - Z_0 = -lambda sum_{p_perp} [Z_0 + Z_k r'(u)] G(0, p_perp)^2,    u = E(p_perp)/k^s.

Dimensionless (zeta = Z_0/Z_k, mu and lambda as in the presets, N_perp(x) = B x^p for the d - 1 other strands):

    1 - zeta = -lambda (zeta I_0(mu) + I_1(mu)),
    I_0 = int dN(u) / (u + r(u) + mu)^2,    I_1 = int dN(u) r'(u) / (u + r(u) + mu)^2,

so the identity fixes zeta = Phi(mu, lambda) = (1 + lambda I_1)/(1 - lambda I_0). (Litim: I_1 = -B/(1 + mu)^2, and
1 + lambda I_1 = 1 - a with a = B lambda/(1 + mu)^2, the quantity whose value 1 is the pole of the LPA' eta;
I_0 = B/(1 + mu)^2 + J, J = int_1^inf dN(u)/(u + mu)^2, finite only for p < 2: the just-renormalizable strands
p = 2 make the identity depend on the UV cutoff through J ~ B p ln(Lambda/k).)

**Consequences.** Since d_t ln zeta = eta, the identity determines the anomalous dimension along the flow,

    eta = d_t ln Phi = (d ln Phi/d mu) beta_mu + (d ln Phi/d lambda) beta_lambda,

an equation linear in eta (the beta functions are). :class:`WardMelonicFlow` is the flow of (mu, g4 = lambda/2) with
this eta (instead of the one from the tadpole's strand derivative). At any fixed point where Phi is finite and
non-zero, d_t ln Phi = 0: its eta vanishes, and the fixed points of the constrained flow are those of the LPA. An LPA'
fixed point with eta* != 0 is compatible with the identity only where zeta runs to infinity (eta* < 0: lambda I_0 = 1)
or to zero (eta* > 0: 1 + lambda I_1 = 0, for Litim a = 1, the pole of eta). :func:`ward_check` measures both at a
point.

References
----------
Lahoche, Ousmane Samary, arXiv:1803.09902 (unitary-symmetry constraints on the TGFT flow), arXiv:1809.06081 (Ward
identity violation for the melonic T^4 truncation), arXiv:1908.03910 and 2001.00934 (Ward-constrained flows);
Ben Geloun, Martini, Oriti, arXiv:1601.08211; Pascalie, Perez-Sanchez, Wulkenhaar, arXiv:1608.08134 (Ward-Takahashi
identities of tensor models).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import roots_jacobi

from .._checks import check_choice
from ..errors import InvalidArgumentError
from ..theory.regulators import get_regulator
from .betas import REGULATOR_ETA
from .threshold_functions import _rule

__all__ = ["WardMelonicFlow", "ward_check"]

_NODES = 96


@lru_cache(maxsize=16)
def _tail_rule(p: float, nodes: int):
    """Nodes u_j and weights W_j with int_1^inf u^(p-1) f(u) du ~ sum W_j f(u_j), for f(u) ~ 1/u^2 (t = 1/u)."""
    t, wt = roots_jacobi(nodes, 0.0, 1.0 - p)  # weight (1 + x)^(1 - p) on [-1, 1]
    x = (1 + t) / 2
    weights = wt * 2.0 ** (p - 2.0)  # int_0^1 x^(1-p) h(x) dx, h(x) = f(1/x) / x^2
    return 1.0 / x, weights / x**2


class WardMelonicFlow:
    """The quartic melonic flow of a complex tensor with eta fixed by the Ward identity (module docstring).

    Couplings ``("mass", "g4")`` as in :func:`~tensornn.flow.presets.tensor_preset` (g4 = lambda/2 multiplies the sum
    of the d pillows); dimensionless; autonomous. Implements FlowSystem.

    Parameters
    ----------
    rank : int
        d >= 2.
    power : float
        s of e = |p|^s.
    density : (B, p)
        The strand count N_perp(x) = B x^p of the d - 1 strands a tadpole sums over.
    regulator : str
        A name of the registry (Litim: closed forms).
    regulator_eta : {"include", "omit"}
        Eta in the regulator derivative or not.

    Raises
    ------
    InvalidArgumentError
        For p >= 2 (just-renormalizable or worse strands): the identity then involves the UV cutoff through
        int_1^Lambda dN(u)/u^2 and has no scale-free form.
    """

    autonomous = True
    names = ("mass", "g4")

    def __init__(self, rank: int, power: float, density, regulator="litim", regulator_eta="include"):
        self.rank, self.power = int(rank), float(power)
        self.B, self.p = (float(v) for v in density)
        self.regulator = get_regulator(regulator)
        self.regulator_eta = check_choice("regulator_eta", regulator_eta, REGULATOR_ETA)
        if self.p >= 2.0:
            raise InvalidArgumentError(
                f"the Ward identity of the rank-{self.rank} quartic melonic theory with e = |p|^{self.power:g} sums "
                f"over strands with N(k) ~ k^({self.p * self.power:g}), p = (d - 1)/s = {self.p:g} >= 2: "
                "int_1^Lambda dN(u)/u^2 grows with the UV cutoff Lambda, so the identity has no scale-free form "
                "(the just-renormalizable case); use p < 2 (e.g. rank 3 or 4 with kinetic_power 2)")
        self.dimensions = np.array([self.power, 2 * self.power - (self.rank - 1)])
        self.validity_names = ("1 + m/k^s (threshold denominator)", "Phi = Z_0/Z_k > 0 (Ward identity)",
                               "1 - d ln Phi/d g . d beta/d eta (eta denominator)")
        if not self.regulator.counting:
            y, w = _rule(self.p, _NODES)
            r, r1, _ = self.regulator.shape_derivatives(y)
            self._y, self._w = y, w * self.B * self.p
            self._P, self._r, self._r1 = y + r, r, r1
            self._A = self.power * (r - y * r1)
            yt, wt = _tail_rule(self.p, _NODES)
            yi, wi = _rule(self.p, _NODES)[0], _rule(self.p, _NODES)[1]
            inner = yi <= 1.0
            self._u0 = np.concatenate([yi[inner], yt])
            self._w0 = np.concatenate([wi[inner], wt]) * self.B * self.p
            r0, r01, _ = self.regulator.shape_derivatives(self._u0)
            self._P0, self._r01 = self._u0 + r0, r01
        else:
            ut, wt = _tail_rule(self.p, _NODES)
            self._ut, self._wt = ut, wt * self.B * self.p

    @property
    def conventions(self) -> dict:
        return {"regulator": self.regulator.name, "regulator_eta": self.regulator_eta,
                "anomalous_dimension": "LPA' (eta from the Ward identity)", "projection": "melonic"}

    # ------------------------------------------------------------------ integrals
    def _thresholds(self, mu):
        """(L2, L3) as eta^0 and eta^1 parts: L_n = l0_n + eta l1_n at the dimensionless mass mu."""
        include = self.regulator_eta == "include"
        if self.regulator.counting:
            base = self.B / (1.0 + mu)
            l0 = [self.power * base / (1.0 + mu) ** (n - 1) for n in (2, 3)]
            l1 = [(-base / (self.p + 1.0) / (1.0 + mu) ** (n - 1) if include else 0 * mu) for n in (2, 3)]
            return l0, l1
        inv = 1.0 / (self._P[:, None] + np.atleast_1d(mu)[None, :])
        l0, l1 = [], []
        for n in (2, 3):
            pn = inv**n
            l0.append((self._w[:, None] * self._A[:, None] * pn).sum(axis=0))
            l1.append(-(self._w[:, None] * self._r[:, None] * pn).sum(axis=0) if include else 0 * l0[-1])
        shape = np.shape(mu)
        return [v.reshape(shape) for v in l0], [v.reshape(shape) for v in l1]

    def ward_integrals(self, mu):
        """(I_0, I_1, dI_0/dmu, dI_1/dmu) at the dimensionless mass mu (module docstring)."""
        mu = np.asarray(mu, dtype=float)
        if self.regulator.counting:
            inside = self.B / (1.0 + mu) ** 2
            inv = 1.0 / (self._ut[:, None] + np.atleast_1d(mu)[None, :])
            tail = (self._wt[:, None] * inv**2).sum(axis=0).reshape(mu.shape)
            dtail = -2.0 * (self._wt[:, None] * inv**3).sum(axis=0).reshape(mu.shape)
            return inside + tail, -inside, -2.0 * inside / (1.0 + mu) + dtail, 2.0 * inside / (1.0 + mu)
        inv = 1.0 / (self._P0[:, None] + np.atleast_1d(mu)[None, :])
        w = self._w0[:, None]
        i0 = (w * inv**2).sum(axis=0).reshape(mu.shape)
        i1 = (w * self._r01[:, None] * inv**2).sum(axis=0).reshape(mu.shape)
        d0 = -2.0 * (w * inv**3).sum(axis=0).reshape(mu.shape)
        d1 = -2.0 * (w * self._r01[:, None] * inv**3).sum(axis=0).reshape(mu.shape)
        return i0, i1, d0, d1

    # ------------------------------------------------------------------ flow
    def _parts(self, couplings):
        g = np.asarray(couplings, dtype=float)
        if g.shape[0] != 2:
            raise InvalidArgumentError(f"couplings must have shape (2,) or (2, m) ordered as {self.names}, got {g.shape}")
        mu, g4 = g[0], g[1]
        lam = 2.0 * g4
        d, s = self.rank, self.power
        (l2, l3), (l2e, l3e) = self._thresholds(mu)
        # beta = b0 + eta b1 (dimensionless; mass has 2 legs, g4 four)
        b0 = np.stack([-s * mu - d * lam * l2, -(2 * s - (d - 1)) * g4 + 2.0 * lam * lam * l3 / 2.0])
        b1 = np.stack([mu - d * lam * l2e, 2.0 * g4 + lam * lam * l3e])
        i0, i1, d0, d1 = self.ward_integrals(mu)
        num, den = 1.0 + lam * i1, 1.0 - lam * i0
        with np.errstate(all="ignore"):
            dmu = lam * d1 / num + lam * d0 / den
            dlam = i1 / num + i0 / den  # d ln Phi / d lambda; d/d g4 = 2 d/d lambda
            grad = np.stack([dmu, 2.0 * dlam])
            denominator = 1.0 - np.sum(grad * b1, axis=0)
            eta = np.sum(grad * b0, axis=0) / denominator
        return b0, b1, eta, num * den, denominator, mu

    @property
    def pole(self) -> float:
        """The threshold pole of the dimensionless mass (-1 for Litim): the identity's integrals end there."""
        return -1.0 if self.regulator.counting else -float(np.min(self._P))

    def beta(self, couplings, t=None):
        """Dimensionless beta functions with eta from the Ward identity (NaN at and beyond the threshold pole)."""
        b0, b1, eta, _, _, mu = self._parts(couplings)
        return np.where(mu > self.pole, b0 + eta * b1, np.nan)

    def eta(self, couplings, t=None):
        return np.asarray(self._parts(couplings)[2], dtype=float)

    def validity(self, couplings, t=None):
        _, _, _, phi_sign, denominator, mu = self._parts(couplings)
        return np.stack([np.broadcast_to(mu - self.pole, np.shape(phi_sign)), phi_sign, denominator]).astype(float)

    def beta_dimensionful(self, t, couplings):
        g = np.asarray(couplings, dtype=float)
        dims = self.dimensions.reshape((-1,) + (1,) * (g.ndim - 1))
        scale = np.exp(t * dims)
        gt = g / scale
        return scale * (self.beta(gt) + dims * gt)

    def to_dimensionless(self, t, couplings):
        g = np.asarray(couplings, dtype=float)
        return g * np.exp(-t * self.dimensions).reshape((-1,) + (1,) * (g.ndim - 1))

    def potential_coefficients(self, couplings):
        g = np.asarray(couplings, dtype=float)
        return ("g4", "g4"), float(g[1]), float(g[1])

    def __repr__(self):
        return (f"WardMelonicFlow(rank={self.rank}, s={self.power:g}, N_perp = {self.B:.6g} x^{self.p:g}, "
                f"{self.regulator.name}, regulator_eta={self.regulator_eta!r})")


def ward_check(flow: WardMelonicFlow, couplings, eta: float) -> dict:
    """How a point (mu, g4) with anomalous dimension ``eta`` stands with the Ward identity.

    Returns a dict: ``zeta`` = Phi(mu, lambda) = Z_0/Z_k (the value the identity assigns; a fixed point with
    eta != 0 needs it infinite, eta < 0, or zero, eta > 0), ``ward_minus`` = 1 - lambda I_0 (zero where zeta is
    infinite) and ``ward_plus`` = 1 + lambda I_1 (zero where zeta vanishes; 1 - a for Litim), and ``compatible``:
    eta = 0 with 0 < zeta < inf, or the matching surface to 1e-8.
    """
    mu, g4 = (float(v) for v in np.asarray(couplings, dtype=float))
    lam = 2.0 * g4
    i0, i1, _, _ = flow.ward_integrals(np.asarray(mu))
    minus, plus = 1.0 - lam * float(i0), 1.0 + lam * float(i1)
    zeta = plus / minus if minus != 0 else np.inf
    if abs(eta) <= 1e-12:
        compatible = bool(np.isfinite(zeta) and zeta > 0)
    else:
        compatible = bool(abs(minus) < 1e-8) if eta < 0 else bool(abs(plus) < 1e-8)
    return {"zeta": float(zeta), "ward_minus": minus, "ward_plus": plus, "compatible": compatible}
