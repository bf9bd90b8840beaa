"""``--scheduler ADDRESS``: compare, ensemble and depth on a dask cluster give the serial run's numbers.

The cluster is a ``LocalCluster`` in this process (threads, ``processes=False``): the command connects to its
scheduler by address like to a remote one, and the scheduler's task stream shows that the work ran there.
"""

import json
import time

import pytest

from tensornn.cli.main import main

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        yield c, client


def _run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _without_metadata(text):
    document = json.loads(text)
    document.pop("metadata", None)
    return document


def _numbers(value):
    """A report without its clock readings (metadata, timings, runtime): everything else must be equal."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items() if k != "metadata" and "timings" not in k and k != "runtime_s"}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


ENSEMBLE = ["ensemble", "--activation", "gauss", "--widths", "3,5", "--inputs", "0.2,0.5,0.9", "--networks", "6144",
            "--block-size", "512", "--chunk-size", "1024", "--seed", "3", "--json", "-"]
DEPTH = ["depth", "--activation", "tanh", "--widths", "4", "--depth", "2", "--sigma-w", "1.2", "--networks", "4096",
         "--seed", "5", "--no-criticality", "--json", "-"]


@pytest.mark.parametrize("argv", [ENSEMBLE, DEPTH], ids=["ensemble", "depth"])
def test_the_cluster_gives_the_serial_numbers_bitwise(argv, cluster, capsys):
    local, client = cluster
    serial = _without_metadata(_run(argv, capsys))
    with distributed.get_task_stream(client) as stream:
        spread = _without_metadata(_run(argv + ["--scheduler", local.scheduler_address], capsys))
    assert spread == serial  # every float equal: JSON keeps float64 exactly (repr round trip)
    assert len(stream.data) >= 1  # the sampling ran as tasks on the cluster's workers


def test_a_scheduler_on_tcp_gives_the_serial_numbers(capsys):
    # the address a real `dask scheduler` prints (tcp://HOST:PORT): the port is probed, then the client connects
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  scheduler_kwargs={"protocol": "tcp", "dashboard_address": None}) as local:
        assert local.scheduler_address.startswith("tcp://")
        spread = _without_metadata(_run(ENSEMBLE + ["--scheduler", local.scheduler_address], capsys))
    assert spread == _without_metadata(_run(ENSEMBLE, capsys))


@pytest.mark.slow
def test_compare_on_the_cluster_gives_the_serial_report(cluster, tmp_path, capsys):
    local, client = cluster
    config = tmp_path / "small.toml"
    config.write_text('networks = ["cp"]\nn_networks = 8192\nn_groups = 32\nflow_points = 20\nfixed_point_starts = 2\n')
    reports = []
    for name, extra in (("serial", []), ("spread", ["--scheduler", local.scheduler_address])):
        _run(["compare", "--config", str(config), "--out", str(tmp_path / name), "--quiet", *extra], capsys)
        reports.append(_numbers(json.loads((tmp_path / name / "report.json").read_text())))
    assert reports[0] == reports[1]


@pytest.mark.parametrize("command", [ENSEMBLE, DEPTH, ["compare", "--out", "never-written"]],
                         ids=["ensemble", "depth", "compare"])
@pytest.mark.parametrize("address, reason", [
    ("tcp://127.0.0.1:1", "nothing listens on port 1"),
    ("no-such-host.invalid:8786", "is unknown"),
    ("tcp://host with spaces:8786", "not a scheduler address"),
])
def test_a_bad_or_unreachable_address_is_a_clean_error_within_seconds(command, address, reason, tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(command + ["--scheduler", address]) == 2  # refused before the client's retries (no timeout waited)
    err = capsys.readouterr().err
    assert "--scheduler" in err and reason in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "never-written").exists()


@pytest.mark.parametrize("workers", ["2", "1"])
@pytest.mark.parametrize("command", [ENSEMBLE, ["compare"]], ids=["ensemble", "compare"])
def test_scheduler_and_workers_exclude_each_other(command, workers, capsys):
    assert main(command + ["--workers", workers, "--scheduler", "tcp://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert "--scheduler" in err and "not allowed with argument --workers" in err


def test_a_silent_scheduler_is_given_up_after_the_timeout(monkeypatch):
    # something accepts the connection but never speaks dask: the client's own timeout ends the wait
    import socket

    from tensornn.cli import _scheduler
    from tensornn.errors import InvalidArgumentError

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        with pytest.raises(InvalidArgumentError, match=r"--scheduler: no dask scheduler answered at .* within 0.5 s"):
            _scheduler.cluster_executor(address, timeout=0.5)


def test_a_missing_dask_is_named_with_the_install(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    assert main(DEPTH + ["--scheduler", "tcp://127.0.0.1:8786"]) == 1
    assert "pip install 'tensornn[dask]'" in capsys.readouterr().err


def test_the_default_of_workers_is_still_an_int_in_the_recorded_configuration(capsys):
    # --workers' default is wrapped (to tell an explicit --workers 1 from the default); it records as 1
    document = json.loads(_run(ENSEMBLE, capsys))
    assert document["metadata"]["config"]["workers"] == 1


def test_an_interrupt_cancels_the_cluster_tasks_without_waiting(cluster):
    from tensornn.cli._scheduler import cluster_executor

    local, _ = cluster
    with pytest.raises(KeyboardInterrupt):
        with cluster_executor(local.scheduler_address) as executor:
            future = executor.submit(time.sleep, 2)
            raise KeyboardInterrupt
    assert future.cancelled() and executor.client.status == "closed"  # waiting would have let the task finish
