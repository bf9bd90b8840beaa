"""G4c of a network on a quadruple design: Monte Carlo through the ensemble sampler, or the exact oracle."""

from __future__ import annotations

import numpy as np

from .._checks import check_choice, check_int
from ..errors import InvalidArgumentError
from ..networks.sampling import sample_ensemble
from ..structured.measure import (FourPointMeasurement, conditional_four_point, four_point_from_moments,
                                  supports_conditional)
from .design import QuadrupleDesign

__all__ = ["measure_four_point", "DEFAULT_N_NETWORKS", "DEFAULT_N_GROUPS", "ESTIMATORS"]

#: How G4c is estimated: "auto" (conditional where the network has a Gaussian read-out, else outputs),
#: "conditional" (the read-out integrated given the hidden layer) or "outputs" (the sampled outputs).
ESTIMATORS = ("auto", "conditional", "outputs")

#: Networks of a default Monte-Carlo fit (2^17).
DEFAULT_N_NETWORKS = 131_072
#: Independent groups of a default Monte-Carlo fit: G - 1 >= 2 Q for the default Q = 40, so the
#: goodness of fit uses the unshrunk jackknife covariance with Hotelling's T^2.
DEFAULT_N_GROUPS = 128


def measure_four_point(network, design, n_networks: int = DEFAULT_N_NETWORKS, *, seed=0,
                       n_groups: int = DEFAULT_N_GROUPS, block_size: int | None = None,
                       executor=None, estimator: str = "auto") -> FourPointMeasurement:
    """Sample ``n_networks`` networks on the design's inputs and measure G4c on its quadruples.

    Parameters
    ----------
    network : NetworkSpec
    design : QuadrupleDesign
    n_networks : int
        At least 4 x n_groups.
    seed : None, int, SeedSequence or Generator
        Root seed of :func:`tensornn.ensemble.sample_ensemble`.
    n_groups : int
        Independent groups for the jackknife (>= 4: the couplings are cross-fitted on two halves).
    block_size : int, optional
        Networks per seeded block; default n_networks // (2 n_groups), so every group gets two blocks.
    executor : concurrent.futures.Executor, optional
        Passed to the sampler (does not change the numbers).
    estimator : {"auto", "conditional", "outputs"}
        "conditional" integrates the read-out weights given the hidden layer
        (:func:`tensornn.structured.measure.conditional_four_point`: the same networks, the same expectation, a
        smaller variance); "outputs" uses the sampled outputs; "auto" (default) the conditional one wherever the
        network supports it.

    Returns
    -------
    FourPointMeasurement
        With group sums, so that the fit can re-estimate G4c on halves of the groups. Overflowed
        outputs (an Exp-net at large inputs) give non-finite values; :func:`read_network` reports them
        as a status.
    """

    if not isinstance(design, QuadrupleDesign):
        raise InvalidArgumentError(f"design must be a QuadrupleDesign (quadruple_design), got {type(design).__name__}")
    n_groups = check_int("n_groups", n_groups, minimum=4)
    n_networks = check_int("n_networks", n_networks, minimum=4 * n_groups)
    if block_size is None:
        block_size = max(1, n_networks // (2 * n_groups))
    block_size = check_int("block_size", block_size, minimum=1)
    if -(-n_networks // block_size) < n_groups:
        raise InvalidArgumentError(
            f"n_networks={n_networks} in blocks of {block_size} give fewer blocks than n_groups={n_groups}; "
            "lower block_size or n_groups"
        )
    estimator = check_choice("estimator", estimator, ESTIMATORS)
    if estimator == "auto":
        estimator = "conditional" if supports_conditional(network) else "outputs"
    if estimator == "conditional":
        return conditional_four_point(network, design.inputs, design.quadruples, n_networks, seed=seed,
                                      n_groups=n_groups, block_size=block_size, executor=executor)
    tuples = [tuple(int(a) for a in q) for q in np.asarray(design.quadruples)]
    moments = sample_ensemble(network, design.inputs, n_networks, seed=seed, tuples=tuples, block_size=block_size,
                              n_groups=n_groups, executor=executor)
    return four_point_from_moments(moments, design.quadruples)
