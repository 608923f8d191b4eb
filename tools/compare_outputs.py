"""Compare what a notebook shows before and after a change: glued values, charts, tables, printed text.

    python tools/compare_outputs.py chapters/01_power_laws.ipynb [--rev HEAD]

Reads the notebook at git revision ``--rev`` and in the working tree and reports every glued name whose value
changed, appeared or disappeared, and every chart (by its content id), HTML table and printed text that is
present in one version and not the other (as multisets: moving an output to another cell is not a change).
Exit status 1 when anything differs. Used to check that a refactoring keeps every number and chart the same.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
from pathlib import Path


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def summary(nb: dict) -> tuple[dict[str, str], collections.Counter]:
    glued: dict[str, str] = {}
    shown: collections.Counter = collections.Counter()
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                glued[name] = _text(data.get("application/papermill.record/text/plain", data))
                continue
            if out["output_type"] == "stream":
                shown["text: " + _text(out["text"]).strip()] += 1
            elif "text/html" in data:
                html = _text(data["text/html"])
                chart = re.search(r'data-sl-id="([0-9a-f]+)"', html)
                shown[f"chart {chart.group(1)}" if chart else "html: " + html.strip()] += 1
            elif "text/markdown" in data:
                shown["markdown: " + _text(data["text/markdown"]).strip()] += 1
            elif "text/plain" in data:
                shown["display: " + _text(data["text/plain"]).strip()] += 1
    return glued, shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--rev", default="HEAD")
    args = parser.parse_args(argv)
    old_text = subprocess.run(
        ["git", "show", f"{args.rev}:{args.notebook.as_posix()}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    old_glue, old_shown = summary(json.loads(old_text))
    new_glue, new_shown = summary(json.loads(args.notebook.read_text(encoding="utf-8")))
    problems = 0
    for name in sorted(set(old_glue) | set(new_glue)):
        before, after = old_glue.get(name), new_glue.get(name)
        if before != after:
            problems += 1
            print(f"glue {name}: {before!r} -> {after!r}")
    for item in sorted((old_shown - new_shown).elements()):
        problems += 1
        print(f"only before: {item[:300]}")
    for item in sorted((new_shown - old_shown).elements()):
        problems += 1
        print(f"only after:  {item[:300]}")
    print(
        f"{args.notebook}: {len(new_glue)} glued values, {sum(new_shown.values())} other outputs, "
        f"{problems} differences"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
