"""Interaction bubbles: edge-coloured graphs, their canonical forms, enumeration and evaluation."""

from .graph import FIELDS, KINDS, Bubble

__all__ = ["Bubble", "FIELDS", "KINDS"]
