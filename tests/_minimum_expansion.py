"""The LPA expanded around its running minimum, for any regulator: an independent path to nu and omega.

w = u' is a polynomial of degree M in xi = x - x0 with w(x0) = 0 and couplings lambda_k = w^(k)(x0). The flow
d_t w = -2 w + (D - 2) x w' + d/dx (1/2) <rdot [g_L + (N - 1) g_T]> (z = 1, eta = 0) is expanded in xi with exact
power-series arithmetic at every momentum node (g = 1/(y + r + m(xi)) by the series reciprocal), giving its Taylor
coefficients F_k. The minimum moves with d_t x0 = -F_0/lambda_1, so d_t lambda_k = k! F_k + lambda_(k+1) d_t x0
(lambda_(M+1) = 0). Fixed point: every F_k = 0; exponents: minus the eigenvalues of the Jacobian of (d_t x0,
d_t lambda_1..M). Nothing here uses collocation, grids or boundary conditions; only the momentum quadrature is
shared with the collocation code (and it is checked against adaptive integration on its own).
"""

import math

import numpy as np
import scipy.linalg
import scipy.optimize

from tensornn.flow.derivative_expansion import momentum_quadrature


def _reciprocal(a):
    """Series of 1/a along axis 0 (a[0] != 0), any trailing axes."""
    out = np.zeros_like(a)
    out[0] = 1.0 / a[0]
    for n in range(1, a.shape[0]):
        out[n] = -np.einsum("k...,k...->...", a[1:n + 1], out[n - 1::-1][:n]) / a[0]
    return out


def _betas(params, dim, n_components, quad):
    x0, lam = params[0], params[1:]
    m = len(lam)
    size = m + 2
    w = np.zeros(size, dtype=np.result_type(params, float))
    w[1:m + 1] = lam / np.array([float(math.factorial(k)) for k in range(1, m + 1)])
    w1 = np.zeros_like(w)
    w1[:-1] = np.arange(1, size) * w[1:]
    x = np.zeros_like(w)
    x[0], x[1] = x0, 1.0
    xw1 = np.convolve(x, w1)[:size]
    mass_l, mass_t = w + 2 * xw1, w
    c = (quad.y + quad.r)[None, :]
    loop = np.zeros(size, dtype=w.dtype)
    for mass, count in ((mass_l, 1.0), (mass_t, n_components - 1.0)):
        if count == 0:
            continue
        series = np.zeros((size, len(quad.y)), dtype=w.dtype)
        series[:] = mass[:, None]
        series[0] = series[0] + c[0]
        loop = loop + 0.5 * count * (_reciprocal(series) @ (quad.rdot0 * quad.weight))
    dloop = np.zeros_like(w)
    dloop[:-1] = np.arange(1, size) * loop[1:]
    flow = -2 * w + (dim - 2) * xw1 + dloop
    taylor = flow[:m + 1] * np.array([float(math.factorial(k)) for k in range(m + 1)])  # F^(k)(x0)
    dx0 = -taylor[0] / lam[0]
    lam_next = np.append(lam[1:], 0.0)
    return np.concatenate([[dx0], taylor[1:] + lam_next * dx0])


def minimum_expansion_exponents(dim, n_components, regulator, order, start):
    """(x0, lambdas, theta) of the LPA at ``order`` from ``start`` = (x0, w'(x0), w''(x0), ...)."""
    quad = momentum_quadrature(regulator, dim)
    guess = np.zeros(order + 1)
    guess[:min(len(start), order + 1)] = start[:order + 1]
    sol = scipy.optimize.fsolve(lambda p: _betas(p, dim, n_components, quad), guess, xtol=1e-14, full_output=True)
    params = sol[0]
    h = 1e-20
    jac = np.empty((order + 1, order + 1))
    for j in range(order + 1):
        probe = params.astype(complex)
        probe[j] += 1j * h
        jac[:, j] = np.imag(_betas(probe, dim, n_components, quad)) / h
    theta = -scipy.linalg.eigvals(jac)
    theta = theta[np.argsort(-theta.real)]
    return params[0], params[1:], theta
