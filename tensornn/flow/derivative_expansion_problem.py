"""The discretised fixed-point problem of the derivative expansion: residual, Jacobian, spectrum.

One :class:`CollocationProblem` holds a truncation order ("lpa", "lpa_prime" or "d2"), a Chebyshev
grid on [0, L] in x (:mod:`tensornn.flow.derivative_expansion`), the momentum quadrature of a
regulator and the normalisation of the field. Its unknowns are the functions at the grid points
(w; w and z for N = 1 at order d^2; w, z and yh for N > 1), then eta and, with the normalisation at
the minimum, the position x0 of the minimum (w(x0) = 0):

- "lpa": z = 1, yh = 0, eta = 0; unknowns w.
- "lpa_prime": z = 1, yh = 0 (Z independent of rho); eta is fixed by d_t z = 0 at x0, i.e.
  eta = -<rdot i>(x0), the p^2 coefficient of the two-point function at the minimum (transverse
  for N > 1, the only one for N = 1).
- "d2": eta is fixed by z(x0) = 1, at the minimum x0 or at x0 = 0 ("origin").

Collocation: the equations hold at every grid point; at x = 0 the coefficients of the second
derivatives vanish and collocating there imposes regularity; at x = L each function obeys its
outer equation, f'' replaced by (p_f - 1) f'/x with the large-field powers
p_w = (2 - eta)/(D - 2 + eta) (w = u'), p_z = -eta/(D - 2 + eta), p_y = -(D - 2 + 2 eta)/(D - 2 + eta)
(the fields dominate the loops there). The boundary rows are dynamical like the others, so the
linearised flow d_t v = A v with the constraints as algebraic rows is the generalised eigenvalue
problem A v = lambda B v (B = 1 on the functions, 0 on eta and x0), theta = -lambda.

The Jacobian of the function rows is sum_k diag(dF/dl_k) D_k over the local values l_k = f, f', f''
(D_k the collocation derivative matrices), with dF/dl_k by complex-step differentiation (exact to
rounding); the constraint rows and the eta column are differentiated the same way.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg

from .chebyshev import ChebyshevGrid
from .derivative_expansion import LOCALS, MomentumQuadrature, field_equations, loop_terms

__all__ = ["CollocationProblem", "FIELDS", "NEWTON_TOL"]

#: Relative residual accepted by Newton's method.
NEWTON_TOL = 1e-11

#: The unknown functions of each order (N > 1; N = 1 drops "y").
FIELDS = {"lpa": ("w",), "lpa_prime": ("w",), "d2": ("w", "z", "y")}

_STEP = 1e-8  # complex step: error (h^2 f'''/6)/f' ~ 1e-16, and no subnormal powers of h

#: Generalised eigenvalues above this modulus are the infinite ones of the algebraic rows (rounded to finite).
_INFINITE = 1e10


class CollocationProblem:
    """The fixed-point equations of one truncation order on one grid.

    Parameters
    ----------
    grid : ChebyshevGrid
        Collocation points in x on [0, L].
    dim, n_components : float
    quad : MomentumQuadrature
    order : {"lpa", "lpa_prime", "d2"}
    normalisation : {"minimum", "origin"}
        Where z = 1 holds (ignored for "lpa").
    """

    def __init__(self, grid: ChebyshevGrid, dim: float, n_components: float, quad: MomentumQuadrature,
                 order: str, normalisation: str = "minimum"):
        self.grid, self.dim, self.n_components, self.quad = grid, dim, n_components, quad
        self.order, self.normalisation = order, normalisation
        fields = FIELDS[order]
        if n_components == 1:
            fields = tuple(f for f in fields if f != "y")
        self.fields = fields
        self.m = grid.n + 1
        self.has_eta = order != "lpa"
        self.has_x0 = self.has_eta and normalisation == "minimum"
        self.size = len(fields) * self.m + self.has_eta + self.has_x0
        self._transform = grid.coefficients(np.eye(self.m))

    # ------------------------------------------------------------------ layout
    def unpack(self, v):
        """(functions dict, eta, x0) from the unknown vector (eta = 0 and x0 = None where absent)."""
        f = {name: v[i * self.m:(i + 1) * self.m] for i, name in enumerate(self.fields)}
        k = len(self.fields) * self.m
        eta = v[k] if self.has_eta else 0.0
        x0 = v[k + 1] if self.has_x0 else (0.0 if self.has_eta else None)
        return f, eta, x0

    def pack(self, functions: dict, eta=0.0, x0=None) -> np.ndarray:
        parts = [np.asarray(functions[name], dtype=float) for name in self.fields]
        if self.has_eta:
            parts.append(np.array([eta], dtype=float))
        if self.has_x0:
            parts.append(np.array([x0], dtype=float))
        return np.concatenate(parts)

    def powers(self, eta):
        """The large-field powers p_f of w, z and yh (f ~ x^p_f)."""
        flow = self.dim - 2.0 + eta
        return {"w": (2.0 - eta) / flow, "z": -eta / flow, "y": -(self.dim - 2.0 + 2.0 * eta) / flow}

    def second_derivative(self, name, eta):
        """The second-derivative matrix of field ``name`` with the outer boundary row at x = L."""
        d2 = np.array(self.grid.d2, dtype=complex if np.iscomplexobj(eta) else float)
        d2[-1] = (self.powers(eta)[name] - 1.0) * self.grid.d1[-1] / self.grid.length
        return d2

    def local_values(self, v) -> dict:
        """The local values :data:`LOCALS` at the grid points (the frozen ones of lower orders included)."""
        f, eta, _ = self.unpack(v)
        zero = np.zeros(self.m)
        loc = {"z": zero + 1.0, "z1": zero, "z2": zero, "y": zero, "y1": zero, "y2": zero}
        for name, values in f.items():
            loc[name] = values
            loc[name + "1"] = self.grid.d1 @ values
            loc[name + "2"] = self.second_derivative(name, eta) @ values
        return loc

    def interpolation_row(self, x0) -> np.ndarray:
        """e(x0) with f(x0) = e(x0) @ f for the interpolant of grid values f (x0 may be complex)."""
        xi = 2.0 * x0 / self.grid.length - 1.0
        return np.polynomial.chebyshev.chebvander(np.asarray([xi]), self.grid.n)[0] @ self._transform

    # ------------------------------------------------------------------ equations
    def equations(self, v):
        """(F, scale): the function rows (one array per field) and their term sizes."""
        loc = self.local_values(v)
        _, eta, _ = self.unpack(v)
        x = self.grid.x
        out = field_equations(loc, x, eta, self.n_components, self.dim, self.quad, order=self.order)
        flow = self.dim - 2.0 + np.real(eta)
        scales = [1.0 + np.abs((2.0 - np.real(eta)) * np.real(loc["w"])) + np.abs(flow * x * np.real(loc["w1"]))]
        if len(out) > 1:
            scales.append(1.0 + np.abs(np.real(eta * loc["z"])) + np.abs(flow * x * np.real(loc["z1"])))
        if len(out) > 2:
            scales.append(1.0 + np.abs((self.dim - 2.0 + 2.0 * np.real(eta)) * np.real(loc["y"]))
                          + np.abs(flow * x * np.real(loc["y1"])))
        return out, scales

    def constraints(self, v, *, jacobian: bool = False):
        """The algebraic rows and, with ``jacobian``, their derivatives d(row)/dv (shape (k, size)).

        w(x0) = 0 (normalisation at the minimum, x0 an unknown), and z(x0) = 1 ("d2") or
        eta + <rdot i>(x0) = 0 ("lpa_prime": d_t z = 0 at x0 with z = 1). The rows depend on v through
        x0, eta and the local values e(x0) D_k f (e the interpolation row), so their derivatives follow
        by the chain rule, with complex steps in the few scalars of the LPA' row.
        """
        if not self.has_eta:
            return ([], np.zeros((0, self.size))) if jacobian else []
        f, eta, x0 = self.unpack(v)
        m, nf = self.m, len(self.fields)
        e = self.interpolation_row(x0)
        rows, jac = [], []
        col_eta, col_x0 = nf * m, nf * m + 1

        def block(name):
            return slice(self.fields.index(name) * m, (self.fields.index(name) + 1) * m)

        if self.has_x0:
            rows.append(e @ f["w"])
            row = np.zeros(self.size)
            row[block("w")] = e
            row[col_x0] = e @ (self.grid.d1 @ f["w"])
            jac.append(row)
        if self.order == "d2":
            rows.append(e @ f["z"] - 1.0)
            row = np.zeros(self.size)
            row[block("z")] = e
            if self.has_x0:
                row[col_x0] = e @ (self.grid.d1 @ f["z"])
            jac.append(row)
        else:
            mats = (np.eye(m), self.grid.d1, self.grid.d2)
            local = [e @ (mat @ f["w"]) for mat in mats]
            rows.append(self._lpa_prime_row(local, x0, eta))
            if jacobian:
                steps = []
                for i in range(5):  # w, w', w'' at x0, then x0 and eta
                    args = [local[0], local[1], local[2], x0, eta]
                    args[i] = args[i] + 1j * _STEP
                    steps.append(np.imag(self._lpa_prime_row(args[:3], args[3], args[4])) / _STEP)
                row = np.zeros(self.size)
                row[block("w")] = sum(steps[k] * (e @ mats[k]) for k in range(3))
                slopes = [e @ (self.grid.d1 @ (mat @ f["w"])) for mat in mats]
                row[col_x0] = sum(steps[k] * slopes[k] for k in range(3)) + steps[3]
                row[col_eta] = steps[4]
                jac.append(row)
        if not jacobian:
            return rows
        return rows, np.array(jac)

    def _lpa_prime_row(self, local, x0, eta):
        """eta + <rdot i>(x0) at z = 1, yh = 0 with w, w', w'' = ``local`` at x0."""
        dtype = complex if any(np.iscomplexobj(a) for a in (*local, x0, eta)) else float
        loc = {k: np.zeros(1, dtype=dtype) for k in LOCALS}
        loc["z"] = loc["z"] + 1.0
        loc["w"], loc["w1"], loc["w2"] = (np.atleast_1d(a) for a in local)
        z_loop = loop_terms(loc, np.atleast_1d(x0), eta, self.n_components, self.quad, order="d2")[1]
        return eta + z_loop[0]

    def residual(self, v):
        """(R, merit): all rows stacked, and max |F_i|/scale_i over the function rows and |constraints|."""
        out, scales = self.equations(v)
        cons = self.constraints(v)
        r = np.concatenate([np.asarray(o) for o in out] + [np.asarray(cons, dtype=float).ravel()])
        with np.errstate(invalid="ignore"):
            merit = max(float(np.max(np.abs(o) / s)) for o, s in zip(out, scales))
            if cons:
                merit = max(merit, float(np.max(np.abs(cons))))
        return r, (merit if math.isfinite(merit) else math.inf)

    def jacobian(self, v) -> np.ndarray:
        """dR/dv (dense), by the chain rule over the local values and complex steps."""
        v = np.asarray(v, dtype=float)
        m, nf = self.m, len(self.fields)
        f, eta, _ = self.unpack(v)
        loc = self.local_values(v)
        x = self.grid.x
        jac = np.zeros((self.size, self.size))
        active = [k for k in LOCALS if k[0] in self.fields]
        derivs = {}
        for k in active:
            probe = dict(loc)
            probe[k] = loc[k] + 1j * _STEP
            out = field_equations(probe, x, eta, self.n_components, self.dim, self.quad, order=self.order)
            derivs[k] = [np.imag(o) / _STEP for o in out]
        for b, name in enumerate(self.fields):
            mats = (np.eye(m), self.grid.d1, self.second_derivative(name, eta))
            for k, mat in zip((name, name + "1", name + "2"), mats):
                for a in range(nf):
                    jac[a * m:(a + 1) * m, b * m:(b + 1) * m] += derivs[k][a][:, None] * mat
        # eta and x0 columns, and the constraint rows: complex steps of the whole residual
        extra = list(range(nf * m, self.size))
        for j in extra:
            probe = v.astype(complex)
            probe[j] += 1j * _STEP
            out, _ = self.equations(probe)
            jac[:nf * m, j] = np.concatenate([np.imag(o) for o in out]) / _STEP
        if extra:
            jac[nf * m:] = self.constraints(v, jacobian=True)[1]
        return jac

    def boundary_decay(self, v, n_points: int = 121) -> dict:
        """I_f = int_{L/2}^{L} -A_f/E_f dx for every function f: how strongly the outer row's error is damped.

        Near x = L the linearised equation of f reads E_f v'' + A_f v' + ... = 0 with E_f = dF_f/df''
        (small: the loops) and A_f = dF_f/df' (about (D - 2 + eta) x); the mode the outer row controls
        grows like exp(int -A_f/E_f dx) towards L (WKB), so an error made at L is damped by exp(-I_f)
        in the inner half of the domain. Computed at ``n_points`` points from the interpolants.
        """
        f, eta, _ = self.unpack(v)
        fine = np.linspace(self.grid.length / 2, self.grid.length, n_points)
        loc: dict[str, np.ndarray] = {k: np.zeros(n_points) for k in LOCALS}  # complex probes below
        loc["z"] = loc["z"] + 1.0
        for name, values in f.items():
            d1 = self.grid.d1 @ values
            loc[name] = self.grid.interpolate(values, fine)
            loc[name + "1"] = self.grid.interpolate(d1, fine)
            loc[name + "2"] = self.grid.interpolate(self.grid.d1 @ d1, fine)
        out = {}
        for a, name in enumerate(self.fields):
            coef = []
            for k in (name + "1", name + "2"):
                probe = dict(loc)
                probe[k] = loc[k] + 1j * _STEP
                coef.append(np.imag(field_equations(probe, fine, eta, self.n_components, self.dim, self.quad,
                                                    order=self.order)[a]) / _STEP)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = -coef[0] / coef[1]
            out[name] = float(np.sum((ratio[1:] + ratio[:-1]) * np.diff(fine)) / 2)
        return out

    def mass_matrix(self) -> np.ndarray:
        """B of A v = lambda B v: 1 on the function values, 0 on eta and x0."""
        b = np.zeros(self.size)
        b[:len(self.fields) * self.m] = 1.0
        return np.diag(b)

    # ------------------------------------------------------------------ solving
    def newton(self, v0, *, max_iterations: int = 60, tol: float = NEWTON_TOL):
        """Newton's method with backtracking from v0; (v or None, iterations, merit)."""
        v = np.array(v0, dtype=float)
        r, merit = self.residual(v)
        if not math.isfinite(merit):
            return None, 0, math.inf
        for it in range(1, max_iterations + 1):
            try:
                step = np.linalg.solve(self.jacobian(v), -r)
            except np.linalg.LinAlgError:
                return None, it, math.inf
            if not np.all(np.isfinite(step)):
                return None, it, math.inf
            lam = 1.0
            while lam > 1e-4:
                trial = v + lam * step
                rt, mt = self.residual(trial)
                if math.isfinite(mt) and (mt < (1 - 1e-4 * lam) * merit or mt < tol):
                    break
                lam /= 2
            else:
                return (v, it, merit) if merit < tol else (None, it, math.inf)
            small = np.max(np.abs(lam * step)) <= 1e-13 * (1.0 + np.max(np.abs(v)))
            v, r, merit = trial, rt, mt
            if merit < tol and (small or (lam == 1.0 and merit < 1e-3 * tol) or it > 3):
                return v, it, merit
        return (v, max_iterations, merit) if merit < tol else (None, max_iterations, math.inf)

    def spectrum(self, v, n_keep: int):
        """theta = -lambda of A u = lambda B u (largest real part first) and the function parts of u."""
        a = self.jacobian(v)
        values, vectors = scipy.linalg.eig(a, self.mass_matrix())
        finite = np.isfinite(values) & (np.abs(values) < _INFINITE)  # B is singular: drop its infinite eigenvalues
        values, vectors = values[finite], vectors[:, finite]
        theta = -values
        order = np.lexsort((-np.abs(np.imag(theta)), -np.real(theta)))[:n_keep]
        theta, vectors = theta[order], vectors[:len(self.fields) * self.m, order]
        real = np.abs(np.imag(theta)) <= 1e-10 * (1 + np.abs(theta))
        theta = np.where(real, np.real(theta), theta)
        if np.all(real):
            theta, vectors = np.real(theta), np.real(vectors)
        return theta, vectors
