"""How far is a covariance from a Kronecker product? (Van Loan-Pitsianis rearrangement.)

A covariance Sigma of tensors with index sizes (n_1, ..., n_d) is a Kronecker product
Sigma_1 (x) ... (x) Sigma_d exactly when its rearrangement

    R[(a_1 b_1), ..., (a_d b_d)] = Sigma[(a_1..a_d), (b_1..b_d)]          (shape n_1^2 x ... x n_d^2)

is a rank-1 tensor vec(Sigma_1) (x) ... (x) vec(Sigma_d), because the rearrangement is an isometry
(same entries): ||Sigma - (x)_c F_c||_F = ||R - (x)_c vec(F_c)||_F. So

- d = 2 (Van Loan and Pitsianis): R is an n_1^2 x n_2^2 matrix with singular values s_1 >= s_2 >= ...;
  the nearest product is s_1 u_1 v_1^T and the relative distance is sqrt(sum_{k>=2} s_k^2) / ||Sigma||_F.
- d > 2: the nearest product of d factors is the best rank-1 approximation of the d-way tensor R,
  found by alternating least squares (the higher-order power method, started from the leading
  singular vectors of the unfoldings): u_c <- R(u_1, ..., u_{c-1}, ., u_{c+1}, ..., u_d) / norm, until
  sigma = R(u_1, ..., u_d) changes by less than ``tol`` relatively. Distance^2 = ||R||^2 - sigma^2.
  ALS finds a local optimum; the result says whether it converged.
- For every d the two-factor split "colour c against the rest" is a matrix problem solved exactly by
  the SVD of the mode-c unfolding of R. Its distance is a lower bound of the d-factor distance (a
  product of d factors is also a product of two), and says which colour breaks the Kronecker form.

Sampling floor. A sample covariance S of P samples deviates from the population Sigma by
E||S - Sigma||_F^2 = (E|x - mu|^4 - ||Sigma||_F^2) / P to leading order (for Gaussian data
((tr Sigma)^2 + ||Sigma||_F^2) / P). The Kronecker manifold has only sum_c n_c(n_c+1)/2 - (d-1)
dimensions against n(n+1)/2 for all covariances, so almost all of that noise is orthogonal to it:
data drawn from a Kronecker population have a distance close to

    floor = sqrt((mean_p |x_p - xbar|^4 - ||S||_F^2) / P) / ||S||_F          (~ sqrt(n_eff / P)),

n_eff = (tr S)^2/||S||_F^2 + 1 for Gaussian data. A distance well above the floor is structure,
not noise.

References
----------
Van Loan, Pitsianis, "Approximation with Kronecker products" (1993); De Lathauwer, De Moor,
Vandewalle, SIAM J. Matrix Anal. Appl. 21 (2000) 1324 (rank-1 approximation, higher-order power method).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_int, check_real
from ..errors import InvalidArgumentError
from .spectra import _check_covariance, sample_covariance
from .tensors import as_tensor_data, roundoff_floor

__all__ = ["KroneckerFit", "nearest_kronecker", "kronecker_distance", "rearrange", "check_kronecker_size",
           "MAX_KRONECKER_SVD"]


def rearrange(covariance, index_sizes) -> np.ndarray:
    """The Van Loan-Pitsianis rearrangement R of Sigma, shape (n_1^2, ..., n_d^2) (module docstring)."""
    s, sizes = _check_covariance(covariance, index_sizes)
    d = len(sizes)
    t = s.reshape(sizes + sizes)
    order = [k for c in range(d) for k in (c, d + c)]
    return np.transpose(t, order).reshape(tuple(n * n for n in sizes))


def _unfold(r: np.ndarray, c: int) -> np.ndarray:
    return np.moveaxis(r, c, 0).reshape(r.shape[c], -1)


def _contract_except(r: np.ndarray, vectors, skip: int) -> np.ndarray:
    out = r
    for c in reversed(range(r.ndim)):  # contract from the last axis so the remaining axes keep their places
        if c != skip:
            out = np.tensordot(out, vectors[c], axes=([c], [0]))
    return out


@dataclass(frozen=True)
class KroneckerFit:
    """The nearest Kronecker product of a covariance and its relative Frobenius distance.

    Attributes
    ----------
    index_sizes : tuple of int
    distance : float
        ||Sigma - F_1 (x) ... (x) F_d||_F / ||Sigma||_F for the nearest product of d factors.
    factors : tuple of ndarray
        F_c, shapes (n_c, n_c), with kron(F_1, ..., F_d) the nearest product; every factor has a
        non-negative trace and the overall scale is shared equally (|F_c|_F all equal).
    colour_distances : tuple of float
        The relative distance of the nearest two-factor product "colour c (x) the rest", one per
        colour (exact, SVD); each is <= ``distance``.
    noise_floor : float or None
        The distance expected from sampling noise alone for data from a Kronecker population
        (module docstring); None for a given covariance.
    method : str
        "exact" (d = 1), "svd" (d = 2) or "als" (d > 2).
    iterations : int
        ALS sweeps (0 for the SVD cases).
    success : bool
        False when ALS did not converge within ``max_iter`` sweeps.
    status : str
        "ok", "not converged" or "zero" (Sigma = 0).
    message : str
    """

    index_sizes: tuple
    distance: float
    factors: tuple
    colour_distances: tuple
    noise_floor: float | None
    method: str
    iterations: int
    success: bool
    status: str
    message: str

    def approximation(self) -> np.ndarray:
        """kron(F_1, ..., F_d), shape (n, n)."""
        out = np.ones((1, 1))
        for f in self.factors:
            out = np.kron(out, f)
        return out

    def to_dict(self) -> dict:
        """Plain JSON-ready values."""
        return {
            "index_sizes": list(self.index_sizes),
            "distance": self.distance,
            "colour_distances": list(self.colour_distances),
            "noise_floor": self.noise_floor,
            "factors": [f.tolist() for f in self.factors],
            "method": self.method,
            "iterations": self.iterations,
            "success": self.success,
            "status": self.status,
            "message": self.message,
        }

    def __repr__(self):
        floor = "" if self.noise_floor is None else f", noise_floor={self.noise_floor:.3g}"
        colours = ", ".join(f"{v:.3g}" for v in self.colour_distances)
        return (f"KroneckerFit(index_sizes={self.index_sizes}, distance={self.distance:.3g}{floor}, "
                f"colour_distances=({colours}), method={self.method!r}, status={self.status!r})")


def _relative(residual2: float, total2: float) -> float:
    return math.sqrt(residual2 / total2)


def nearest_kronecker(covariance, index_sizes, *, tol: float = 1e-13, max_iter: int = 1000,
                      noise_floor: float | None = None) -> KroneckerFit:
    """The nearest product of d factors to a covariance, and the two-factor split of every colour.

    Parameters
    ----------
    covariance : array, shape (n, n)
        Symmetric; indices in C order of ``index_sizes`` (as ``numpy.kron`` orders them).
    index_sizes : tuple of int
        (n_1, ..., n_d).
    tol : float
        Relative change of sigma that ends the ALS sweeps (d > 2).
    max_iter : int
        Most ALS sweeps.
    noise_floor : float, optional
        Stored in the result (see :func:`kronecker_distance`).

    Returns
    -------
    KroneckerFit

    Examples
    --------
    >>> a, b = np.array([[2.0, 0.5], [0.5, 1.0]]), np.eye(3)
    >>> fit = nearest_kronecker(np.kron(a, b), (2, 3))
    >>> fit.distance < 1e-14, np.allclose(fit.approximation(), np.kron(a, b))
    (True, True)
    """
    r = rearrange(covariance, index_sizes)
    _, sizes = _check_covariance(covariance, index_sizes)
    tol = check_real("tol", tol, positive=True)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    d = len(sizes)
    total2 = float(np.sum(r**2))
    if total2 == 0.0:
        zeros = tuple(np.zeros((n, n)) for n in sizes)
        return KroneckerFit(sizes, 0.0, zeros, (0.0,) * d, noise_floor, "exact", 0, True, "zero",
                            "the covariance vanishes")
    leading, colour_distances = [], []
    for c in range(d):
        u, s, _ = np.linalg.svd(_unfold(r, c), full_matrices=False)
        leading.append(u[:, 0])
        colour_distances.append(_relative(float(np.sum(s[1:] ** 2)), total2))
    if d == 1:
        vectors, sigma, iterations, method = [r / math.sqrt(total2)], math.sqrt(total2), 0, "exact"
        converged = True
    elif d == 2:
        u, s, vt = np.linalg.svd(r, full_matrices=False)
        vectors, sigma, iterations, method, converged = [u[:, 0], vt[0]], float(s[0]), 0, "svd", True
    else:
        vectors, method, converged = list(leading), "als", False
        sigma = float(np.tensordot(_contract_except(r, vectors, 0), vectors[0], axes=1))
        iterations = 0
        for iterations in range(1, max_iter + 1):
            for c in range(d):
                v = _contract_except(r, vectors, c)
                vectors[c] = v / np.linalg.norm(v)
            new = float(np.tensordot(_contract_except(r, vectors, 0), vectors[0], axes=1))
            change, sigma = abs(new - sigma), new
            if change <= tol * abs(sigma):
                converged = True
                break
    product = np.full((), sigma)
    for v in vectors:
        product = np.multiply.outer(product, v)
    distance = _relative(float(np.sum((r - product) ** 2)), total2)  # direct: ||R||^2 - sigma^2 cancels
    factors = [np.asarray(v).reshape(n, n) for v, n in zip(vectors, sizes)]
    sign = 1.0 if sigma >= 0 else -1.0
    for c in range(d):
        if np.trace(factors[c]) < 0:
            factors[c] = -factors[c]
            sign = -sign
    factors[0] = sign * factors[0]
    scale = abs(sigma) ** (1.0 / d)
    symmetric = tuple(scale * (f + f.T) / 2 for f in factors)
    status, message = ("ok", f"nearest product of {d} factor(s) by {method}") if converged else (
        "not converged", f"ALS did not converge in {max_iter} sweeps (last relative change above tol={tol:g}); "
                         "raise max_iter")
    return KroneckerFit(sizes, distance, symmetric, tuple(colour_distances), noise_floor, method, iterations,
                        converged, status, message)


#: The largest matrix the nearest-Kronecker fit decomposes by SVD: min(rows, columns) of a rearranged covariance.
MAX_KRONECKER_SVD = 1024


def check_kronecker_size(index_sizes) -> None:
    """Refuse, before any work, a fit whose SVDs would take minutes (the estimate is in the message).

    Colour c's rearranged covariance is an n_c^2 x (n / n_c)^2 matrix; its SVD costs about
    4 m k min(m, k) floating-point operations (one per colour, one more for d = 2).
    """
    sizes = tuple(int(v) for v in index_sizes)
    n = math.prod(sizes)
    shapes = [(c * c, (n // c) ** 2) for c in sizes] + ([(sizes[0] ** 2, sizes[1] ** 2)] if len(sizes) == 2 else [])
    largest = max(min(m, k) for m, k in shapes)
    if largest > MAX_KRONECKER_SVD:
        flops = sum(4.0 * m * k * min(m, k) for m, k in shapes)
        raise InvalidArgumentError(
            f"the Kronecker fit of index sizes {sizes} needs {len(shapes)} SVDs of matrices up to "
            f"{max(m for m, _ in shapes)} x {max(k for _, k in shapes)} (about {flops:.1g} floating-point operations, "
            f"minutes); the limit is min(rows, columns) <= {MAX_KRONECKER_SVD} (e.g. index sizes up to 32 x 32): "
            "crop or pool the samples first")


def kronecker_distance(data, *, centre: bool = True, tol: float = 1e-13, max_iter: int = 1000) -> KroneckerFit:
    """Distance of a data set's sample covariance from the nearest Kronecker product, with its noise floor.

    Parameters
    ----------
    data : TensorData or array, shape (P, n_1, ..., n_d)
    centre : bool
        Subtract the sample mean (default True).
    tol, max_iter
        As :func:`nearest_kronecker`.

    Returns
    -------
    KroneckerFit
        With ``noise_floor`` = sqrt((mean_p |x_p - xbar|^4 - ||S||_F^2) / P) / ||S||_F.
    """
    data = as_tensor_data(data)
    check_kronecker_size(data.index_sizes)
    s = sample_covariance(data, centre=centre)
    if float(np.max(np.abs(s))) <= roundoff_floor(data):  # exactly repeated samples: round-off is not structure
        s = np.zeros_like(s)
    x = data.flat()
    if centre:
        x = x - x.mean(axis=0)
    norm2 = float(np.sum(s**2))
    fourth = float(np.mean(np.sum(x**2, axis=1) ** 2))
    floor = math.sqrt(max(fourth - norm2, 0.0) / data.n_samples / norm2) if norm2 > 0 else None
    return nearest_kronecker(s, data.index_sizes, tol=tol, max_iter=max_iter, noise_floor=floor)
