"""``--scheduler ADDRESS``: run a command's sampling blocks (and flow batches) on a dask.distributed cluster.

``compare``, ``ensemble`` and ``depth`` take an executor through the API; this option hands them a cluster's
(:func:`cluster_executor`), so that the work runs wherever the scheduler's workers are. The numbers are bitwise
those of the serial run: every task draws from its own seeded stream and the results are combined in a fixed order
(docs/distributed.md). ``--workers N`` keeps its meaning (N local processes); the two options exclude each other.

A command module adds the option with :func:`add_scheduler_option` (right after its ``--workers``, if it has one)
and, when ``args.scheduler`` is set, passes ``cluster_executor(args.scheduler)`` as its executor; the executor is
a context manager: leaving the block closes the connection to the cluster, and an interrupt (or any error) cancels
the pending tasks without waiting for them.
"""

from __future__ import annotations

import re
from concurrent.futures import Executor

from ..errors import InvalidArgumentError, MissingDependencyError

__all__ = ["SCHEDULER_TIMEOUT", "add_scheduler_option", "cluster_executor", "ClusterExecutor"]

#: Seconds to wait for the scheduler before giving up (a bad or unreachable address fails within this).
SCHEDULER_TIMEOUT = 4.0

#: The port of ``dask scheduler`` when the address names none.
DEFAULT_PORT = 8786

#: An address the dask client understands: ``tcp://host:port`` (or another protocol), or ``host:port``.
_ADDRESS = re.compile(r"^(?:(tcp|tls|inproc|ucx|ws|wss)://)?[^\s/:]+(?::\d+)?(?:/[^\s]*)?$")


class _UnsetWorkers(int):
    """The default of ``--workers``, as an object of its own: argparse then sees any explicit value, even the
    default's, as given (it compares by identity), so ``--workers 1 --scheduler ...`` is refused too."""


def add_scheduler_option(parser) -> None:
    """Add ``--scheduler ADDRESS``, mutually exclusive with the parser's ``--workers`` (if it has one)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="run the sampling blocks and flow batches on the dask.distributed cluster whose scheduler "
                            "listens at ADDRESS (tcp://HOST:8786); the numbers are those of the serial run; "
                            "excludes --workers (see docs/distributed.md)")
    workers = parser._option_string_actions.get("--workers")
    if workers is not None:
        if isinstance(workers.default, int) and not isinstance(workers.default, bool):
            workers.default = _UnsetWorkers(workers.default)
        group._group_actions.append(workers)  # argparse's own check: "not allowed with argument --workers"


class ClusterExecutor(Executor):
    """The executor of a dask.distributed client; ``shutdown`` also closes the client."""

    def __init__(self, client):
        self.client = client
        self._executor = client.get_executor()

    def submit(self, fn, /, *args, **kwargs):  # noqa: D102 - concurrent.futures API
        return self._executor.submit(fn, *args, **kwargs)

    def map(self, fn, *iterables, timeout=None, chunksize=1):  # noqa: D102 - concurrent.futures API
        return self._executor.map(fn, *iterables, timeout=timeout)

    def shutdown(self, wait=True, *, cancel_futures=False):  # noqa: D102 - concurrent.futures API
        try:
            self._executor.shutdown(wait=wait and not cancel_futures)
        finally:
            self.client.close()

    def __exit__(self, exc_type, exc_value, traceback):
        """Leave the block: wait for the tasks when it ended normally, cancel them after an error or Ctrl-C."""
        self.shutdown(wait=exc_type is None)
        return False


def cluster_executor(address: str, *, timeout: float | None = None) -> Executor:
    """Connect to the dask scheduler at ``address`` and return its executor (``--scheduler``).

    Raises
    ------
    MissingDependencyError
        dask.distributed is not installed.
    InvalidArgumentError
        The address is malformed, or no scheduler answers there within ``timeout`` seconds
        (:data:`SCHEDULER_TIMEOUT`).
    """
    address = str(address).strip()
    if not _ADDRESS.match(address):
        raise InvalidArgumentError(
            f"--scheduler: {address!r} is not a scheduler address; expected tcp://HOST:PORT (or HOST:PORT), as printed "
            "by `dask scheduler`")
    try:
        from distributed import Client
    except ImportError:
        raise MissingDependencyError(
            "--scheduler needs dask.distributed, which is not installed: pip install 'tensornn[dask]'") from None
    timeout = SCHEDULER_TIMEOUT if timeout is None else timeout
    _probe(address, timeout)
    client = Client.__new__(Client)  # kept by name, so that a failed client can be closed here and not at exit
    try:
        client.__init__(address, timeout=timeout, set_as_default=False)  # type: ignore[misc]
    except Exception as exc:  # noqa: BLE001 - whatever answered is not a usable scheduler: one line, not a traceback
        _discard(client)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        timed_out = isinstance(exc, (OSError, TimeoutError))
        what = (f"no dask scheduler answered at {address} within {timeout:g} s" if timed_out
                else f"what answers at {address} is not a dask scheduler")
        raise InvalidArgumentError(
            f"--scheduler: {what} ({reason}); start one (`dask scheduler`, then `dask worker ADDRESS` on the compute "
            "nodes) or check the address") from None
    return ClusterExecutor(client)


def _discard(client) -> None:
    """Close a client that failed to connect, quickly, and mark it closed (its finaliser would wait 2 x timeout)."""
    import contextlib

    with contextlib.suppress(Exception):
        client.close(timeout=1)
    with contextlib.suppress(Exception):
        client.status = "closed"
        client._loop_runner.stop()


def _probe(address: str, timeout: float) -> None:
    """For a TCP address: fail fast, with the reason, when nothing accepts connections there.

    The dask client retries until its timeout whatever the failure, waits without end on a port that accepts
    connections but never answers, and spends another 10 s closing when it failed; a plain socket says at once
    that a host is unknown or a port closed, and within the timeout that an open port is silent (a dask
    scheduler sends its handshake as soon as it accepts).
    """
    import socket

    match = re.match(r"^(?:tcp://)?(\[[^\]]+\]|[^\s/:]+)(?::(\d+))?$", address)
    if match is None:  # another protocol (tls, inproc, ...): the client alone decides
        return
    host, port = match.group(1).strip("[]"), int(match.group(2) or DEFAULT_PORT)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            try:  # a dask scheduler speaks first (its handshake); a port that stays silent is not one
                first = sock.recv(1)
            except (TimeoutError, socket.timeout):
                first = None
            if not first:
                silent = "sent nothing" if first is None else "closed the connection"
                raise InvalidArgumentError(
                    f"--scheduler: no dask scheduler answered at {address} within {timeout:g} s ({host}:{port} accepts "
                    f"connections but {silent}); check the address and port (`dask scheduler` prints them)")
    except socket.gaierror:
        reason = f"the host {host!r} is unknown"
    except ConnectionRefusedError:
        reason = f"nothing listens on port {port} of {host}"
    except (TimeoutError, socket.timeout):
        reason = f"no answer from {host}:{port} within {timeout:g} s"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    else:
        return
    raise InvalidArgumentError(
        f"--scheduler: cannot reach a dask scheduler at {address}: {reason}; start one (`dask scheduler`, then "
        "`dask worker ADDRESS` on the compute nodes) or check the address")
