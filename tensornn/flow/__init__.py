"""Wetterich flows in the local potential approximation: one-loop rules, thresholds, integration, fixed points."""

from .betas import DerivedFlow, derive_flow
from .equations import equations_latex, equations_text
from .rules import Term, derive_terms
from .system import FlowSystem

__all__ = ["FlowSystem", "DerivedFlow", "derive_flow", "Term", "derive_terms", "equations_text", "equations_latex"]
