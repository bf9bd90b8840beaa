"""The readings as registered objects: a name, the classes it claims, the theory it hands to the flows, a plot style.

A reading is a claim about a network's connected 4-point function: G4c = -sum_V lambda_V A_V with V running
over a set of quartic classes (:mod:`tensornn.readings.classes`). A :class:`Reading` says which classes
(``selects``, a predicate on :class:`~tensornn.readings.classes.QuarticPatternClass`), how to build its flow
theory (``theory``, a hook called with the network, its pattern space and the data spectra), and how plots
draw it (``style``). The readings are nested class sets (vector inside tensor inside full; scalar inside
full): :func:`nested_pairs` lists the pairs a verdict tests (:mod:`tensornn.readings.verdict`).

Built in, in the order of :data:`READINGS`:

- "scalar": every colour local, the local phi^4 vertex;
- "vector": every colour paired alike, the double trace (the O(n) vector model of the flattened field);
- "tensor": the quartic bubbles (double trace, pillows, tetrahedron, ...).

A new reading is one call, e.g. a matrix reading of a two-colour field::

    register_reading(Reading("matrix", "the bubbles of two colours", lambda c: c.kind == "bubble"))

On a kernel space (a dense nonlinear layer amputated with its own kernel, one index) the O(n)-invariant quartic
action has two vertices, the hidden-unit contact ("local", O(n)-invariant there because the kernel is isotropic) and
the double trace; the vector reading (and the tensor reading, which contains it) takes both there.

Symmetry. A class *breaks O(n)* when its amputation pattern is not invariant under a rotation of the
flattened inputs: colours with different shapes at the vertex (pillows, the tetrahedron, mixed classes), and on
an index space also the all-local class (sum_a phi_a^4 singles out the basis). A dense layer of any activation is
O(n)-invariant, so a reading with such a class cannot be its verdict when the symmetry test accepts invariance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

from .._checks import check_choice
from ..errors import InvalidArgumentError, InvalidTypeError
from .classes import QuarticPatternClass

__all__ = ["Reading", "READINGS", "REFERENCE_MODEL", "register_reading", "get_reading", "reading_names",
           "reading_classes", "breaks_rotations", "nested_pairs"]

#: The name of the model with every class (not a reading: the reference for the basis as a whole).
REFERENCE_MODEL = "full"


def _builtin_theory(name: str):
    def build(network, space, spectra=None, **options):
        from ..compare.theories import reading_theories

        return reading_theories(network, space, spectra, **options)[name]

    build.__name__ = f"{name}_theory"
    build.__doc__ = f"The flow theory of the {name} reading (tensornn.compare.theories.reading_theories)."
    return build


@dataclass(frozen=True)
class Reading:
    """One reading: a named set of quartic classes.

    Attributes
    ----------
    name : str
    description : str
        One line: what the reading claims.
    selects : callable
        ``selects(cls) -> bool`` on a :class:`~tensornn.readings.classes.QuarticPatternClass`: whether the class
        belongs to the reading.
    theory : callable or None
        ``theory(network, space, spectra=None, **options)``: the flow theory of the reading (None: the reading
        has no flow).
    style : dict
        Plot style: ``color`` and ``marker`` (matplotlib).
    selects_on : callable or None
        ``selects_on(cls, space) -> bool``: the selection where it depends on the pattern space's kind ("index",
        "gauss", "kernel"); None uses ``selects`` everywhere.
    """

    name: str
    description: str
    selects: Callable[[QuarticPatternClass], bool]
    theory: Callable | None = None
    style: dict = field(default_factory=dict)
    selects_on: Callable[[QuarticPatternClass, str], bool] | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name or self.name in (REFERENCE_MODEL, "undetermined", "none"):
            raise InvalidArgumentError(f"a reading's name must be a non-empty string other than {REFERENCE_MODEL!r}, "
                                       f"'undetermined' and 'none', got {self.name!r}")
        if not callable(self.selects):
            raise InvalidTypeError(f"selects must be a predicate on a quartic class, got {self.selects!r}")

    def classes(self, classes, space: str | None = None) -> tuple[QuarticPatternClass, ...]:
        """The reading's classes among ``classes`` of a pattern space of kind ``space``, in their order (may be empty)."""
        if space is not None and self.selects_on is not None:
            return tuple(c for c in classes if self.selects_on(c, space))
        return tuple(c for c in classes if self.selects(c))

    def __repr__(self):
        return f"Reading({self.name!r}: {self.description})"


_REGISTRY: dict[str, Reading] = {}
#: {name: Reading}, read-only view of the registry (registration order).
READINGS = MappingProxyType(_REGISTRY)


def register_reading(reading: Reading, *, replace: bool = False) -> Reading:
    """Add a reading to the registry (``replace=True`` to overwrite one of the same name)."""
    if not isinstance(reading, Reading):
        raise InvalidTypeError(f"reading must be a Reading, got {type(reading).__name__}")
    if reading.name in _REGISTRY and not replace:
        raise InvalidArgumentError(f"a reading named {reading.name!r} is registered already; pass replace=True "
                                   "to overwrite it")
    _REGISTRY[reading.name] = reading
    return reading


def reading_names() -> tuple[str, ...]:
    """The registered reading names, in registration order."""
    return tuple(_REGISTRY)


def get_reading(name: str) -> Reading:
    """The registered reading ``name``."""
    check_choice("reading", name, reading_names())
    return _REGISTRY[name]


def reading_classes(reading: str, classes, space: str | None = None) -> tuple[QuarticPatternClass, ...]:
    """The classes of ``reading`` (a registered name or "full") among ``classes`` of a pattern space of kind
    ``space`` (None: the space-independent selection); refuses an empty selection."""
    check_choice("reading", reading, (*reading_names(), REFERENCE_MODEL))
    classes = tuple(classes)
    out = classes if reading == REFERENCE_MODEL else _REGISTRY[reading].classes(classes, space)
    if not out:
        raise InvalidArgumentError(f"no class of the {reading} reading among {[c.name for c in classes]}")
    return out


def breaks_rotations(cls: QuarticPatternClass, space: str = "index") -> bool:
    """Whether the class's pattern changes under a rotation of the flattened inputs (module docstring)."""
    if cls.kind == "local":
        return space == "index"
    return cls.kind == "mixed" or len(cls.blocks) > 1


def nested_pairs(class_sets: dict) -> list[tuple[str, str]]:
    """(smaller, larger) for every pair of models whose class sets are strictly nested, smaller first by size.

    ``class_sets`` maps a model name to the names of its classes.
    """
    sets = {name: frozenset(c) for name, c in class_sets.items()}
    pairs = [(a, b) for a in sets for b in sets if a != b and sets[a] < sets[b]]
    return sorted(pairs, key=lambda p: (len(sets[p[0]]), len(sets[p[1]]), p))


register_reading(Reading("scalar", "every colour local: the local phi^4 vertex", lambda c: c.kind == "local",
                         _builtin_theory("scalar"), {"color": "C0", "marker": "s"}))
def _paired_alike(cls: QuarticPatternClass) -> bool:
    return cls.kind == "bubble" and len(cls.blocks) == 1


register_reading(Reading("vector", "every colour paired alike: the double trace (O(n) vector model)", _paired_alike,
                         _builtin_theory("vector"), {"color": "C1", "marker": "^"},
                         lambda c, space: _paired_alike(c) or (space == "kernel" and c.kind == "local")))
register_reading(Reading("tensor", "the quartic bubbles: double trace, pillows, tetrahedron, ...",
                         lambda c: c.kind == "bubble", _builtin_theory("tensor"), {"color": "C2", "marker": "o"},
                         lambda c, space: c.kind == "bubble" or (space == "kernel" and c.kind == "local")))
