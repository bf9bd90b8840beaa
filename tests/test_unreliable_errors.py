"""Errors from fewer than 10 jackknife groups are a warning; an undefined (nan) error never reads as resolved."""

import math
import warnings

import numpy as np
import pytest

from tensornn.correlators import four_point, two_point
from tensornn.correlators.estimators import MIN_GROUPS
from tensornn.couplings import CouplingEstimate, measure_u4
from tensornn.errors import UnreliableErrorWarning
from tensornn.networks.sampling import sample_ensemble
from tensornn.networks.scalar import ScalarNetwork

NET = ScalarNetwork("gauss", 1, 3, 1.0)
X = [[0.1], [0.2]]


def test_one_group_gives_a_nan_error_that_is_noise_dominated():
    m = sample_ensemble(NET, X, 500, seed=0, block_size=1024)  # one block: one group
    with pytest.warns(UnreliableErrorWarning, match=r"1 jackknife group.*one group gives no error: nan"):
        e = four_point(m, (0, 0, 1, 1))
    assert math.isnan(e.stderr) and e.noise_dominated and "NOISE-DOMINATED" in repr(e)


@pytest.mark.parametrize("n_groups, warns", [(MIN_GROUPS - 1, True), (MIN_GROUPS, False)])
def test_fewer_than_ten_groups_warn(n_groups, warns):
    m = sample_ensemble(NET, X, 64 * n_groups, seed=1, block_size=64, n_groups=n_groups)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e = two_point(m, (0, 0))
    found = [w for w in caught if issubclass(w.category, UnreliableErrorWarning)]
    assert bool(found) == warns and math.isfinite(e.stderr)


def test_measure_u4_warns_once_and_its_nan_error_is_noise_dominated():
    with pytest.warns(UnreliableErrorWarning) as caught:
        est = measure_u4(NET, X, [(0, 0, 1, 1), (0, 1, 1, 1)], 1024, seed=2)
    assert sum(issubclass(w.category, UnreliableErrorWarning) for w in caught) == 1
    assert np.all(np.isnan(est.error)) and np.all(est.noise_dominated)


def test_a_nan_error_is_never_not_noise_dominated():
    c = CouplingEstimate(np.array([5.0, 5.0]), np.array([np.nan, 0.1]), np.zeros(2), np.zeros(2), np.ones(2))
    assert c.noise_dominated.tolist() == [True, False]
    assert c.to_dict()["noise_dominated"].tolist() == [True, False]


def test_a_comparison_needs_ten_jackknife_groups():
    from tensornn.compare import CompareConfig
    from tensornn.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="n_groups"):
        CompareConfig(n_groups=MIN_GROUPS - 1)
