"""One run per site at a time: an advisory lock file beside the archive.

``fcntl.flock`` is released by the kernel when the process dies, even by
SIGKILL, so a crashed run never leaves a stale lock behind (a pid file would).
"""
from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archiver.errors import ArchiverError


class LockedError(ArchiverError):
    """Another run of the same site holds the lock."""


def lock_path(db: str | Path, site: str) -> Path:
    """Beside the real file: two runs reaching one archive through a symlink (or a relative
    and an absolute path) must take the same lock."""
    safe = re.sub(r"[^\w.-]+", "_", site)
    return Path(f"{Path(db).resolve()}.{safe}.lock")


@contextmanager
def site_lock(db: str | Path, site: str) -> Iterator[Path]:
    """Hold the site's lock for the block, or raise LockedError at once."""
    path = lock_path(db, site)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise LockedError(f"another run of {site} is in progress (pid {holder}); "
                              f"lock {path}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield path
    finally:
        os.close(fd)   # closing the descriptor releases the lock
