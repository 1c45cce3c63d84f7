"""Indexing on a Dask distributed cluster (the optional `cluster` extra).

The per-document work is a pure function of a file's path and bytes (phase 1) or of a stored
document (phase 2), so it runs unchanged on Dask workers: this process reads the files, ships
their bytes, and writes what comes back into the local store as a local run does. Dask does the
scheduling, retries and worker management; nothing here schedules.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor

from reader.store.index import model

CONNECT_SECONDS = 10


class ClusterError(RuntimeError):
    """The cluster cannot be used: the extra is missing, no scheduler, or other code there."""


@contextlib.contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """A `concurrent.futures.Executor` on the Dask scheduler at `address` (tcp://host:8786).

    Raises ClusterError when `distributed` is not installed, the scheduler cannot be reached,
    or its workers run another version of the processing (their results would differ).
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise ClusterError(
            "--cluster needs the cluster extra: pip install 'corpus-reader[cluster]'"
        ) from exc
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    try:
        check_workers(client)
        executor = client.get_executor(pure=False)
        try:
            yield executor
        finally:
            executor.shutdown(wait=False)
    finally:
        client.close()


def check_workers(client: object) -> None:
    """Refuse workers whose processing differs from this process's (`pipeline_version`)."""
    mine = model.pipeline_version()
    try:
        theirs = client.run(model.pipeline_version)  # type: ignore[attr-defined]
    except Exception as exc:  # e.g. `reader` is not installed on the workers
        raise ClusterError(f"the cluster's workers cannot run corpus-reader: {exc}") from exc
    if not theirs:
        raise ClusterError("the cluster has no workers")
    other = sorted(addr for addr, version in theirs.items() if version != mine)
    if other:
        raise ClusterError(
            f"{len(other)} worker(s) run another version of corpus-reader (first: {other[0]}); "
            "install the same version there"
        )
