"""The flow theory of each reading of a network, and how its fitted couplings enter the flow.

A reading (:mod:`tensornn.readings`) is a claim about the quartic action S_4 = sum_V lambda_V V[phi]. Its
flow needs a field theory: the colours with their kinetic eigenvalues, the interactions, and the map from
the fitted lambda_V to the engine's couplings g_I of ``sum_I g_I I(phi)``.

Index space (a CP or dense layer read on data with d colours; docs/theory/readings.md). The field seen by
the data is phi_a = the output along the data's principal directions; mode a has the inverse propagator
1/(s^2 lambda(a)) = m^2 exp(E(a)), with lambda the covariance eigenvalue, m^2 = 1/(s^2 lambda_max) and
E(a) = ln(lambda_max / lambda(a)) (additive over colours for Kronecker data). The LPA engine takes the
kinetic term to first order, Z (E + 1) with Z = m^2; in the field normalised to Z = 1 the infrared mass is 1,
and at the zero mode T = s phi, so a fitted coupling becomes g_V = s^4 lambda_V.

- scalar: one local colour whose modes are the full covariance spectrum; truncation g2 phi^2 + g4 phi^4
  (the local class, g4 = s^4 lambda_local);
- vector: one pairing colour with the full spectrum; the O(n) invariants (phi.phi) and (phi.phi)^2 (the double
  trace);
- tensor: one pairing colour per data colour with its own spectrum (mode-c unfolding); the full quartic
  truncation (double trace, pillows, tetrahedron, ...), each bubble matched to its class by canonical form.

These flows are not autonomous (the counting functions of data spectra are not power laws): they are
trajectories. Fixed points and exponents belong to a continuum idealisation, in which every colour becomes a
one-dimensional continuum of modes with kinetic p^2 (the counting tensor field theories use): the scalar
reading is phi^4 in D = d, the tensor reading the melonic quartic theory of d one-dimensional colours (LPA'
when asked), and the vector reading a single d-dimensional pairing colour, whose double trace has loops with
different powers of k (a face and a zero-mode term), so it has no fixed point in this counting.

Gauss space (the block Gauss-net, colours = input blocks, docs/theory/structured_inputs.md). The kinetic
operator is 1/K_w(p) = A + sum_c a_c |p_c|^2 + O(p^4); the field phi = sqrt(Z) f (Z the geometric mean of the
a_c, :mod:`tensornn.couplings.normalisation`) has mass m^2 = A/Z, and g_V = lambda_V / Z^2. The scalar reading
is one local continuum colour R^{d_in}, the vector reading one pairing continuum colour R^{d_in}, the tensor
reading the blocks as pairing continuum colours R^{D_c} with kinetic scales a_c/Z. These theories are already
continuous: they are their own idealisation (autonomous when the blocks agree).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..couplings.normalisation import field_normalisation
from ..errors import InvalidArgumentError
from ..readings.patterns import GaussProductSpace, IndexSpace, KernelSpace
from ..readings.content import quartic_content
from ..theory.colours import ContinuumColour, EmpiricalColour
from ..theory.field_theory import Theory
from ..theory.truncations import full_truncation, melonic_truncation, scalar_truncation, vector_truncation

__all__ = ["ReadingTheory", "reading_theories", "spectrum_kinetic"]

#: Positive eigenvalues below this fraction of the largest are null directions of the data (no mode).
_NULL = 1e-10


def spectrum_kinetic(eigenvalues) -> tuple[float, ...]:
    """Kinetic values E = ln(lambda_max / lambda) of the positive covariance eigenvalues (the zero mode is 0)."""
    lam = np.asarray(eigenvalues, dtype=float).ravel()
    lam = lam[lam > _NULL * lam.max()] if lam.size and lam.max() > 0 else lam[:0]
    if lam.size == 0:
        raise InvalidArgumentError("the data have no positive covariance eigenvalue: every sample is the same")
    return tuple(np.log(lam.max() / lam).tolist())


@dataclass(frozen=True)
class ReadingTheory:
    """One reading as a flow theory.

    Attributes
    ----------
    reading : str
        "scalar", "vector" or "tensor".
    theory : Theory
        The theory the trajectories run in (data spectra or continuum blocks).
    projection : str
        "full" or "melonic".
    idealised : Theory or None
        The continuum idealisation whose fixed points and exponents are reported (None: the reading has
        no autonomous idealisation, see ``idealised_note``).
    idealised_projection : str
    idealised_eta : bool
        LPA' for the idealisation.
    idealised_note : str
        What the idealisation is, or why there is none.
    coupling_names : dict
        Fitted class name -> engine coupling name.
    coupling_scale : float
        g_I = coupling_scale x lambda_V.
    mass2 : float
        The infrared mass u2 (the coefficient of phi^2/2) in the flow's units.
    unit : float
        The infrared mass m = sqrt(mass2) in the units of k.
    description : str
    """

    reading: str
    theory: Theory
    projection: str
    idealised: Theory | None
    idealised_projection: str
    idealised_eta: bool
    idealised_note: str
    coupling_names: dict
    coupling_scale: float
    mass2: float
    unit: float
    description: str

    def initial(self, couplings: dict) -> dict:
        """IR data for :func:`tensornn.flow.trajectory.run_from_ir`: the mass and the mapped couplings.

        ``couplings`` maps class names to lambda_V; classes the theory has no coupling for are refused.
        """
        out = {2: self.mass2}
        for name, value in couplings.items():
            if name not in self.coupling_names:
                raise InvalidArgumentError(f"the {self.reading} reading has no coupling for the class {name!r}; "
                                           f"its classes are {', '.join(self.coupling_names)}")
            engine = self.coupling_names[name]
            out[engine] = out.get(engine, 0.0) + self.coupling_scale * float(value)
        return out


def _by_canonical_form(truncation, classes) -> dict:
    """Class name -> engine coupling name, matching the class bubble with the truncation's bubble."""
    forms = {i.bubble.canonical_form(): i.name for i in truncation.interactions}
    out = {}
    for c in classes:
        name = forms.get(c.bubble.canonical_form())
        if name is None:
            raise InvalidArgumentError(f"the class {c.name!r} has no interaction in the truncation {truncation.names}")
        out[c.name] = name
    return out


def _index_theories(space: IndexSpace, spectra, anomalous_dimension: bool) -> dict:
    d = space.order
    full_e = spectrum_kinetic(spectra.full)
    scale = space.propagator_scale**2  # s^4
    common = dict(coupling_scale=scale, mass2=1.0, unit=1.0)
    scalar = ReadingTheory(
        "scalar", Theory((EmpiricalColour(full_e, role="local", dimension=float(d)),), "real", scalar_truncation(2)),
        "full", Theory((ContinuumColour(d),), "real", scalar_truncation(2)), "full", False,
        f"phi^4 in D = {d} (the d colours as local directions), LPA", {"local": "g4"},
        description=f"one local colour: the {len(full_e)} modes of the full covariance spectrum", **common)
    vector = ReadingTheory(
        "vector", Theory((EmpiricalColour(full_e, role="pairing", dimension=float(d)),), "real", vector_truncation(2)),
        "full", None, "full", False,
        f"one {d}-dimensional pairing colour: the double trace has a face loop ~ k^{d} and a zero-mode loop ~ k^0, "
        "so its dimensionless flow is not autonomous and has no fixed point in this counting",
        {"double trace": "g4"},
        description=f"one pairing colour (O(n) invariants): the {len(full_e)} modes of the full spectrum", **common)
    truncation = full_truncation(d, 2, "real")
    colours = tuple(EmpiricalColour(spectrum_kinetic(lam), role="pairing") for lam in spectra.colours)
    classes = [c for c in quartic_content(d).classes]
    melonic = melonic_truncation(d, 2, "real") if d >= 2 else None
    tensor = ReadingTheory(
        "tensor", Theory(colours, "real", truncation), "full",
        None if melonic is None else Theory(tuple(ContinuumColour(1, role="pairing") for _ in range(d)), "real",
                                            melonic),
        "melonic", anomalous_dimension,
        (f"the melonic quartic theory of {d} one-dimensional colours with kinetic p^2, "
         f"{'LPA prime' if anomalous_dimension else 'LPA'}") if melonic is not None else
        "one colour: no tensor structure",
        _by_canonical_form(truncation, classes),
        description="one pairing colour per data colour with its own spectrum ("
                    + ", ".join(str(len(c.values)) for c in colours) + " modes); the full quartic truncation",
        **common)
    return {"scalar": scalar, "vector": vector, "tensor": tensor}


def _kernel_theories(space: KernelSpace, spectra) -> dict:
    """A nonlinear layer read on its own kernel (one field on the feature space: the readings' classes are those of
    one colour). Its flows run on the data's full spectrum with the linear twin's propagator scale s^2 (a convention
    that sets the units of the couplings, docs/compare.md); the tensor reading of one colour is the vector one."""
    d = len(spectra.colours) if spectra.colours else 1
    full_e = spectrum_kinetic(spectra.full)
    common = dict(coupling_scale=space.propagator_scale**2, mass2=1.0, unit=1.0)
    scalar = ReadingTheory(
        "scalar", Theory((EmpiricalColour(full_e, role="local", dimension=float(d)),), "real", scalar_truncation(2)),
        "full", Theory((ContinuumColour(d),), "real", scalar_truncation(2)), "full", False,
        f"phi^4 in D = {d} (the data's colours as local directions), LPA", {"local": "g4"},
        description=f"one local colour on the {space.activation} kernel: the {len(full_e)} modes of the full spectrum",
        **common)
    note = (f"one {d}-dimensional pairing colour: the double trace has a face loop ~ k^{d} and a zero-mode loop ~ k^0, "
            "so its dimensionless flow is not autonomous and has no fixed point in this counting")
    pairing = Theory((EmpiricalColour(full_e, role="pairing", dimension=float(d)),), "real", vector_truncation(2))
    description = f"one pairing colour on the {space.activation} kernel: the {len(full_e)} modes of the full spectrum"
    vector = ReadingTheory("vector", pairing, "full", None, "full", False, note, {"double trace": "g4"},
                           description=description, **common)
    tensor = ReadingTheory("tensor", pairing, "full", None, "full", False,
                           "one colour (the kernel's feature space): the tensor reading is the vector reading",
                           {"double trace": "g4"}, description=description, **common)
    return {"scalar": scalar, "vector": vector, "tensor": tensor}


def _gauss_theories(network, space: GaussProductSpace) -> dict:
    norm = field_normalisation(network)
    d_in, sizes = norm.d_in, norm.block_sizes
    common = dict(coupling_scale=1.0 / norm.Z**2, mass2=norm.mass2, unit=float(np.sqrt(norm.mass2)))
    scalar_theory = Theory((ContinuumColour(d_in),), "real", scalar_truncation(2))
    scalar = ReadingTheory("scalar", scalar_theory, "full", scalar_theory, "full", False,
                           f"phi^4 on R^{d_in} (the theory itself)", {"local": "g4"},
                           description=f"one local continuum colour R^{d_in} (unit Jacobian: Z is the geometric mean)",
                           **common)
    vector = ReadingTheory("vector", Theory((ContinuumColour(d_in, role="pairing"),), "real", vector_truncation(2)),
                           "full", None, "full", False,
                           "one pairing continuum colour: a face and a zero-mode loop with different powers of k, "
                           "no fixed point", {"double trace": "g4"},
                           description=f"one pairing continuum colour R^{d_in}", **common)
    d = len(sizes)
    colours = tuple(ContinuumColour(dc, scale=s, role="pairing") for dc, s in zip(sizes, norm.scales))
    truncation = full_truncation(d, 2, "real")
    theory = Theory(colours, "real", truncation)
    classes = [c for c in quartic_content(d).classes]
    tensor = ReadingTheory("tensor", theory, "full", theory, "full", False,
                           "the blocks as pairing continuum colours (the theory itself)",
                           _by_canonical_form(truncation, classes),
                           description="one pairing continuum colour per block: "
                                       + ", ".join(f"R^{dc} (scale {s:.4g})" for dc, s in zip(sizes, norm.scales)),
                           **common)
    return {"scalar": scalar, "vector": vector, "tensor": tensor}


def reading_theories(network, space, spectra=None, *, anomalous_dimension: bool = True) -> dict:
    """{reading: ReadingTheory} of a network whose fields live on ``space``.

    Parameters
    ----------
    network : network spec
        The network the readings were fitted for.
    space : IndexSpace, GaussProductSpace or KernelSpace
        Its pattern space (:func:`tensornn.readings.pattern_space`).
    spectra : DataSpectra
        The data's full and per-colour spectra (index space only).
    anomalous_dimension : bool
        LPA' for the tensor reading's continuum idealisation (index space).
    """
    if isinstance(space, IndexSpace):
        if spectra is None:
            raise InvalidArgumentError("the readings of an index-space network need the data spectra")
        return _index_theories(space, spectra, anomalous_dimension)
    if isinstance(space, GaussProductSpace):
        return _gauss_theories(network, space)
    if isinstance(space, KernelSpace):
        if spectra is None:
            raise InvalidArgumentError("the readings of a kernel-space network need the data spectra")
        return _kernel_theories(space, spectra)
    raise InvalidArgumentError(f"no reading theories for a {type(space).__name__}")
