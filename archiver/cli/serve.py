"""``archiver serve``: Datasette over the archive, on loopback, read-only.

Datasette is an optional extra (``pip install 'gov-archiver[serve]'``) and is
imported only here, when serving.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from archiver.errors import ArchiverError
from archiver.store.datasette import build_metadata

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # an archive browser for the operator, not a public server


def make_app(path: str | Path) -> Any:
    """The Datasette ASGI app for one archive file, with our metadata."""
    path = Path(path)
    if not path.exists():
        raise ArchiverError(f"no archive at {path}")
    try:
        from datasette.app import Datasette
    except ImportError as exc:
        raise ArchiverError("archiver serve needs Datasette: pip install 'gov-archiver[serve]'") from exc
    register_plugin()
    # Datasette opens mutable files with mode=ro for its read connections.
    return Datasette([str(path)], metadata=build_metadata(path.stem)).app()


def register_plugin() -> None:
    """Make sure our plugin is loaded: the entry point registers it at Datasette's import,
    except where Datasette skips entry points (its own test mode) or the package metadata
    is stale."""
    from datasette.plugins import pm

    from archiver.store import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="archiver.store.datasette_plugin")


def serve(path: str | Path, port: int = 8001) -> None:
    """Serve the archive on http://127.0.0.1:PORT until interrupted."""
    app = make_app(path)
    import uvicorn  # a Datasette dependency

    log.info("serving %s on http://%s:%d", path, HOST, port)
    uvicorn.run(app, host=HOST, port=port, log_level="warning")
