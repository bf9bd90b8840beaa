"""Property-based checks across modules: colour renaming, seeds, chunkings, rotations."""

import itertools
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensornn.bubbles import Bubble
from tensornn.networks.sampling import sample_ensemble
from tensornn.flow import derive_flow
from tensornn.networks.kernels import kernel
from tensornn.networks.scalar import ScalarNetwork
from tensornn.networks import StructuredNetwork
from tensornn.theory import FlatColour, Theory, Truncation, full_truncation, melonic_truncation
from tensornn.networks.activations import activation_names

SCALAR_ACTIVATIONS = activation_names(closed_kernel=True)

# ----------------------------------------------------------------------------- colour renaming

COLOURS = (FlatColour(2), FlatColour(3), FlatColour(5))  # distinct sizes: the colours are distinguishable


def _permuted_theory(truncation, perm):
    """The same theory with colour c (1-based) renamed perm[c-1] + 1 and the colour list reordered to match."""
    bubbles = []
    for m in truncation.interactions:
        b = m.bubble
        kinds = dict(enumerate(b.kinds))
        edges = [(u, v, perm[c - 1] + 1) for u, v, c in b.edges()]
        bubbles.append(Bubble.from_edges(edges, rank=b.rank, field=b.field, kinds=kinds))
    colours = [None] * len(COLOURS)
    for c, colour in enumerate(COLOURS):
        colours[perm[c]] = colour
    return Theory(tuple(colours), "complex", Truncation.from_bubbles(bubbles, truncation.names))


@pytest.mark.parametrize("truncation", [full_truncation(3, 2), melonic_truncation(3, 3)], ids=["full4", "melonic6"])
def test_beta_functions_are_unchanged_by_renaming_colours(truncation):
    reference = derive_flow(Theory(COLOURS, "complex", truncation))
    flows = {p: derive_flow(_permuted_theory(truncation, p)) for p in itertools.permutations(range(3))}
    # Renaming the colours is not a symmetry of each bubble separately: permuting the
    # colours alone (without moving the colour data) changes the betas, so the test can fail.
    shuffled = Theory((COLOURS[1], COLOURS[0], COLOURS[2]), "complex", truncation)
    g_probe = np.linspace(0.05, 0.3, len(reference.names))
    assert not np.allclose(derive_flow(shuffled).beta(g_probe), reference.beta(g_probe), rtol=1e-6)

    @settings(max_examples=25, deadline=None)
    @given(
        st.sampled_from(sorted(flows)),
        st.lists(st.floats(-0.3, 0.3), min_size=len(reference.names), max_size=len(reference.names)),
        st.floats(-2.0, 1.0),
    )
    def check(perm, g, t):
        g = np.array(g)
        flow = flows[perm]
        assert flow.names == reference.names
        np.testing.assert_allclose(flow.beta(g), reference.beta(g), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(
            flow.beta_dimensionful(t, g), reference.beta_dimensionful(t, g), rtol=1e-12, atol=1e-14
        )

    check()


# ----------------------------------------------------------------------------- seeds and chunkings

SNET = StructuredNetwork((2, 3), cp_rank=2, activation="erf", width=5, sigma_w=1.2, sigma_v=0.8)
SX = np.random.default_rng(0).normal(size=(3, 2, 3))
SKW = dict(seed=21, block_size=40, n_groups=5, tuples=4)
SN = 40 * 7 + 13


@pytest.fixture(scope="module")
def structured_reference():
    return sample_ensemble(SNET, SX, SN, **SKW)


def _bitwise(a, b):
    assert a.tuples == b.tuples and a.entropy == b.entropy
    assert a.group_sums.tobytes() == b.group_sums.tobytes()
    np.testing.assert_array_equal(a.group_counts, b.group_counts)


def test_structured_network_same_seed_same_bits_everywhere(structured_reference):
    _bitwise(structured_reference, sample_ensemble(SNET, SX, SN, **SKW))  # a repeated run
    with ThreadPoolExecutor(2) as pool:
        _bitwise(structured_reference, sample_ensemble(SNET, SX, SN, executor=pool, chunk_size=80, **SKW))
    with ProcessPoolExecutor(2) as pool:
        _bitwise(structured_reference, sample_ensemble(SNET, SX, SN, executor=pool, chunk_size=120, **SKW))
    other = sample_ensemble(SNET, SX, SN, **dict(SKW, seed=22))
    assert other.group_sums.tobytes() != structured_reference.group_sums.tobytes()  # the seed matters


def test_structured_network_on_a_local_dask_cluster(structured_reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        with distributed.Client(cl) as client:
            m = sample_ensemble(SNET, SX, SN, executor=client.get_executor(), chunk_size=40, **SKW)
    _bitwise(structured_reference, m)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 400), st.integers(1, 4), st.booleans())
def test_chunk_size_and_pending_never_change_the_bits(chunk_size, max_pending, threads):
    net = ScalarNetwork("relu", d_in=2, width=3, sigma_w=1.1, sigma_b=0.2)
    x = [[0.1, 0.2], [-0.3, 0.5]]
    kw = dict(seed=5, block_size=32, n_groups=3)
    reference = sample_ensemble(net, x, 301, **kw)
    if threads:
        with ThreadPoolExecutor(2) as pool:
            m = sample_ensemble(net, x, 301, chunk_size=chunk_size, executor=pool, max_pending=max_pending, **kw)
    else:
        m = sample_ensemble(net, x, 301, chunk_size=chunk_size, **kw)
    _bitwise(reference, m)


# ----------------------------------------------------------------------------- rotations

@settings(max_examples=30, deadline=None)
@given(st.sampled_from(SCALAR_ACTIVATIONS), st.integers(0, 2**32 - 1), st.integers(2, 6))
def test_kernels_are_rotation_invariant(activation, seed, d_in):
    """K depends on x.y, |x|^2, |y|^2 only, so K(Rx, Ry) = K(x, y) for every orthogonal R."""
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(2, d_in))
    q, _ = np.linalg.qr(rng.normal(size=(d_in, d_in)))
    a = kernel(activation, x, y, sigma_w=1.3, sigma_b=0.4)
    b = kernel(activation, q @ x, q @ y, sigma_w=1.3, sigma_b=0.4)
    assert b == pytest.approx(a, rel=1e-10, abs=1e-13)
