"""Build the HTML book from the outputs stored in the notebooks, without executing anything.

For work on layout, CSS, page assets and the browser tests: seconds instead of minutes, and
several builds can run side by side (each into its own folder). ``make book`` stays the real build
(it executes every chapter).

Usage::

    python tools/build_stored.py [OUT]     # HTML in OUT/_build/html (default: _build/stored)

Then run the browser tests against it: ``SCALINGLAWS_HTML_DIR=OUT/_build/html pytest tests/browser``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    out = Path(argv[0]).resolve() if argv else REPO / "_build" / "stored"
    # Sphinx 7.4 does not overwrite a static file that is already in the output: start clean.
    shutil.rmtree(out / "_build" / "html" / "_static", ignore_errors=True)
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    # The config must sit in the book folder: local Sphinx extensions are found relative to it.
    fd, tmp = tempfile.mkstemp(prefix=".config-stored-", suffix=".yml", dir=REPO)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.safe_dump(config, fh, sort_keys=False)
        cmd = [
            str(Path(sys.executable).with_name("jupyter-book")),
            "build",
            "--all",
            "-W",
            "-n",
            "--keep-going",
            "--config",
            tmp,
            "--path-output",
            str(out),
            str(REPO),
        ]
        rc = subprocess.call(cmd)
    finally:
        Path(tmp).unlink(missing_ok=True)
    if rc == 0:
        print(f"build_stored: {out / '_build' / 'html' / 'index.html'}")
    return rc


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
