"""Chebyshev collocation grid: exact on polynomials, spectral on analytic functions, interpolation and quadrature."""

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError
from tensornn.flow.chebyshev import ChebyshevGrid


def test_points_and_end_points():
    grid = ChebyshevGrid(8, 3.0)
    assert grid.x[0] == 0.0 and grid.x[-1] == 3.0 and np.all(np.diff(grid.x) > 0)
    # Gauss-Lobatto points: x_j = L (1 - cos(pi j / n)) / 2, symmetric about L/2
    np.testing.assert_allclose(grid.x, 1.5 * (1 - np.cos(np.pi * np.arange(9) / 8)), atol=1e-15)
    np.testing.assert_allclose(grid.x + grid.x[::-1], 3.0, atol=1e-14)


@pytest.mark.parametrize("n, length", [(6, 1.0), (12, 7.5), (30, 40.0)])
def test_derivatives_are_exact_for_polynomials_up_to_degree_n(n, length):
    grid = ChebyshevGrid(n, length)
    x = grid.x / length  # a polynomial of degree n in x, scaled to O(1) values
    coef = np.random.default_rng(n).normal(size=n + 1)
    p = np.polynomial.Polynomial(coef)
    f = p(x)
    # d/dx of p(x/L) = p'(x/L)/L; the tolerance is rounding amplified by the matrix norm (~n^2/L, n^4/L^2)
    np.testing.assert_allclose(grid.d1 @ f, p.deriv()(x) / length, atol=1e-12 * n**2 * np.max(np.abs(f)) / length)
    np.testing.assert_allclose(grid.d2 @ f, p.deriv(2)(x) / length**2,
                               atol=1e-12 * n**4 * np.max(np.abs(f)) / length**2)


def test_spectral_convergence_on_an_analytic_function():
    # f = 1/(1 + x) on [0, 4]: pole at x = -1, Bernstein ellipse rho = 1.5 + sqrt(1.25) ~ 2.62, so the
    # derivative error falls like rho^-n; check a factor > 1e4 from n = 10 to n = 30
    errors = []
    for n in (10, 20, 30):
        grid = ChebyshevGrid(n, 4.0)
        errors.append(np.max(np.abs(grid.d1 @ (1 / (1 + grid.x)) + 1 / (1 + grid.x) ** 2)))
    assert errors[0] / errors[2] > 1e4 and errors[2] < 1e-8


def test_coefficients_interpolation_and_integral():
    grid = ChebyshevGrid(24, 2.0)
    f = np.exp(-grid.x) * np.cos(3 * grid.x)
    coef = grid.coefficients(f)
    np.testing.assert_allclose(coef, np.polynomial.chebyshev.chebfit(grid.xi, f, 24), atol=1e-13)
    assert np.max(np.abs(coef[-3:])) < 1e-12  # converged
    pts = np.array([0.0, 0.123, 1.7, 2.0])
    np.testing.assert_allclose(grid.interpolate(f, pts), np.exp(-pts) * np.cos(3 * pts), atol=1e-12)
    # int_0^x e^-y cos 3y dy = (1 - e^-x (cos 3x - 3 sin 3x)) / 10
    exact = (1 - np.exp(-pts) * (np.cos(3 * pts) - 3 * np.sin(3 * pts))) / 10
    np.testing.assert_allclose(grid.integrate(f, pts), exact, atol=1e-12)
    assert grid.derivative_at_zero(f, 1) == pytest.approx(-1.0, abs=1e-10)  # (e^-x cos 3x)'(0) = -1


def test_bad_input():
    with pytest.raises(InvalidArgumentError, match="n must be >= 4"):
        ChebyshevGrid(2, 1.0)
    with pytest.raises(InvalidArgumentError, match="length must be > 0"):
        ChebyshevGrid(8, -1.0)
    grid = ChebyshevGrid(8, 1.0)
    with pytest.raises(InvalidArgumentError, match=r"shape \(9,\)"):
        grid.coefficients(np.zeros(5))
    with pytest.raises(InvalidArgumentError, match="interval"):
        grid.interpolate(np.zeros(9), [2.0])
