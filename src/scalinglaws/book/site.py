"""The built book as a site: its pages in table-of-contents order and a local server for it.

Shared by the tools that read the built HTML (``tools/make_pdf.py``, ``tools/measure_pages.py``) and the
browser tests (``tests/browser``), so the page order and the way a build is served are defined once.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

__all__ = ["toc_files", "QuietHandler", "serve"]


def toc_files(toc_path: Path) -> list[str]:
    """Document paths (no suffix) of the root and every ``file:`` entry of ``_toc.yml``, in order."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    files: list[str] = [toc["root"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return [re.sub(r"\.(md|ipynb|rst)$", "", f).strip("/") for f in files]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that logs nothing."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` from 127.0.0.1 on a free port; yield its base URL (ending in ``/``)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
