"""Wetterich flows in the local potential approximation: one-loop rules, thresholds, integration, fixed points."""

from .system import FlowSystem

__all__ = ["FlowSystem"]
