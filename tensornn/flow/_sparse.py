"""The one-loop terms as index arrays: monomials by column products, flows by a segmented sum over targets.

The terms d_t g_target += c prod(g_factors) L_j of a DerivedFlow are stored sorted by target as
integer arrays (coefficient, threshold index, factor columns padded with the index of a constant 1),
so that one evaluation is

    mono = c * g[f_1] * g[f_2] * ... ,     d_t g[target] = segmented sum over the target's terms of mono * L,

with ``np.add.reduceat`` over the target segments: memory O(terms x batch), never a couplings x terms
matrix. Batches of coupling vectors are processed in chunks so that a temporary holds at most
``MAX_ELEMENTS`` numbers.
"""

from __future__ import annotations

import numpy as np

__all__ = []

#: Largest (terms x coupling vectors) temporary of one chunk (32 MB of float64).
MAX_ELEMENTS = 4_000_000


class SparseTerms:
    """Index arrays of the terms (sorted by target) and their segmented evaluation."""

    def __init__(self, terms, n_couplings: int, threshold_index):
        targets = np.fromiter((T.target for T in terms), dtype=np.intp, count=len(terms))
        order = np.argsort(targets, kind="stable")
        self.order = order
        self.n_couplings = n_couplings
        values: dict = {}  # the few distinct coefficients, each converted once (keyed by the object: a Fraction's
        coef = []          # hash is slow, and the derivation shares one object per value)
        for T in terms:
            c = T.coefficient
            value = values.get(id(c))
            if value is None:
                value = values[id(c)] = (float(c), c)  # the object kept alive with its id
            coef.append(value[0])
        self.coef = np.array(coef, dtype=float)[order]
        self.thr = np.array([threshold_index[(T.n, T.colours)] for T in terms], dtype=np.intp)[order]
        width = max(max((len(T.factors) for T in terms), default=0), 1)
        pad = (n_couplings,) * width  # n_couplings: the index of a constant 1
        self.factors = np.array([(T.factors + pad)[:width] for T in terms], dtype=np.intp).reshape(len(terms), width)
        self.factors = self.factors[order]
        sorted_targets = targets[order]
        if len(terms):
            self.starts = np.flatnonzero(np.r_[True, sorted_targets[1:] != sorted_targets[:-1]])
            self.targets = sorted_targets[self.starts]
        else:
            self.starts = self.targets = np.zeros(0, dtype=np.intp)

    def __len__(self):
        return len(self.coef)

    def chunk(self, m: int) -> int:
        """Coupling vectors per chunk for a batch of m."""
        return max(1, min(m, MAX_ELEMENTS // max(len(self), 1)))

    def monomials(self, G, rows=None):
        """c prod(g_factors) for every term (or the terms ``rows``), shape (terms, m); G has shape (n, m)."""
        gext = np.concatenate([G, np.ones((1, G.shape[1]))])
        factors = self.factors if rows is None else self.factors[rows]
        coef = self.coef if rows is None else self.coef[rows]
        mono = coef[:, None] * gext[factors[:, 0]]
        for column in range(1, factors.shape[1]):
            mono *= gext[factors[:, column]]
        return mono

    def reduce(self, values):
        """Sum ``values`` (terms, m) over the terms of each target: shape (n_couplings, m)."""
        out = np.zeros((self.n_couplings, values.shape[1]))
        if len(self):
            out[self.targets] = np.add.reduceat(values, self.starts, axis=0)
        return out
