"""Random input tensors and input quadruples shared by the structured-network tests."""

import itertools

import numpy as np


def design(sizes, p=6, q=20, seed=2):
    """``p`` random input tensors of shape ``sizes`` and ``q`` distinct sorted quadruples of them."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((p, *sizes))
    quads = np.array(list(itertools.combinations_with_replacement(range(p), 4)))
    return x, quads[rng.choice(len(quads), q, replace=False)]
