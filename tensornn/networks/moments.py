"""Sums of output products over a block of networks, formed by one matrix product.

For a block of outputs f (n networks x P inputs) the sampler needs, for every requested sorted index
tuple t = (a_1, ..., a_k), the sum over networks of f_{a_1} ... f_{a_k}. Split each tuple into halves,
t = l + r with l its first floor(k/2) indices, and let U be the matrix whose columns are the products
over the distinct halves (the empty half is the constant column 1). Then

    sum_n prod_{a in t} f_a = (U^T U)[l, r],

so all 1-, 2-, 4- and 6-point sums of a block come from one Gram matrix U^T U: a single BLAS call instead
of k - 1 gathered elementwise products per statistic. For the default tuples of 6 inputs (all 1-, 2- and
4-tuples) U has 1 + 6 + 21 = 28 columns. When the Gram matrix would be much larger than the number of
statistics (a few scattered tuples of many inputs) each sum is a dot product of two columns of U instead.

The products are formed and summed in float64 whatever the precision of the outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ProductPlan"]

#: Use the Gram matrix when it has at most this many entries per statistic (else dot products).
_GRAM_ENTRIES_PER_STATISTIC = 16
#: Up to this many product columns the Gram matrix is a general product (gemm), above it a symmetric one (syrk).
_GEMM_MAX_COLUMNS = 48


@dataclass(frozen=True, eq=False)
class ProductPlan:
    """How the sums of the products of ``tuples`` are formed from a block of outputs.

    Parameters
    ----------
    tuples : sequence of sorted tuples of int
        The statistics, in the order of the returned sums (any length >= 1).

    Attributes
    ----------
    halves : tuple of tuples
        The product columns of U (sorted index tuples, the empty tuple first when used), ordered by
        length, then lexicographically; every column of length >= 2 is its parent (the tuple without its
        last index) times one output, and the children of one parent with consecutive last indices are
        formed by one broadcast product.
    left, right : ndarray of int, shape (n_statistics,)
        Columns of U whose product summed over networks is each statistic.
    gram : bool
        True: the sums are read off the Gram matrix U^T U; False: one dot product per statistic.

    Examples
    --------
    >>> plan = ProductPlan([(0,), (0, 1), (0, 0, 1, 1)])
    >>> f = np.array([[1.0, 2.0], [3.0, -1.0]])
    >>> plan.sums(f).tolist()   # 1 + 3, 2 - 3, 4 + 9
    [4.0, -1.0, 13.0]
    """

    tuples: tuple

    def __post_init__(self):
        tuples = tuple(tuple(int(a) for a in t) for t in self.tuples)
        object.__setattr__(self, "tuples", tuples)
        halves = set()
        for t in tuples:
            k = len(t) // 2
            halves.update((t[:k], t[k:]))
        # every prefix of a column is a column too, so each column is one multiplication away from its parent
        for h in list(halves):
            halves.update(h[:i] for i in range(1, len(h)))
        ordered = tuple(sorted(halves, key=lambda h: (len(h), h)))
        index = {h: i for i, h in enumerate(ordered)}
        object.__setattr__(self, "halves", ordered)
        object.__setattr__(self, "left", np.array([index[t[: len(t) // 2]] for t in tuples], dtype=np.intp))
        object.__setattr__(self, "right", np.array([index[t[len(t) // 2:]] for t in tuples], dtype=np.intp))
        n = len(ordered)
        object.__setattr__(self, "gram", n * (n + 1) // 2 <= _GRAM_ENTRIES_PER_STATISTIC * max(len(tuples), 1))
        # each column of length >= 2 is its parent times one output; children of one parent whose last
        # indices are consecutive and whose columns are consecutive are formed by one broadcast product
        steps = []
        for i, h in enumerate(ordered):
            if len(h) < 2:
                continue
            parent, last = index[h[:-1]], h[-1]
            if steps and steps[-1][0] == parent and steps[-1][2] == last and steps[-1][4] == i:
                steps[-1][2] += 1
                steps[-1][4] += 1
            else:
                steps.append([parent, last, last + 1, i, i + 1])
        singles = [(i, h[0]) for i, h in enumerate(ordered) if len(h) == 1]
        rows, inputs = (np.array(v, dtype=np.intp) for v in zip(*singles)) if singles else (None, None)
        if singles and np.array_equal(inputs, np.arange(inputs[0], inputs[0] + len(inputs))) and \
                np.array_equal(rows, np.arange(rows[0], rows[0] + len(rows))):
            rows, inputs = slice(rows[0], rows[0] + len(rows)), slice(inputs[0], inputs[0] + len(inputs))
        object.__setattr__(self, "_singles", (rows, inputs))
        object.__setattr__(self, "_steps", tuple(tuple(int(v) for v in step) for step in steps))
        object.__setattr__(self, "_has_empty", bool(ordered) and ordered[0] == ())

    def workspace(self) -> dict:
        """Buffers for :meth:`columns` and :meth:`sums`, reused from block to block by one task."""
        return {}

    @staticmethod
    def _buffer(workspace, name, rows, n):
        buf = workspace.get(name)
        if buf is None or buf.shape[0] != rows or buf.shape[1] < n:
            buf = workspace[name] = np.empty((rows, n))
        return buf[:, :n]

    def columns(self, f, workspace=None) -> np.ndarray:
        """U^T: the product columns as rows, shape (len(halves), n), float64."""
        workspace = {} if workspace is None else workspace
        f = np.asarray(f)
        n = f.shape[0]
        ft = self._buffer(workspace, "ft", f.shape[1], n)
        np.copyto(ft, f.T)  # (P, n), float64: one row per input
        u = self._buffer(workspace, "u", len(self.halves), n)
        if self._has_empty:
            u[0] = 1.0
        rows, inputs = self._singles
        if rows is not None:
            u[rows] = ft[inputs]
        for parent, lo, hi, r0, r1 in self._steps:
            np.multiply(u[parent], ft[lo:hi], out=u[r0:r1])
        return u

    def sums(self, f, workspace=None) -> np.ndarray:
        """Sums over the networks (rows of ``f``, shape (n, P)) of every statistic, shape (n_statistics,).

        ``workspace`` (from :meth:`workspace`) keeps the buffers for the next call of the same task.
        """
        workspace = {} if workspace is None else workspace
        with np.errstate(invalid="ignore", over="ignore"):  # non-finite outputs surface as EnsembleMoments.success
            u = self.columns(f, workspace)
            if not self.gram:
                return np.einsum("ij,ij->i", u[self.left], u[self.right])
            if len(u) <= _GEMM_MAX_COLUMNS:  # gemm on a copy: faster than syrk for few columns
                copy = self._buffer(workspace, "copy", *u.shape)
                np.copyto(copy, u)
                gram = u @ copy.T
            else:
                gram = u @ u.T
            return gram[self.left, self.right]
