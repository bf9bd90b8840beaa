"""The quartic classes, their amputation patterns, designs, oracles and exact fits of the readings.

References: the class counts are orbit counts of S3 acting on ({local} u P4)^d (4^d labelled tuples; the
pure-pairing classes must coincide with tensornn.readings.content.quartic_content, whose grouping uses bubble
canonical forms); the linear CP layer has the exact first-order couplings lambda_B = -W_B/(4! N s^4)
with W_B = 6 : 18 : 18 : 18 : 18 for R = 1, d = 3 (18/R off the diagonal for rank R, 0 for dense);
the Gauss shapes are closed-form Gaussian integrals checked against scipy quadrature; the block
Gauss-net's exact G4c by the plain-net mapping must equal the factorised colour form to rounding.
"""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate

from tensornn.couplings import gauss_amputation_integral
from tensornn.data import TensorData, synthetic_kronecker
from tensornn.errors import InvalidArgumentError
from tensornn.correlators.exact import g4_connected_exact
from tensornn.networks import ScalarNetwork
from tensornn.readings import (
    LOCAL,
    GaussProductSpace,
    IndexSpace,
    QuadrupleDesign,
    amputation_patterns,
    block_gauss_four_point_factorised,
    check_design,
    exact_couplings,
    exact_four_point,
    fit_readings,
    quadruple_design,
    quartic_classes,
    read_network,
    reading_classes,
)
from tensornn.correlators.cp_cumulants import PAIRINGS, contraction
from tensornn.networks import BlockGaussNetwork, StructuredNetwork
from tensornn.readings.content import linear_tensor_action, quartic_content


@pytest.fixture(scope="module")
def data():
    return synthetic_kronecker(seed=0)


# ------------------------------------------------------------------ classes
@pytest.mark.parametrize("order, count", [(1, 2), (2, 5), (3, 15), (4, 51)])
def test_class_counts_are_the_s3_orbits(order, count):
    classes = quartic_classes(order)
    assert len(classes) == count
    assert sum(c.multiplicity for c in classes) == 4**order
    # Burnside: (1/6)[4^d + 3 * 2^d + 2 * 1^d] orbits of S3 on ({L} u P4)^d
    assert count == (4**order + 3 * 2**order + 2) // 6


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_bubble_classes_are_the_quartic_content(order):
    bubbles = {c.name: set(c.tuples) for c in quartic_classes(order) if c.kind == "bubble"}
    content = {c.name: set(c.tuples) for c in quartic_content(order).classes}
    assert bubbles == content


def test_colour_symmetric_merging_keeps_all_tuples():
    merged = quartic_classes(3, colour_symmetric=True)
    assert [c.name for c in merged][:4] == ["local", "double trace", "pillow(1) + pillow(2) + pillow(3)",
                                           "tetrahedron"]
    assert sum(c.multiplicity for c in merged) == 64 and len(merged) == 7


def test_readings_select_their_classes():
    classes = quartic_classes(3)
    assert [c.name for c in reading_classes("scalar", classes)] == ["local"]
    assert [c.name for c in reading_classes("vector", classes)] == ["double trace"]
    assert [c.name for c in reading_classes("tensor", classes)] == [
        "double trace", "pillow(1)", "pillow(2)", "pillow(3)", "tetrahedron"]
    with pytest.raises(InvalidArgumentError, match="'scalar', 'vector', 'tensor'"):
        reading_classes("matrix", classes)


# ------------------------------------------------------------------ patterns
def _brute_force(t, legs, q):
    """sum over all index assignments allowed by the tuple t (LOCAL: all four equal; pairing: pairs equal)."""
    sizes = legs[0].shape[1:]
    total = 0.0
    for idx in itertools.product(*[list(itertools.product(range(n), repeat=4)) for n in sizes]):
        # idx[c] = the colour-c indices of the four legs
        ok = all(len(set(vals)) == 1 if p == LOCAL else all(vals[u] == vals[v] for u, v in PAIRINGS[p])
                 for p, vals in zip(t, idx))
        if ok:
            total += np.prod([legs[leg][q][tuple(vals[leg] for vals in idx)] for leg in range(4)])
    return total


def test_index_patterns_are_contractions_with_the_local_delta():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 2, 3))
    quads = np.array([[0, 1, 2, 3], [0, 0, 1, 4], [2, 2, 3, 3]])
    space = IndexSpace((2, 3), propagator_scale=0.7)
    classes = quartic_classes(2)
    a = amputation_patterns(space, classes, x, quads)
    legs = [x[quads[:, i]] for i in range(4)]
    for k, c in enumerate(classes):
        expected = np.array([sum(_brute_force(t, legs, q) for t in c.tuples) for q in range(len(quads))])
        np.testing.assert_allclose(a[:, k], 24 * 0.7**4 * expected / c.multiplicity, rtol=1e-12)
        pure = [t for t in c.tuples if LOCAL not in t]  # the pairing tuples are the I_pi of the structured module
        if len(pure) == len(c.tuples):
            np.testing.assert_allclose(sum(contraction(t, *legs) for t in pure), expected, rtol=1e-12)


def test_gauss_all_local_pattern_is_the_amputation_integral():
    rng = np.random.default_rng(1)
    x = 0.3 * rng.standard_normal((4, 3))
    space = GaussProductSpace.from_blocks((3,), (1.3,), 1.3)
    local = [c for c in quartic_classes(1) if c.kind == "local"]
    a = amputation_patterns(space, local, x, [[0, 1, 2, 3]])
    assert a[0, 0] == pytest.approx(24 * float(gauss_amputation_integral(*x, sigma_w=1.3)), rel=1e-12)


def test_gauss_pairing_shape_is_the_convolution_of_two_kernels():
    # D = 1: int dy exp(-a (x1-y)^2 - a (x2-y)^2) by quadrature against the closed form.
    space = GaussProductSpace((1,), (0.4,), 1.0)
    x = np.array([[0.3], [-0.5], [1.1], [0.2]])
    pairing = [c for c in quartic_classes(1) if c.kind == "bubble"][0]  # the double trace = all 3 pairings
    closed = amputation_patterns(space, [pairing], x, [[0, 1, 2, 3]])[0, 0]

    def conv(u, v):
        return integrate.quad(lambda y: math.exp(-0.4 * (u - y) ** 2 - 0.4 * (v - y) ** 2), -30, 30)[0]

    pts = x[:, 0]
    numeric = sum(conv(pts[i], pts[j]) * conv(pts[k], pts[m]) for (i, j), (k, m) in
                  [((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))])
    assert closed == pytest.approx(24 * numeric / 3, rel=1e-9)


# ------------------------------------------------------------------ exact fits of the linear CP layer
def test_linear_cp_rank_one_gives_the_weights_6_18_18_18_18(data):
    net = StructuredNetwork(data.index_sizes, cp_rank=1, width=8, sigma_w=1.2, sigma_v=0.9)
    result = read_network(net, data)
    tensor = result.readings["tensor"]
    assert result.method == "exact" and result.selected == "tensor" and tensor.relative_residual < 1e-12
    lam = np.array([tensor.couplings[n].value for n in tensor.classes])
    np.testing.assert_allclose(6 * lam / lam[0], [6, 18, 18, 18, 18], rtol=1e-10)
    exact = linear_tensor_action(net).couplings
    for name, c in tensor.couplings.items():
        assert c.value == pytest.approx(exact[name], rel=1e-10) and c.exact == exact[name]
    assert not result.readings["vector"].fits and not result.readings["scalar"].fits


@pytest.mark.parametrize("rank", [2, 3, 7])
def test_linear_cp_rank_r_gives_three_over_r_off_the_diagonal(data, rank):
    net = StructuredNetwork(data.index_sizes, cp_rank=rank, width=3)
    tensor = read_network(net, data, readings=("tensor",), reference=False).readings["tensor"]
    lam = np.array([tensor.couplings[n].value for n in tensor.classes])
    # per tuple: w = 2 on the double trace, 3/R on the others (6 and 18/R per class)
    np.testing.assert_allclose(lam / lam[0], [1] + [3 / rank] * 4, rtol=1e-10)


def test_dense_linear_layer_selects_the_vector_reading(data):
    net = StructuredNetwork(data.index_sizes, cp_rank=None, width=5)
    result = read_network(net, data)
    assert result.selected == "vector" and result.readings["tensor"].fits
    tensor = result.readings["tensor"].couplings
    dt = tensor["double trace"].value
    assert all(abs(tensor[n].value) < 1e-10 * abs(dt) for n in ("pillow(1)", "pillow(2)", "pillow(3)", "tetrahedron"))


def test_colour_symmetric_fit_sums_the_equal_pillows(data):
    net = StructuredNetwork(data.index_sizes, cp_rank=1, width=8)
    result = read_network(net, data, colour_symmetric=True, readings=("tensor",))
    lam = result.readings["tensor"].couplings
    exact = linear_tensor_action(net).couplings
    assert lam["pillow(1) + pillow(2) + pillow(3)"].value == pytest.approx(3 * exact["pillow(1)"], rel=1e-10)


def test_full_reference_model_keeps_mixed_couplings_at_zero(data):
    net = StructuredNetwork(data.index_sizes, cp_rank=2, width=4)
    ref = read_network(net, data).reference_fit
    scale = max(abs(c.value) for c in ref.couplings.values())
    for name, c in ref.couplings.items():
        if "local" in name:
            assert abs(c.value) < 1e-9 * scale, name


# ------------------------------------------------------------------ oracles
def test_block_gauss_all_local_pattern_is_the_network_amputation_with_its_readout_scale():
    # the pattern space of a block net and tensornn.couplings.amputation are independent paths to the same
    # integral; a read-out scale sigma_v != sigma_w must enter both as the K_w amplitude sigma_v^2
    from tensornn.couplings import amputate
    from tensornn.readings import pattern_space

    net = BlockGaussNetwork((2, 1), (0.7, 1.4), width=3, sigma_w=1.0, sigma_v=2.5)
    x = 0.3 * np.random.default_rng(4).standard_normal((4, 3))
    local = [c for c in quartic_classes(2) if c.kind == "local"]
    a = amputation_patterns(pattern_space(net), local, x, [[0, 1, 2, 3]])
    assert a[0, 0] == pytest.approx(24 * float(amputate(net, *x)), rel=1e-12)


def test_block_gauss_oracle_equals_the_factorised_colour_form():
    net = BlockGaussNetwork((2, 3, 1), (0.7, 1.4, 2.0), width=6, sigma_w=1.3, sigma_v=0.8)
    x = 0.4 * np.random.default_rng(2).standard_normal((6, 6))
    quads = np.array(list(itertools.combinations_with_replacement(range(6), 4)))[::7]
    np.testing.assert_allclose(exact_four_point(net, x, quads), block_gauss_four_point_factorised(net, x, quads),
                               rtol=1e-12)


def test_dense_structured_oracle_is_the_scalar_network_with_the_readout_scale():
    net = StructuredNetwork((2, 2), cp_rank=None, activation="erf", width=3, sigma_w=1.1, sigma_v=0.6)
    x = np.random.default_rng(3).standard_normal((4, 2, 2))
    value = exact_four_point(net, x, [[0, 1, 2, 3]])
    scalar = g4_connected_exact("erf", *x.reshape(4, 4), width=3, sigma_w=1.1, bias=False)
    assert value[0] == pytest.approx((0.6 / 1.1) ** 4 * scalar, rel=1e-12)


def test_no_oracle_for_nonlinear_cp_layers_and_no_exact_couplings():
    net = StructuredNetwork((2, 2), cp_rank=1, activation="relu", width=3)
    assert exact_four_point(net, np.ones((4, 2, 2)), [[0, 1, 2, 3]]) is None
    assert exact_couplings(net, quartic_classes(2)) is None


# ------------------------------------------------------------------ designs
def test_design_mixes_repeated_and_distinct_points(data):
    design = quadruple_design(data, n_points=10, n_quadruples=40, repeated=0.5, seed=1)
    reps = design.repetitions()
    assert reps[4] == 20 and sum(reps.values()) == 40
    assert len({tuple(q) for q in design.quadruples}) == 40
    assert np.all(np.diff(design.quadruples, axis=1) >= 0)
    np.testing.assert_array_equal(design.inputs, data.values[design.points])


def test_degenerate_design_is_refused_with_what_to_change():
    x = np.random.default_rng(0).standard_normal((6, 2, 2))
    space = IndexSpace((2, 2))
    classes = quartic_classes(2)
    matrix = amputation_patterns(space, classes, x, [[0, 1, 2, 3], [0, 0, 1, 1]])
    with pytest.raises(InvalidArgumentError, match="use at least 6 quadruples"):
        check_design(matrix, [c.name for c in classes])
    # a colour of size 1 makes "local" and "paired" identical in that colour
    flat = TensorData(np.random.default_rng(1).standard_normal((30, 3, 1)))
    with pytest.raises(InvalidArgumentError, match="does not separate the classes .*n_quadruples"):
        read_network(StructuredNetwork((3, 1), cp_rank=1, width=2), flat, readings=("tensor",), n_quadruples=20)


def test_fit_readings_refuses_a_matrix_of_the_wrong_shape():
    classes = quartic_classes(2)
    with pytest.raises(InvalidArgumentError, match="shape"):
        fit_readings(np.ones(5), np.ones((5, 2)), classes)


def test_gauss_scalar_network_reads_through_one_block():
    net = ScalarNetwork("gauss", d_in=2, width=5, sigma_w=1.0, bias=False)
    x = TensorData(np.random.default_rng(4).standard_normal((30, 2)), name="plane")
    result = read_network(net, x, readings=("scalar", "vector"), n_quadruples=20, max_condition=1e9)
    assert result.method == "exact" and set(result.readings) == {"scalar", "vector"}
    assert result.readings["scalar"].classes == ("local",)


def test_quadruple_design_validates_its_fields():
    x = np.ones((5, 2))
    with pytest.raises(InvalidArgumentError, match="quadruples index the 5 inputs"):
        QuadrupleDesign(x, np.arange(5), np.array([[0, 1, 2, 5]]))
    with pytest.raises(InvalidArgumentError, match="points must be 5 integers"):
        QuadrupleDesign(x, np.arange(4), np.array([[0, 1, 2, 3]]))
    with pytest.raises(InvalidArgumentError, match="shape \\(Q, 4\\)"):
        QuadrupleDesign(x, np.arange(5), np.array([[0.0, 1.0, 2.0, 3.0]]))


def test_no_first_order_reading_describes_the_block_gauss_net():
    # exact G4c of a biased block Gauss-net on the colour marginals at rms |x| = 1 (docs/readings.md table):
    # relative residuals 0.2 (scalar), 0.21 (vector), 0.17 (tensor); the selection is flagged
    marginals = synthetic_kronecker(seed=0).colour_marginals()
    x = TensorData(marginals.values / np.sqrt(np.mean(np.sum(marginals.values**2, axis=1))), name="marginals")
    net = BlockGaussNetwork((4, 4, 4), (1.0, 1.0, 1.0), width=10, sigma_w=1.0, sigma_b=1.0, bias=True)
    result = read_network(net, x)
    assert result.method == "exact" and not result.selected_fits and result.status == "no reading fits"
    assert all(f.relative_residual > 0.1 for f in result.readings.values())
    assert result.reference_fit.status == "not identifiable" and "condition number" in result.text()
