"""Checkpoints of :func:`tensornn.ensemble.sample_ensemble`: partial sums that survive an interruption.

A checkpoint is a ``.npz`` file holding the group sums, the group counts and the number of
completed blocks (always a prefix, since chunks are absorbed in block order), together with a
fingerprint of everything that determines the numbers. It is replaced atomically (a temporary
file in the same folder, then :func:`os.replace`), so it always holds one whole earlier state.
Resuming from it continues the block-ordered additions exactly where they stopped, which makes
the resumed sums bitwise equal to those of an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..report import atomic_write

__all__ = ["fingerprint", "read_checkpoint", "write_checkpoint"]


_CHECKPOINT_VERSION = 1


def fingerprint(network, inputs, entropy, n_networks, block_size, n_groups, tuples) -> dict:
    """What determines the numbers of a run (compared field by field when resuming)."""
    digest = hashlib.sha256(np.ascontiguousarray(inputs, dtype=float).tobytes()).hexdigest()
    tuples_digest = hashlib.sha256(repr(tuple(tuples)).encode()).hexdigest()
    return {
        "checkpoint_version": _CHECKPOINT_VERSION,
        "network": repr(network),
        "inputs": f"shape {tuple(inputs.shape)}, sha256 {digest[:16]}",
        "entropy": str(entropy),
        "n_networks": int(n_networks),
        "block_size": int(block_size),
        "n_groups": int(n_groups),
        "tuples": f"{len(tuples)} statistics, sha256 {tuples_digest[:16]}",
    }


def read_checkpoint(path: Path, fingerprint: dict):
    """(group_sums, group_counts, n_done_blocks) from ``path``, None if it does not exist."""
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            stored = json.loads(str(data["fingerprint"]))
            sums = np.array(data["group_sums"], dtype=float)
            counts = np.array(data["group_counts"], dtype=np.int64)
            done = int(data["n_done_blocks"])
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"checkpoint {path} is not a tensornn ensemble checkpoint ({exc}); remove it or pass another path"
        ) from None
    differs = [
        f"{key}: checkpoint has {stored.get(key)!r}, this run has {value!r}"
        for key, value in fingerprint.items()
        if stored.get(key) != value
    ]
    if differs:
        raise ConfigError(
            f"checkpoint {path} belongs to another configuration ({'; '.join(differs)}); "
            "rerun with the same settings or remove the checkpoint"
        )
    if sums.shape != (fingerprint["n_groups"], sums.shape[1]) or counts.shape != (fingerprint["n_groups"],):
        raise ConfigError(f"checkpoint {path} has arrays of the wrong shape; remove it")
    return sums, counts, done


def write_checkpoint(path: Path, fingerprint: dict, group_sums, group_counts, n_done_blocks: int) -> None:
    """Write the partial sums atomically (:func:`tensornn.report.atomic_write`)."""

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.savez(
                handle,
                fingerprint=np.array(json.dumps(fingerprint, sort_keys=True)),
                group_sums=group_sums,
                group_counts=group_counts,
                n_done_blocks=np.array(n_done_blocks),
            )

    atomic_write(path, write)
