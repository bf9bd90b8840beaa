"""Do the moments a reading needs exist? Two checks on a Monte-Carlo G4c before anything is fitted.

A reading fits G4c, a fourth cumulant, with a covariance estimated from G independent groups of networks
(Hotelling's T^2 assumes the group estimates are close to Gaussian). When E[f^4] is infinite (a CP layer with
an activation growing like exp: its pre-activation is a product of Gaussians) or so heavy-tailed that one
group of networks carries most of it, the group estimates are not Gaussian, the jackknife covariance is
dominated by the same group and every reading "fits". The checks, on the group sums S_gq = sum over the
networks of group g of f_i f_j f_k f_l at quadruple q (:class:`~tensornn.structured.measure.FourPointMeasurement`;
an estimator that integrates the read-out analytically sums the conditional fourth moment given the first-layer
weights instead, and the checks read it the same way):

- **largest group's share**: a_g = sum_q |S_gq|, share = max_g a_g / sum_g a_g. Equal groups of a light-tailed
  law give about 1/G; one group holding more than ``max_share`` (default one half) of everything means the
  sum is a single draw;
- **halving**: the mean of |f_i f_j f_k f_l| per network (sum_g a_g / sum_g n_g) over the first half of the groups
  against the second half, larger over smaller. It is about 1 when the fourth moments exist and settle (within
  a few per cent at 2^17 networks, within a factor 2 at 2^12 for the CP rank-1 layer), and grows without bound
  when they do not; more than ``max_ratio`` (default 10) fails.

Between "estimable" and "Gaussian" lies a third state: the moments exist, but the group estimates are
**heavy-tailed**. The typical sample then misses the rare large networks that carry the mean: G4c falls short of its
expectation by a common factor (for the CP rank-1 layer about 15 % at 2^17 networks and 60 % at 2^12, in the median;
docs/verdict_calibration.md) and the jackknife covariance understates the noise with it. A non-rejection then does
not establish the smaller reading, and the verdict says "undetermined" rather than select it on power
(:mod:`tensornn.readings.verdict`). The signature is in the groups' fourth-moment scales m_g = a_g / n_g: their
**tail ratio** mean(m_g) / median(m_g) is about 1 when each group's sum is close to Gaussian and grows when a few
groups carry the mean. Measured on the default design over 10 seeds: dense linear layer 1.00-1.01 at 2^17 networks,
0.99-1.08 at 2^14, 1.08-1.17 at 2^12; CP rank-1 layer 1.12-1.23 at 2^17, 1.38-2.1 at 2^14, 1.54-2.8 at 2^12. Heavy:
tail ratio above ``max_tail_ratio`` (default 1.3) or a largest share above ``heavy_share`` x 1/G (default 8).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_real

__all__ = ["MomentCheck", "moment_check", "DEFAULT_MAX_SHARE", "DEFAULT_MAX_RATIO", "DEFAULT_HEAVY_SHARE",
           "DEFAULT_MAX_TAIL_RATIO"]

#: The largest share of sum |f^4| one group may hold.
DEFAULT_MAX_SHARE = 0.5
#: The largest ratio of the fourth-moment scale between the two halves of the ensemble.
DEFAULT_MAX_RATIO = 10.0
#: Above this multiple of 1/G the largest group's share marks the group estimates as heavy-tailed.
DEFAULT_HEAVY_SHARE = 8.0
#: Above this ratio of the mean to the median group fourth-moment scale the group estimates are heavy-tailed.
DEFAULT_MAX_TAIL_RATIO = 1.3


@dataclass(frozen=True)
class MomentCheck:
    """Whether G4c is estimable from the groups of one measurement (module docstring).

    Attributes
    ----------
    estimable : bool
    max_group_share : float
        The largest group's share of sum |f_i f_j f_k f_l| (about 1/G for equal, light-tailed groups).
    expected_share : float
        1/G.
    halving_ratio : float
        Mean |f_i f_j f_k f_l| of the first half of the ensemble against the second, larger over smaller (>= 1).
    n_groups : int
    max_share, max_ratio : float
        The thresholds that were applied.
    reason : str
        One sentence.
    heavy_tailed : bool
        The tail ratio exceeds ``max_tail_ratio`` or the largest share exceeds ``heavy_share`` x 1/G: the group
        estimates are not close to Gaussian.
    heavy_share : float
        That threshold, as a multiple of 1/G.
    tail_ratio : float
        Mean over median of the groups' fourth-moment scales (about 1 for Gaussian groups).
    max_tail_ratio : float
    """

    estimable: bool
    max_group_share: float
    expected_share: float
    halving_ratio: float
    n_groups: int
    max_share: float
    max_ratio: float
    reason: str
    heavy_tailed: bool = False
    heavy_share: float = DEFAULT_HEAVY_SHARE
    tail_ratio: float = math.nan
    max_tail_ratio: float = DEFAULT_MAX_TAIL_RATIO

    def to_dict(self) -> dict:
        return {"estimable": self.estimable, "max_group_share": self.max_group_share,
                "expected_share": self.expected_share, "halving_ratio": self.halving_ratio,
                "n_groups": self.n_groups, "max_share": self.max_share, "max_ratio": self.max_ratio,
                "heavy_tailed": self.heavy_tailed, "heavy_share": self.heavy_share,
                "tail_ratio": _finite(self.tail_ratio), "max_tail_ratio": self.max_tail_ratio, "reason": self.reason}

    def __repr__(self):
        return (f"MomentCheck(estimable={self.estimable}, max_group_share={self.max_group_share:.3g} "
                f"(1/G = {self.expected_share:.3g}), halving_ratio={self.halving_ratio:.3g})")


def _finite(x):
    return x if isinstance(x, float) and math.isfinite(x) else None


def moment_check(measurement, *, max_share: float = DEFAULT_MAX_SHARE, max_ratio: float = DEFAULT_MAX_RATIO,
                 heavy_share: float = DEFAULT_HEAVY_SHARE,
                 max_tail_ratio: float = DEFAULT_MAX_TAIL_RATIO) -> MomentCheck:
    """Check that G4c is estimable from ``measurement`` (a FourPointMeasurement with group sums).

    Parameters
    ----------
    measurement : FourPointMeasurement
        From :func:`tensornn.readings.measure_four_point` (keeps the group sums).
    max_share : float
        In (0, 1]: the largest share of sum |f^4| one group may hold.
    max_ratio : float
        >= 1: the largest halving ratio.
    heavy_share : float
        >= 1: the multiple of 1/G above which the groups count as heavy-tailed.
    max_tail_ratio : float
        >= 1: the tail ratio above which the groups count as heavy-tailed.

    Returns
    -------
    MomentCheck
    """
    from ..errors import InvalidArgumentError

    max_share = check_real("max_share", max_share, positive=True, maximum=1.0)
    max_ratio = check_real("max_ratio", max_ratio, minimum=1.0)
    heavy_share = check_real("heavy_share", heavy_share, minimum=1.0)
    max_tail_ratio = check_real("max_tail_ratio", max_tail_ratio, minimum=1.0)
    sums, counts = measurement.group_sums, measurement.group_counts
    if sums is None or counts is None:
        raise InvalidArgumentError("measurement keeps no group sums; measure it with "
                                   "tensornn.readings.measure_four_point")
    g = int(measurement.n_groups)
    a = np.sum(np.abs(np.asarray(sums, dtype=float)[:, 0, :]), axis=1)
    n = np.asarray(counts, dtype=float)
    total = float(np.sum(a))
    finite = bool(np.all(np.isfinite(a))) and math.isfinite(total)
    share = float(np.max(a) / total) if finite and total > 0 else math.nan
    half = g // 2
    first, second = float(np.sum(a[:half]) / np.sum(n[:half])), float(np.sum(a[half:]) / np.sum(n[half:]))
    if finite and first > 0 and second > 0:
        ratio = max(first / second, second / first)
    else:
        ratio = math.inf if finite and (first > 0) != (second > 0) else math.nan
    if not finite:
        estimable, reason = False, "the sums of f^4 overflow: the fourth moments are not finite in float64"
    elif total == 0:
        estimable, reason = False, "every output product vanishes: there is no fourth moment to measure"
    elif share > max_share:
        estimable = False
        reason = (f"one group of networks holds {share:.1%} of sum |f^4| ({share * g:.3g} times the 1/G = {1 / g:.3g} "
                  f"of equal groups; more than {max_share:g}): the fourth moment is carried by a few networks and "
                  "may not exist")
    elif not ratio <= max_ratio:
        estimable = False
        reason = (f"the mean |f^4| changes by a factor {ratio:.3g} between the two halves of the ensemble (more than "
                  f"{max_ratio:g}): the fourth moment does not settle and may not exist")
    else:
        estimable = True
        reason = (f"the largest group holds {share:.3g} of sum |f^4| ({share * g:.3g} x 1/G) and the halves of the "
                  f"ensemble agree to a factor {ratio:.3g}")
    scales = a / np.where(n > 0, n, np.nan)
    median = float(np.nanmedian(scales)) if finite else math.nan
    tail = float(np.nanmean(scales) / median) if finite and median > 0 else math.nan
    heavy = bool(estimable and (share * g > heavy_share or not tail <= max_tail_ratio))
    if heavy:
        reason += (f"; the group estimates are heavy-tailed (mean over median group |f^4| = {tail:.3g} > "
                   f"{max_tail_ratio:g}, or largest share above {heavy_share:g} x 1/G): more networks per group would "
                   "bring them closer to Gaussian")
    elif estimable:
        reason += f"; mean over median group |f^4| = {tail:.3g}"
    return MomentCheck(estimable, share, 1.0 / g, ratio, g, max_share, max_ratio, reason, heavy, heavy_share, tail,
                       max_tail_ratio)
