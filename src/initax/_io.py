"""Stream an ensemble to disk chunk by chunk, so it may be larger than memory."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from initax import _ensemble, _network
from initax._progress import Progress


def leaf_names(tree: dict) -> list[tuple[str, Any]]:
    """``("W1", leaf)`` or ``("params/Dense_0/kernel", leaf)`` pairs in tree order."""
    out: list[tuple[str, Any]] = []
    for name, value in tree.items():  # insertion order: W1, b1, W2, b2, ...
        if isinstance(value, dict):
            out += [(f"{name}/{sub}", leaf) for sub, leaf in leaf_names(value)]
        else:
            out.append((name, value))
    return out


def save_ensemble(
    path: str | os.PathLike,
    key: jax.Array,
    n: int,
    layers_dims: Sequence[int],
    scheme: Any = "he",
    *,
    chunk_size: int | None = None,
    progress: bool | None = None,
    **init_kwargs: Any,
) -> Path:
    """Generate ``ensemble(key, n, ...)`` in chunks and write it to ``path``.

    Only one chunk of members is in memory at a time; the values equal
    :func:`initax.ensemble` with the same arguments, bit for bit.

    Args:
      path: ``*.npz`` (one zip of ``.npy`` entries named like ``W1`` or
        ``params/Dense_0/kernel``) or a directory that receives one ``.npy`` per
        leaf (``/`` in names becomes ``.``), loadable with ``np.load(mmap_mode="r")``.
      key: a PRNG key.
      n: number of members.
      layers_dims: layer sizes.
      scheme: as for :func:`initax.init`.
      chunk_size: members per chunk (None: as :func:`initax._ensemble.auto_chunk`).
      progress: draw a progress bar (None: when stderr is a terminal).
      **init_kwargs: ``bias``, ``layout``, ``dtype``.

    Returns:
      The path written.
    """
    key, schemes, biases, plan, n, chunk = _ensemble.prepare(
        key, n, layers_dims, scheme, chunk_size, init_kwargs
    )
    keys = jax.random.split(key, n)
    path = Path(path)
    as_npz = path.suffix == ".npz"
    workdir = Path(tempfile.mkdtemp(dir=path.parent)) if as_npz else path
    workdir.mkdir(parents=True, exist_ok=True)
    # Plain file writes, not memory maps: written pages go to the page cache, so
    # the process holds one chunk at a time (a memory map would count every
    # written page as resident).
    files: dict[str, tuple[Any, int, int]] = {}  # name -> (file, data offset, bytes per member)
    names: list[str] = []
    try:
        with Progress(n, f"writing {path.name}", enabled=progress) as bar:
            for start in range(0, n, chunk):
                stop = min(n, start + chunk)
                k = keys[start:stop]
                if stop - start < chunk:  # pad the last chunk: one compiled program
                    k = jnp.concatenate([k, jnp.repeat(k[-1:], chunk - (stop - start))])
                out = _ensemble._ensemble_jit(k, schemes, biases, plan, chunk)
                for name, leaf in leaf_names(_network.assemble(out, plan, lead=1)):
                    if name not in files:
                        names.append(name)
                        f = open(workdir / (name.replace("/", ".") + ".npy"), "wb")  # noqa: SIM115
                        header = {"descr": np.lib.format.dtype_to_descr(np.dtype(leaf.dtype)),
                                  "fortran_order": False, "shape": (n, *leaf.shape[1:])}
                        np.lib.format.write_array_header_2_0(f, header)
                        row = int(np.dtype(leaf.dtype).itemsize * np.prod(leaf.shape[1:]))
                        files[name] = (f, f.tell(), row)
                    f, offset, row = files[name]
                    f.seek(offset + start * row)
                    np.ascontiguousarray(np.asarray(leaf[: stop - start])).tofile(f)
                del out
                bar.update(stop - start)
        for f, _, _ in files.values():
            f.close()
        if as_npz:
            with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
                for name in names:
                    zf.write(workdir / (name.replace("/", ".") + ".npy"), arcname=name + ".npy")
    finally:
        for f, _, _ in files.values():
            f.close()
        if as_npz:
            shutil.rmtree(workdir, ignore_errors=True)
    return path
