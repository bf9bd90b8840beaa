"""Checked by mypy in CI (.ci/run), never run: the lazy faces give type checkers the real types.

Without the stubs next to the faces every name below would be ``Any`` and each ``assert_type`` would fail.
"""

from typing import assert_type

import tensornn as tn
from tensornn import compare, correlators, couplings, networks, rg
from tensornn.flow.betas import DerivedFlow

def check_faces() -> None:
    """Never called: mypy checks the types in its body."""
    flow = tn.derive_flow(tn.Theory((), "real", tn.Truncation(())))
    assert_type(flow, DerivedFlow)
    assert_type(tn.__version__, str)
    assert_type(tn.ScalarNetwork, type[networks.ScalarNetwork])
    assert_type(tn.CompareConfig, type[compare.CompareConfig])
    assert_type(couplings.fit_power_law([1.0, 2.0], [1.0, 0.5]), couplings.PowerLawFit)
    assert_type(rg.PassiveFlow, type[tn.PassiveFlow])
    assert_type(tn.fit_power_law([1.0, 2.0], [1.0, 0.5]), tn.PowerLawFit)
    assert_type(correlators.CorrelatorEstimate, type[tn.CorrelatorEstimate])
