"""Batched trajectories: every member as it would run alone, its own status and stopping scale, one result type."""

import math
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.flow import FlowBatch, FlowTrajectory, derive_flow, run_flow, run_flows, scalar_preset, tensor_preset
from tensornn.flow.result import REASONS, STATUSES
from tensornn.flow.trajectory import run_from_ir, run_from_ir_batch
from tensornn.theory import EmpiricalColour, Theory, full_truncation

from _handwritten_flows import NonAutonomous


class Power:
    """d g / dt = a g^p, validity g_max - g; t may be an array (one scale per member)."""

    autonomous = True
    names = ("g",)
    vector_scales = True

    def __init__(self, a=1.0, p=1, g_max=np.inf):
        self.a, self.p, self.g_max = a, p, g_max

    def beta(self, g, t=None):
        return self.a * np.asarray(g) ** self.p

    def beta_dimensionful(self, t, g):
        return self.beta(g)

    def eta(self, g, t=None):
        return np.zeros(np.shape(g)[1:])

    def validity(self, g, t=None):
        return (self.g_max - np.asarray(g)[0])[None, ...]


def _spectra_flow(evaluation):
    """The tensor reading's flow on three data colours of four modes (a step-function counting function)."""
    colours = [tuple(math.log(max(v) / x) for x in v) for v in ((1.0, 0.6, 0.35, 0.2), (1.0, 0.5, 0.3, 0.25),
                                                               (1.0, 0.7, 0.4, 0.1))]
    theory = Theory(tuple(EmpiricalColour(c) for c in colours), "real", full_truncation(3, 2, "real"))
    return derive_flow(theory, evaluation=evaluation)


def _same(a: FlowTrajectory, b: FlowTrajectory):
    return (a.reason == b.reason and np.array_equal(a.t, b.t) and np.array_equal(a.values, b.values)
            and a.nfev == b.nfev)


@pytest.mark.parametrize("evaluation", ["compiled", "sparse"])
def test_a_member_is_bitwise_the_member_run_alone(evaluation):
    # each member of a batch takes its own steps with the same arithmetic (the right-hand side evaluated column by
    # column alike, stages combined member by member): its numbers are those of a batch of one, to the last bit,
    # including the members that stop early and the breakpoints of the data spectra
    flow = _spectra_flow(evaluation)
    rng = np.random.default_rng(3)
    G0 = np.column_stack([np.ones(6), rng.normal(0.0, 0.05, (6, 5))])
    G0[0, 1:] = 0.3  # a member that blows up
    batch = run_flows(flow, G0, k_start=1e-3, k_stop=1e2, rtol=1e-6, atol=1e-10, n_points=50)
    assert "diverged" in batch.status and "completed" in batch.status
    for i in range(len(G0)):
        alone = run_flows(flow, G0[i:i + 1], k_start=1e-3, k_stop=1e2, rtol=1e-6, atol=1e-10, n_points=50)[0]
        assert _same(batch[i], alone), i


def test_batched_right_hand_side_is_the_column_by_column_one():
    # one scale per coupling vector gives, column by column, the numbers of one scale at a time, to the last bit
    flow = _spectra_flow("sparse")
    rng = np.random.default_rng(0)
    G = rng.normal(0.0, 0.1, (len(flow.names), 7))
    t = rng.uniform(-2.0, 1.0, 7)
    batch = flow.beta_dimensionful(t, G)
    columns = np.column_stack([flow.beta_dimensionful(float(ti), G[:, i]) for i, ti in enumerate(t)])
    assert np.array_equal(batch, columns)
    assert np.array_equal(flow.to_dimensionless(t, G),
                          np.column_stack([flow.to_dimensionless(float(ti), G[:, i]) for i, ti in enumerate(t)]))


def test_per_member_stopping_at_the_exact_scales():
    # dg/dt = g: g = g0 e^t crosses the validity bound 3 at t = ln(3/g0); members that start above it stop at once,
    # members that never reach it complete; the others go on whatever the others do
    g0 = np.array([[1.0], [2.0], [0.5], [4.0], [0.01]])
    batch = run_flows(Power(g_max=3.0), g0, k_start=1.0, k_stop=np.exp(2.0), dimensionless=True, rtol=1e-10,
                      atol=1e-12)
    assert batch.status.tolist() == ["pole", "pole", "pole", "pole", "completed"]
    for i in range(3):
        assert batch[i].t[-1] == pytest.approx(math.log(3.0 / g0[i, 0]), abs=1e-9)
        assert batch[i].values[0, -1] == pytest.approx(3.0, rel=1e-9)
        assert batch[i].violated == "validity[0]"
    assert batch[3].reason == "initial_validity" and len(batch[3].t) == 1
    assert batch[4].t[-1] == 2.0 and batch[4].values[0, -1] == pytest.approx(0.01 * math.exp(2.0), rel=1e-8)
    # dg/dt = g^2 blows up at t = 1/g0: the bound 1e6 is met at t = 1/g0 - 1e-6
    blow = run_flows(Power(p=2), [[1.0], [0.5], [0.1]], k_start=1.0, k_stop=np.exp(4.0), blowup=1e6, rtol=1e-10,
                     atol=1e-12)
    assert blow.status.tolist() == ["diverged", "diverged", "completed"]
    for i, g in enumerate((1.0, 0.5)):
        assert blow[i].t[-1] == pytest.approx(1.0 / g - 1e-6, abs=1e-8)
        assert "blow-up bound" in blow[i].message


@pytest.mark.parametrize("method", ["RK23", "RK45", "DOP853"])
def test_batch_agrees_with_scipy_solvers_to_the_tolerance(method):
    # the vectorised Runge-Kutta methods follow scipy's: a batch of a scalar preset agrees with LSODA runs to the
    # solver tolerance (rtol 1e-10: the two methods' errors). The scale of the threshold pole of the third member is
    # and the couplings there are compared to 1e-6: approaching it, d g2/dt ~ 1/(1 + m/k^2)^2 grows without bound and amplifies the local errors
    # (RK23 reaches it 2.5e-7 apart from LSODA on one CPU and below 1e-7 on another)
    system = scalar_preset(dim=3, order=3).system
    G0 = np.array([[0.05, 0.1, 0.01], [0.2, 0.05, 0.0], [-0.2, 0.05, 0.0]])
    batch = run_flows(system, G0, k_start=1.0, k_stop=1e-2, method=method, rtol=1e-10, atol=1e-12)
    for i, g in enumerate(G0):
        ref = run_flow(system, g, k_start=1.0, k_stop=1e-2, rtol=1e-11, atol=1e-13)
        assert batch[i].status == ref.status
        assert batch[i].k_stop_reached == pytest.approx(ref.k_stop_reached, rel=1e-6)
        np.testing.assert_allclose(batch[i].couplings[:, -1], ref.couplings[:, -1], rtol=1e-6, atol=1e-9)


def test_breakpoints_are_stepped_onto_for_accuracy_and_cost():
    # the counting functions of data spectra jump at the mode sums; stepping onto them keeps every step smooth: at
    # rtol 1e-8 the flow agrees with LSODA at rtol 1e-12 to 1e-8, with a fraction of the evaluations, while stepping
    # across the jumps (the step-size control meeting them unannounced) costs more and errs more (1e-5 here)
    flow = _spectra_flow("auto")
    g0 = np.array([[1.0, -0.004, -0.01, -0.006, -0.003, -0.012]])
    kw = dict(k_start=1e-3, k_stop=1e2, rtol=1e-8, atol=1e-12)
    landed = run_flows(flow, g0, **kw)[0]
    ref = run_flow(flow, g0[0], k_start=1e-3, k_stop=1e2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(landed.couplings[:, -1], ref.couplings[:, -1], rtol=1e-8, atol=1e-12)

    class Across:  # the same flow without its breakpoints
        names, autonomous, vector_scales = flow.names, flow.autonomous, True
        dimensions, n_legs = flow.dimensions, flow.n_legs
        beta, beta_dimensionful, eta, validity = flow.beta, flow.beta_dimensionful, flow.eta, flow.validity
        to_dimensionless = flow.to_dimensionless

    across = run_flows(Across(), g0, **kw)[0]
    assert landed.status == across.status == "completed"
    err_landed = np.max(np.abs(landed.couplings[:, -1] / ref.couplings[:, -1] - 1))
    err_across = np.max(np.abs(across.couplings[:, -1] / ref.couplings[:, -1] - 1))
    assert err_landed < 1e-8 < err_across
    assert landed.nfev < across.nfev
    assert len(flow.breakpoints(math.log(1e-3), math.log(1e2))) > 10


def test_systems_without_scale_arrays_and_non_autonomous_flows():
    # dg/dt = -2 g + e^{-t}: g = e^{-t} from g(0) = 1; the hand-written system takes one t at a time
    batch = run_flows(NonAutonomous(), [[1.0], [1.0]], k_start=1.0, k_stop=np.exp(1.5), dimensionless=True)
    for member in batch:
        assert member.status == "completed"
        np.testing.assert_allclose(member.values[0], np.exp(-member.t), rtol=1e-6)


def test_lpa_prime_colour_symmetric_batch():
    system = tensor_preset(order=2, eta=True).system
    G0 = np.array([[0.05, 0.02], [0.1, 0.01]])
    batch = run_flows(system, G0, k_start=1.0, k_stop=1e-2, dimensionless=True, rtol=1e-10, atol=1e-12)
    for i in range(2):
        ref = run_flow(system, G0[i], k_start=1.0, k_stop=1e-2, dimensionless=True, rtol=1e-11, atol=1e-13)
        assert batch[i].status == ref.status
        np.testing.assert_allclose(batch[i].couplings[:, -1], ref.couplings[:, -1], rtol=1e-6)


@pytest.mark.parametrize("options", [dict(regulator="exponential", colours="lattice", cutoff=6),
                                     dict(regulator="exponential", colours="lattice", cutoff=6, eta=True)])
def test_batch_of_a_smooth_regulator_on_exact_sums(options):
    # smooth-regulator sums depend on the mass: a batch evaluates them member by member at its own scale, and agrees
    # with LSODA runs to the solver tolerance
    system = tensor_preset(order=2, **options).system
    G0 = np.array([[0.05, 0.002], [0.1, -0.001]])
    batch = run_flows(system, G0, k_start=6.0, k_stop=1.0, rtol=1e-9, atol=1e-12, n_points=5)
    for i in range(2):
        ref = run_flow(system, G0[i], k_start=6.0, k_stop=1.0, rtol=1e-11, atol=1e-14, n_points=5)
        assert batch[i].status == ref.status == "completed"
        np.testing.assert_allclose(batch[i].couplings[:, -1], ref.couplings[:, -1], rtol=1e-7, atol=1e-12)


def test_executor_gives_the_serial_numbers():
    flow = _spectra_flow("auto")
    rng = np.random.default_rng(5)
    G0 = np.column_stack([np.ones(8), rng.normal(0.0, 0.05, (8, 5))])
    kw = dict(k_start=1e-3, k_stop=1e2, rtol=1e-6, atol=1e-10, n_points=20)
    serial = run_flows(flow, G0, **kw)
    with ThreadPoolExecutor(2) as pool:
        parallel = run_flows(flow, G0, executor=pool, chunk_size=3, **kw)
    chunked = run_flows(flow, G0, chunk_size=5, **kw)
    for a, b, c in zip(serial, parallel, chunked):
        assert _same(a, b) and _same(a, c)


def test_batch_result_views_and_records():
    system = scalar_preset(dim=3, order=2).system
    batch = run_flows(system, [[0.1, 0.1], [-0.2, 0.05]], k_start=1.0, k_stop=1e-2, n_points=11)
    assert isinstance(batch, FlowBatch) and len(batch) == 2 and batch.success.tolist() == [True, False]
    grid = batch.on_grid()
    assert grid.shape == (2, 2, 11)
    assert np.all(np.isfinite(grid[0])) and np.isnan(grid[1, :, -1]).all() and np.isfinite(grid[1, :, 0]).all()
    np.testing.assert_allclose(batch.on_grid("dimensionless")[0], batch[0].dimensionless_couplings())
    assert set(batch.to_dict()) == {"members"} and batch.to_dict()["members"][1]["status"] == "pole"
    assert "1 completed, 1 pole" in repr(batch)
    assert {status for status, _ in REASONS.values()} == set(STATUSES)


def test_units_are_data_and_messages_are_built_from_fields():
    # the same stop said in absolute units and in units of a mass: the message follows the unit, not an edited text
    traj = FlowTrajectory(t=np.array([0.0, math.log(0.5)]), values=np.array([[1.0, 2.0]]), names=("g",),
                          reason="validity", violated="1 + g", dimensions=np.array([2.0]))
    assert traj.message == "the flow left the range of validity at k = 0.5: 1 + g crossed zero"
    in_m0 = FlowTrajectory(t=traj.t, values=traj.values, names=("g",), reason="validity", violated="1 + g",
                           dimensions=np.array([2.0]), unit=3.0, unit_name="m0")
    assert in_m0.message == "the flow left the range of validity at k/m0 = 0.5: 1 + g crossed zero"
    assert in_m0.k_stop_reached == pytest.approx(1.5) and in_m0.couplings[0, -1] == pytest.approx(2.0 * 9.0)
    np.testing.assert_allclose(in_m0.dimensionless_couplings(), in_m0.couplings / in_m0.k**2)
    with pytest.raises(InvalidArgumentError, match="reason"):
        FlowTrajectory(t=traj.t, values=traj.values, names=("g",), reason="stopped")


def test_flows_from_ir_data_in_a_batch_equal_one_at_a_time():
    flow = _spectra_flow("auto")
    irs = [{2: 1.0, "b2_1": -0.004, "b2_2": -0.01}, {2: 1.0, "b2_5": -0.02}]
    batch = run_from_ir_batch(flow, irs, k_ir=1e-3, k_uv=1e2, rtol=1e-8, atol=1e-12, n_points=30, source="draw")
    for member, ir in zip(batch, irs):
        alone = run_from_ir(flow, ir, k_ir=1e-3, k_uv=1e2, rtol=1e-10, atol=1e-13, n_points=30)
        assert member.source == "draw" and member.initial == alone.initial
        np.testing.assert_allclose(member.potential(2)[-1], alone.potential(2)[-1], rtol=1e-6)
        np.testing.assert_allclose(member.potential(4)[-1], alone.potential(4)[-1], rtol=1e-6)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(couplings0=[0.1, 0.1]), InvalidArgumentError, "shape"),
    (dict(couplings0=[[0.1, 0.1, 0.1]]), InvalidArgumentError, r"\(B, 2\)"),
    (dict(chunk_size=0), InvalidArgumentError, "chunk_size"),
    (dict(executor=object()), InvalidTypeError, "submit"),
    (dict(method="Euler"), InvalidArgumentError, "valid choices"),
])
def test_bad_input(kwargs, error, match):
    system = scalar_preset(dim=3, order=2).system
    options = dict(couplings0=[[0.1, 0.1]], k_start=1.0, k_stop=0.5) | kwargs
    with pytest.raises(error, match=match):
        run_flows(system, **options)


def test_old_names_warn_and_point_to_the_new_type():
    import tensornn.flow as flow_package
    import tensornn.flow.integrate as integrate_module
    import tensornn.flow.trajectory as trajectory_module

    for module, name in ((flow_package, "FlowResult"), (integrate_module, "FlowResult"),
                         (trajectory_module, "Trajectory")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert getattr(module, name) is FlowTrajectory
        assert any(issubclass(w.category, DeprecationWarning) and "FlowTrajectory" in str(w.message) for w in caught)
