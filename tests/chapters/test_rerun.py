"""Every chapter re-runs under other parameters (papermill via ``scalinglaws.book.chapters.run``).

An instructor changes the seed and the bootstrap size; the chapter must execute without an error or a
printed warning, and every number its prose refers to (``{glue:…}`name```) must still be glued, so the
text is complete and computed from the new run.
"""

from __future__ import annotations

import json
import re

import pytest

from scalinglaws.book import chapters

GLUE_REF = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+)`")


def alternative_values(chapter: chapters.Chapter) -> dict[str, object]:
    """Another seed and the smallest allowed bootstrap, where the chapter has them."""
    values: dict[str, object] = {}
    for spec in chapter.params:
        if spec.name == "seed":
            values["seed"] = spec.default + 1
        elif spec.name == "n_boot":
            values["n_boot"] = int(max(spec.min or 50, 50))
    return values


@pytest.mark.slow
@pytest.mark.executes
@pytest.mark.parametrize("chapter_id", sorted(chapters.CHAPTERS))
def test_chapter_reruns_with_other_parameters(chapter_id, tmp_path):
    chapter = chapters.get_chapter(chapter_id)
    values = alternative_values(chapter)
    assert values, "every chapter declares a seed or a bootstrap size"
    out = chapters.run(chapter_id, values, tmp_path / f"{chapter_id}.ipynb")
    nb = json.loads(out.read_text())

    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    stderr = [o["text"] for o in outputs if o.get("name") == "stderr"]
    assert stderr == [], f"the re-run printed warnings: {stderr}"

    glued = {
        o["metadata"]["scrapbook"]["name"] for o in outputs if "scrapbook" in o.get("metadata", {})
    }
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    referenced = set(GLUE_REF.findall(markdown))
    assert referenced, "the prose uses glued numbers"
    assert referenced <= glued, (
        f"prose refers to numbers the re-run did not glue: {referenced - glued}"
    )
