"""Sums of output products over a block of networks, formed by a few matrix products.

For a block of outputs f (n networks x P inputs) the sampler needs, for every requested sorted index
tuple t = (a_1, ..., a_k), the sum over networks of f_{a_1} ... f_{a_k}. Split each tuple into halves,
t = l + r with l its first floor(k/2) indices, and let U be the matrix whose rows are the products over
the distinct halves (the empty half is the constant row 1), each one multiplication away from a shorter
row. Then

    sum_n prod_{a in t} f_a = (U U^T)[l, r],

so the sums of one order come from one Gram matrix of the rows of U that order uses: the 1- and 2-point
sums from the rows (1, f_1 .. f_P), the 4-point sums from the pair products, the 6-point sums from the
triple products. That is one BLAS call per order instead of k - 1 gathered elementwise products per
statistic. For the default tuples of 6 inputs (all 1-, 2- and 4-tuples) the Gram matrices are 7 x 7 and
21 x 21. When a Gram matrix would be much larger than the number of its statistics (a few scattered
tuples of many inputs), each of them is a dot product of two rows of U instead.

The products are formed and summed in float64 whatever the precision of the outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["ProductPlan"]

#: Use a Gram matrix when it has at most this many entries per statistic (else dot products).
_GRAM_ENTRIES_PER_STATISTIC = 16
#: Up to this many rows a Gram matrix is a general product with a copy (gemm), above it a symmetric one (syrk).
_GEMM_MAX_ROWS = 48


def _as_slice(indices):
    """``indices`` as a slice when they are consecutive (a view instead of a gathered copy)."""
    if len(indices) and indices[-1] - indices[0] == len(indices) - 1:
        return slice(int(indices[0]), int(indices[-1]) + 1)
    return np.asarray(indices, dtype=np.intp)


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
        The rows of U (sorted index tuples, the empty tuple first when used), ordered by length, then
        lexicographically. Every row of length >= 2 is its parent (the tuple without its last index)
        times one output; the children of one parent with consecutive last indices are formed by one
        broadcast product.
    blocks : tuple
        One entry per length of the right halves: (rows of U, statistics, their left and right
        positions among those rows, whether a Gram matrix is used).

    Examples
    --------
    >>> plan = ProductPlan([(0,), (0, 1), (0, 0, 1, 1)])
    >>> f = np.array([[1.0, 2.0], [3.0, -1.0]])
    >>> plan.sums(f).tolist()   # 1 + 3, 2 - 3, 4 + 9
    [4.0, -1.0, 13.0]
    """

    tuples: tuple
    halves: tuple = field(init=False, repr=False)
    blocks: tuple = field(init=False, repr=False)
    _has_empty: bool = field(init=False, repr=False)
    _singles: tuple = field(init=False, repr=False)
    _steps: tuple = field(init=False, repr=False)

    def __post_init__(self):
        tuples = tuple(tuple(int(a) for a in t) for t in self.tuples)
        object.__setattr__(self, "tuples", tuples)
        halves = set()
        for t in tuples:
            k = len(t) // 2
            halves.update((t[:k], t[k:]))
        for h in list(halves):  # every prefix of a row is a row too
            halves.update(h[:i] for i in range(1, len(h)))
        ordered = tuple(sorted(halves, key=lambda h: (len(h), h)))
        index = {h: i for i, h in enumerate(ordered)}
        object.__setattr__(self, "halves", ordered)

        blocks = []
        for length in sorted({len(t) - len(t) // 2 for t in tuples}):
            stats = [i for i, t in enumerate(tuples) if len(t) - len(t) // 2 == length]
            left = [index[tuples[i][: len(tuples[i]) // 2]] for i in stats]
            right = [index[tuples[i][len(tuples[i]) // 2:]] for i in stats]
            rows = sorted(set(left) | set(right))
            position = {r: p for p, r in enumerate(rows)}
            gram = len(rows) * (len(rows) + 1) // 2 <= _GRAM_ENTRIES_PER_STATISTIC * len(stats)
            if gram:
                left_pos = np.array([position[r] for r in left], dtype=np.intp)
                right_pos = np.array([position[r] for r in right], dtype=np.intp)
                blocks.append((_as_slice(rows), _as_slice(stats), left_pos, right_pos, True))
            else:
                blocks.append((None, _as_slice(stats), np.array(left, dtype=np.intp),
                               np.array(right, dtype=np.intp), False))
        object.__setattr__(self, "blocks", tuple(blocks))

        steps = []  # (parent row, first input, last input + 1, first row, last row + 1)
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
        single_rows = _as_slice([i for i, _ in singles]) if singles else None
        single_inputs = _as_slice([a for _, a in singles]) if singles else None
        object.__setattr__(self, "_singles", (single_rows, single_inputs))
        object.__setattr__(self, "_steps", tuple(tuple(int(v) for v in step) for step in steps))
        object.__setattr__(self, "_has_empty", bool(ordered) and ordered[0] == ())

    def workspace(self) -> dict:
        """Buffers for :meth:`rows` and :meth:`sums`, reused from block to block by one task."""
        return {}

    @staticmethod
    def _buffer(workspace, name, rows, n):
        buf = workspace.get(name)
        if buf is None or buf.shape[0] != rows or buf.shape[1] < n:
            buf = workspace[name] = np.empty((rows, n))
        return buf[:, :n]

    def rows(self, f, workspace=None) -> np.ndarray:
        """U: the products over the halves, one row each, shape (len(halves), n), float64."""
        workspace = {} if workspace is None else workspace
        f = np.asarray(f)
        n = f.shape[0]
        ft = self._buffer(workspace, "ft", f.shape[1], n)
        np.copyto(ft, f.T)  # (P, n), float64: one row per input
        u = self._buffer(workspace, "u", len(self.halves), n)
        if self._has_empty:
            u[0] = 1.0
        single_rows, single_inputs = self._singles
        if single_rows is not None:
            u[single_rows] = ft[single_inputs]
        for parent, lo, hi, r0, r1 in self._steps:
            np.multiply(u[parent], ft[lo:hi], out=u[r0:r1])
        return u

    def sums(self, f, workspace=None) -> np.ndarray:
        """Sums over the networks (rows of ``f``, shape (n, P)) of every statistic, shape (n_statistics,).

        ``workspace`` (from :meth:`workspace`) keeps the buffers for the next call of the same task.
        """
        workspace = {} if workspace is None else workspace
        out = np.empty(len(self.tuples))
        with np.errstate(invalid="ignore", over="ignore"):  # non-finite outputs surface as EnsembleMoments.success
            u = self.rows(f, workspace)
            for b, (rows, stats, left, right, gram) in enumerate(self.blocks):
                if not gram:
                    out[stats] = np.einsum("ij,ij->i", u[left], u[right])
                    continue
                block = u[rows]
                if len(block) <= _GEMM_MAX_ROWS:  # gemm on a copy: faster than syrk for few rows
                    copy = self._buffer(workspace, f"copy{b}", *block.shape)
                    np.copyto(copy, block)
                    product = block @ copy.T
                else:
                    product = block @ block.T
                out[stats] = product[left, right]
        return out
