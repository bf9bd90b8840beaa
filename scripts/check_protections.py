"""Break each protection once and check that a test catches it (docs/reliability.md).

For every entry the source line that implements a protection is replaced by a broken version,
the named test files are run, and the file is restored. Every line of output must read CAUGHT.

    python scripts/check_protections.py            # all of them (about 90 seconds)
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
        'tensornn/ensemble.py',
        'group_sums, group_counts, first_block = state',
        'pass',
        'tests/test_checkpoint.py',
    ),
    (
        'fingerprint compared',
        'tensornn/checkpoint.py',
        'if stored.get(key) != value',
        'if False',
        'tests/test_checkpoint.py',
    ),
    (
        'atomic checkpoint write',
        'tensornn/checkpoint.py',
        '    atomic_write(path, write)',
        '    write(path)',
        'tests/test_checkpoint.py',
    ),
    (
        'checkpoint needs seed',
        'tensornn/ensemble.py',
        'if checkpoint is not None and seed is None:',
        'if False:',
        'tests/test_checkpoint.py tests/test_bad_input.py',
    ),
    (
        'checkpoint written after each chunk',
        'tensornn/ensemble.py',
        '            _write_checkpoint(checkpoint, fingerprint, group_sums, group_counts, chunk[-1] + 1)',
        '            pass',
        'tests/test_checkpoint.py',
    ),
    (
        'CLI atomic JSON',
        'tensornn/cli/ensemble.py',
        'atomic_write_text(args.json, dumps_json({"metadata": meta, "rows": rows}, indent=1))',
        'args.json.write_text(dumps_json({"metadata": meta, "rows": rows}, indent=1))',
        'tests/test_cli_reliability.py',
    ),
    (
        'CLI atomic CSV',
        'tensornn/cli/ensemble.py',
        'atomic_write_text(args.csv, buffer.getvalue())',
        'args.csv.write_text(buffer.getvalue())',
        'tests/test_cli_reliability.py',
    ),
    (
        'CLI passes --checkpoint',
        'tensornn/cli/ensemble.py',
        'checkpoint=None if args.checkpoint is None else args.checkpoint / f"width-{width}.npz",',
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
        'tensornn/correlators.py',
        '    idx = _indices(indices)\n    if len(idx) != order:',
        '    idx = _indices(indices)\n    if False:',
        'tests/test_bad_input.py',
    ),
    (
        'index range in measure',
        'tensornn/correlators.py',
        '    if min(idx) < 0 or max(idx) >= n_inputs:',
        '    if False:',
        'tests/test_bad_input.py',
    ),
    (
        'pairings n >= 0',
        'tensornn/correlators.py',
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
        'tensornn/kernels.py',
        '    if np.any(bad):',
        '    if False:',
        'tests/test_extreme.py',
    ),
    (
        'measure overflow warning',
        'tensornn/correlators.py',
        '    if warn and not moments.success:',
        '    if False:',
        'tests/test_extreme.py',
    ),
    (
        'estimate success',
        'tensornn/correlators.py',
        'return bool(np.isfinite(self.value))',
        'return True',
        'tests/test_extreme.py',
    ),
    (
        'Gauss-net log space',
        'tensornn/networks.py',
        '    z -= sigma_b**2 + sigma_w**2 * x_norm2 / d_in\n    with np.errstate(under="ignore"):\n        return np.exp(z, out=z)',
        '    return np.exp(z) / np.exp(sigma_b**2 + sigma_w**2 * x_norm2 / d_in)',
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
