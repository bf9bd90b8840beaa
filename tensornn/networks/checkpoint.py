"""Checkpoints of :func:`tensornn.ensemble.sample_ensemble`: partial sums that survive an interruption.

A checkpoint is a ``.npz`` file holding the group sums, the group counts and the number of
completed blocks (always a prefix, since chunks are absorbed in block order), together with a
fingerprint of everything that determines the numbers and a sha256 checksum of the fingerprint and
the arrays. It is replaced atomically (a temporary file in the same folder, then :func:`os.replace`),
so it always holds one whole earlier state; a file that was truncated, damaged or altered afterwards
fails its checksum (or cannot be read) and is refused with a :class:`~tensornn.errors.ConfigError`
naming it, never used.
Resuming from it continues the block-ordered additions exactly where they stopped, which makes
the resumed sums bitwise equal to those of an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .._versions import versions
from ..errors import ConfigError
from ..report import atomic_write
from .streams import STREAM_VERSION

__all__ = ["fingerprint", "read_checkpoint", "write_checkpoint"]


_CHECKPOINT_VERSION = 1


def fingerprint(network, inputs, entropy, n_networks, block_size, n_groups, tuples, *, precision="float64",
                bit_generator="pcg64") -> dict:
    """What determines the numbers of a run (compared field by field when resuming): the stream version and the
    versions of Python, numpy and scipy (a numpy release may change its Generator streams)."""
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
        "stream_version": STREAM_VERSION,
        "precision": precision,
        "bit_generator": bit_generator,
        "versions": {k: v for k, v in versions().items() if k != "tensornn"},
    }


def _checksum(fingerprint_text: str, group_sums, group_counts, n_done_blocks) -> str:
    """sha256 over the fingerprint and the bytes of every stored array (their dtypes and shapes included)."""
    digest = hashlib.sha256(fingerprint_text.encode())
    for array in (np.asarray(group_sums, dtype=float), np.asarray(group_counts, dtype=np.int64),
                  np.asarray(n_done_blocks, dtype=np.int64)):
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def read_checkpoint(path: Path, fingerprint: dict):
    """(group_sums, group_counts, n_done_blocks) from ``path``, None if it does not exist.

    Raises
    ------
    ConfigError
        The file is not a readable checkpoint (truncated, corrupted, another format), its checksum does
        not match its data (it was altered), or it belongs to another configuration. The message names
        the file.
    """
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            text = str(data["fingerprint"])
            stored = json.loads(text)
            sums = np.array(data["group_sums"], dtype=float)
            counts = np.array(data["group_counts"], dtype=np.int64)
            done = int(data["n_done_blocks"])
            checksum = str(data["checksum"]) if "checksum" in data.files else None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ConfigError(
            f"checkpoint {path} is not a tensornn ensemble checkpoint, or it is truncated or corrupted "
            f"({type(exc).__name__}: {exc}); remove it or pass another path"
        ) from None
    if not isinstance(stored, dict):
        raise ConfigError(f"checkpoint {path} is not a tensornn ensemble checkpoint; remove it or pass another path")
    if checksum is None:
        raise ConfigError(
            f"checkpoint {path} has no checksum (written by an earlier tensornn), so its sums cannot be verified; "
            "remove it to sample afresh"
        )
    if checksum != _checksum(text, sums, counts, done):
        raise ConfigError(
            f"checkpoint {path} does not match its checksum: its data were altered or damaged after it was written; "
            "remove it to sample afresh"
        )
    stored.setdefault("stream_version", 1)  # written before stream versions were recorded
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

    text = json.dumps(fingerprint, sort_keys=True)
    group_sums = np.asarray(group_sums, dtype=float)
    group_counts = np.asarray(group_counts, dtype=np.int64)
    done = np.asarray(n_done_blocks, dtype=np.int64)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.savez(
                handle,
                fingerprint=np.array(text),
                group_sums=group_sums,
                group_counts=group_counts,
                n_done_blocks=done,
                checksum=np.array(_checksum(text, group_sums, group_counts, done)),
            )

    atomic_write(path, write)
