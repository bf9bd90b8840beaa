"""Break each protection once and check that a test catches it (docs/reliability.md).

For every entry the source line that implements a protection is replaced by a broken version,
the named test files are run, and the file is restored. Every line of output must read CAUGHT.

    python scripts/check_protections.py            # all of them (a few minutes)
    python scripts/check_protections.py "Gauss-net log space"
"""
import subprocess, sys, pathlib
ROOT = pathlib.Path(__file__).resolve().parents[1]
BREAKS = [
    (
        'CLI refuses abbreviations',
        'tensornn/cli/main.py',
        'kwargs["allow_abbrev"] = False',
        'pass',
        'tests/test_bad_input.py',
    ),
    (
        'resume skips completed blocks',
        'tensornn/networks/sampling.py',
        'group_sums, group_counts, first_block = state',
        'pass',
        'tests/test_checkpoint.py',
    ),
    (
        'fingerprint compared',
        'tensornn/networks/checkpoint.py',
        'if stored.get(key) != value',
        'if False',
        'tests/test_checkpoint.py',
    ),
    (
        'atomic checkpoint write',
        'tensornn/networks/checkpoint.py',
        '    atomic_write(path, write)',
        '    write(path)',
        'tests/test_checkpoint.py',
    ),
    (
        'checkpoint needs seed',
        'tensornn/networks/sampling.py',
        'if checkpoint is not None and seed is None:',
        'if False:',
        'tests/test_checkpoint.py tests/test_bad_input.py',
    ),
    (
        'checkpoint written after each chunk',
        'tensornn/networks/sampling.py',
        '            _write_checkpoint(checkpoint, fingerprint, group_sums, group_counts, chunk[-1] + 1)',
        '            pass',
        'tests/test_checkpoint.py',
    ),
    (
        'CLI atomic JSON',
        'tensornn/cli/ensemble.py',
        'write_text(args.json, dumps_json({"metadata": meta, "rows": rows}, indent=1))',
        'Path(args.json).write_text(dumps_json({"metadata": meta, "rows": rows}, indent=1))',
        'tests/test_cli_reliability.py',
    ),
    (
        'CLI atomic CSV',
        'tensornn/cli/ensemble.py',
        'write_text(args.csv, buffer.getvalue())',
        'Path(args.csv).write_text(buffer.getvalue())',
        'tests/test_cli_reliability.py',
    ),
    (
        'CLI passes --checkpoint',
        'tensornn/cli/ensemble.py',
        'checkpoint=_checkpoint(args, width),',
        'checkpoint=None,',
        'tests/test_cli_reliability.py',
    ),
    (
        'CLI config metadata',
        'tensornn/cli/ensemble.py',
        '"inputs": np.asarray(x, dtype=float).tolist(),',
        '',
        'tests/test_cli_reliability.py',
    ),
    (
        'order check two/four/six_point',
        'tensornn/correlators/estimators.py',
        '    idx = _indices(indices)\n    if len(idx) != order:',
        '    idx = _indices(indices)\n    if False:',
        'tests/test_bad_input.py',
    ),
    (
        'index range in measure',
        'tensornn/correlators/estimators.py',
        '    if min(idx) < 0 or max(idx) >= n_inputs:',
        '    if False:',
        'tests/test_bad_input.py',
    ),
    (
        'pairings n >= 0',
        'tensornn/correlators/wick.py',
        'if isinstance(n, bool) or not isinstance(n, int) or n < 0:',
        'if False:',
        'tests/test_bad_input.py',
    ),
    (
        'tuple_weight pi check',
        'tensornn/structured/cumulants.py',
        '    pi = _check_pi(pi)\n',
        '',
        'tests/test_bad_input.py',
    ),
    (
        'hermite_trace sizes',
        'tensornn/structured/content.py',
        'index_sizes = tuple(check_int(f"index_sizes[{c}]", n, minimum=1) for c, n in enumerate(index_sizes))',
        'pass',
        'tests/test_bad_input.py',
    ),
    (
        'litim_volume dim',
        'tensornn/flow/potential.py',
        '    dim = check_real("dim", dim, positive=True)\n',
        '',
        'tests/test_bad_input.py',
    ),
    (
        'kernel overflow warning',
        'tensornn/networks/kernels.py',
        '    if np.any(bad):',
        '    if False:',
        'tests/test_extreme.py',
    ),
    (
        'measure overflow warning',
        'tensornn/correlators/estimators.py',
        '    if warn and not moments.success:',
        '    if False:',
        'tests/test_extreme.py',
    ),
    (
        'estimate success',
        'tensornn/correlators/estimators.py',
        'return bool(np.isfinite(self.value))',
        'return True',
        'tests/test_extreme.py',
    ),
    (
        'Gauss-net log space',
        'tensornn/networks/scalar.py',
        '            z -= self.sigma_b**2 + self.sigma_w**2 * np.einsum("pi,pi->p", x, x) / d_in\n        h = activation(z)',
        '            pass\n        h = activation(z)\n        if activation.normalised:\n'
        '            h = h / np.exp(self.sigma_b**2 + self.sigma_w**2 * np.einsum("pi,pi->p", x, x) / d_in)',
        'tests/test_extreme.py',
    ),
    (
        'health: conditioning flag',
        'tensornn/flow/health.py',
        '    if not cond <= max_condition:',
        '    if False:',
        'tests/test_flow_health.py',
    ),
    (
        'health: residual recomputed',
        'tensornn/flow/health.py',
        '    if system is not None:\n        with',
        '    if False:\n        with',
        'tests/test_flow_health.py',
    ),
    (
        'health: convergence flag',
        'tensornn/flow/health.py',
        '        if not dnu[-1] <= tol:',
        '        if False:',
        'tests/test_flow_health.py',
    ),
    (
        'health: flow status flag',
        'tensornn/flow/health.py',
        '    if not result.success:',
        '    if False:',
        'tests/test_flow_health.py',
    ),
    (
        'flow validity pole',
        'tensornn/flow/integrate.py',
        '    if np.any(~(v0 > 0)):',
        '    if False:',
        'tests/test_extreme.py',
    ),
    (
        'flow blow-up bound',
        'tensornn/flow/integrate.py',
        'if not np.all(np.isfinite(y)) or np.max(np.abs(y)) >= blowup:',
        'if not np.all(np.isfinite(y)):',
        'tests/test_extreme.py',
    ),
    (
        'report marker required for overwrite',
        'tensornn/_claims.py',
        '    marker = read_marker(folder)\n    if marker is None:',
        '    marker = read_marker(folder) or {"files": entries}\n    if False:',
        'tests/test_outputs.py',
    ),
    (
        'foreign files in a report refused',
        'tensornn/_claims.py',
        '    if foreign:',
        '    if False:',
        'tests/test_outputs.py tests/test_bad_input.py',
    ),
    (
        'a regular file is not a report folder',
        'tensornn/_claims.py',
        '    if not folder.is_dir():',
        '    if False:',
        'tests/test_bad_input.py',
    ),
    (
        'exclusive claim',
        'tensornn/_claims.py',
        '                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)',
        '                pass',
        'tests/test_outputs.py',
    ),
    (
        'recorded temporaries removed',
        'tensornn/_claims.py',
        '            _remove_recorded(self.path, self.kind, self._stale)',
        '            pass',
        'tests/test_outputs.py',
    ),
    (
        'files follow the umask',
        'tensornn/report.py',
        'os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))',
        'os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))',
        'tests/test_outputs.py',
    ),
    (
        'devices written directly',
        'tensornn/report.py',
        '    if _claims.is_special(target):\n        writer(target)',
        '    if False:\n        writer(target)',
        'tests/test_outputs.py',
    ),
    (
        'checkpoint checksum',
        'tensornn/networks/checkpoint.py',
        '    if checksum != _checksum(text, sums, counts, done):',
        '    if False:',
        'tests/test_bad_input.py',
    ),
    (
        'underflow flag',
        'tensornn/correlators/estimators.py',
        '    if underflowed:\n        flags.insert(0, "underflow")',
        '    if False:\n        flags.insert(0, "underflow")',
        'tests/test_cli_manners.py',
    ),
    (
        'undefined deviation',
        'tensornn/correlators/estimators.py',
        '    if gp == 0.0 or not math.isfinite(gp):',
        '    if False:',
        'tests/test_correlators.py',
    ),
    (
        'scale bound',
        'tensornn/_checks.py',
        '    if value > MAX_SCALE:',
        '    if False:',
        'tests/test_bad_input.py',
    ),
    (
        'count bound',
        'tensornn/_checks.py',
        '    if value > MAX_COUNT:',
        '    if False:',
        'tests/test_bad_input.py',
    ),
    (
        'sampling memory bound',
        'tensornn/_limits.py',
        '    if needed > MAX_TASK_BYTES:',
        '    if False:',
        'tests/test_bad_input.py -k memory-width',  # the case whose first allocation fails at once
    ),
    (
        'text is not a number',
        'tensornn/_checks.py',
        '        if raw.dtype.kind in "USc" or (raw.dtype.kind == "O" and any(',
        '        if False and (raw.dtype.kind == "O" and any(',
        'tests/test_bad_input.py',
    ),
    (
        'input variance bound',
        'tensornn/networks/kernels.py',
        '    if np.any(too_large):',
        '    if False:',
        'tests/test_bad_input.py',
    ),
    (
        'few jackknife groups warn',
        'tensornn/correlators/estimators.py',
        '    if moments.n_groups < MIN_GROUPS:',
        '    if False:',
        'tests/test_unreliable_errors.py',
    ),
    (
        'broken pipe is quiet',
        'tensornn/cli/main.py',
        '    except BrokenPipeError:',
        '    except ZeroDivisionError:',
        'tests/test_cli_manners.py',
    ),
    (
        'negative numbers are values',
        'tensornn/cli/main.py',
        '        self._negative_number_matcher = _NEGATIVE_NUMBER',
        '        pass',
        'tests/test_cli_manners.py',
    ),
    (
        'exit 1 says why',
        'tensornn/cli/_common.py',
        '    print(f"tensornn: {reason}", file=sys.stderr, flush=True)',
        '    pass',
        'tests/test_cli_manners.py',
    ),
    (
        'flow overflow is a status',
        'tensornn/flow/integrate.py',
        '    except (OverflowError, ZeroDivisionError):  # powers of k beyond float64 (e.g. k_start = 1e300)',
        '    except KeyError:',
        'tests/test_cli_manners.py',
    ),
]
only = sys.argv[1:]
for name, f, old, new, tests in BREAKS:
    if only and name not in only: continue
    p = ROOT / f
    text = p.read_text()
    assert text.count(old) == 1, (name, text.count(old))
    p.write_text(text.replace(old, new))
    try:
        r = subprocess.run(f"timeout 300 python -m pytest -q -x -p no:cacheprovider {tests}", shell=True, cwd=ROOT, capture_output=True, text=True)
        last = [l for l in r.stdout.splitlines() if l.strip()][-1] if r.stdout.strip() else r.stderr[-200:]
        print(("CAUGHT " if r.returncode != 0 else "MISSED ") + name + " :: " + last, flush=True)
    finally:
        p.write_text(text)
