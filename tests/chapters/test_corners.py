"""Every chapter at the corners of its declared parameters: the prose stays complete and true.

For each chapter, every ranged parameter is set to the low end of its declared range at once (the box's
low corner), then every one to its high end (the high corner); each other declared choice is taken in one
of these runs (or, past two alternatives, in a run of its own); plus the combinations in :data:`EXTRA` and two
seeded random points inside all ranges. (One parameter at a time, 130 runs, cost CI 25 minutes; the two
corners reach every declared end, and the regimes where ends meet, in about a third of the runs. A failure
message names every value of its run; ``cases(one_at_a_time=True)`` gives the old design for a local hunt.) Parameters that only
buy precision (seeds, bootstrap and Monte-Carlo sizes) are set to their smallest allowed value, which is
the corner where an estimate is least stable. Each run must

* execute without an error or a printed warning,
* glue every number and sentence its prose refers to,
* and record, for every data-dependent sentence glued with :func:`scalinglaws.book.claim`, which branch
  the data chose (``<name>__holds``), so a sentence is never typed where its truth depends on the run.

These runs take several minutes (``make corners``, parallel over the CPU cores with pytest-xdist).
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from scalinglaws.book import chapters

GLUE_REF = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+)`")

#: Parameters that only change the precision or the random draws of an estimate.
PRECISION = {"seed", "n_boot", "n_mc", "n_sim", "sim_problems", "sim_samples", "exchange_samples"}


def _base(chapter: chapters.Chapter) -> dict[str, object]:
    out: dict[str, object] = {}
    for p in chapter.params:
        if p.name in PRECISION and p.min is not None:
            out[p.name] = p.type(p.min) if p.name != "seed" else 1
    return out


def _ends(p: chapters.Param) -> list[object]:
    if p.choices is not None:
        alts = [c for c in p.choices if c != p.default]
        if p.type in (int, float) and len(alts) > 2:
            return [min(alts), max(alts)]
        return alts
    if p.type in (int, float) and p.min is not None and p.max is not None:
        return [p.type(p.min), p.type(p.max)]
    return []


def _random_point(chapter: chapters.Chapter, rng: np.random.Generator) -> dict[str, object]:
    out = _base(chapter)
    for p in chapter.params:
        if p.name in PRECISION:
            continue
        if p.choices is not None:
            out[p.name] = p.choices[int(rng.integers(len(p.choices)))]
        elif p.type in (int, float) and p.min is not None and p.max is not None:
            lo, hi = float(p.min), float(p.max)
            if lo > 0 and hi / lo > 100:  # log-uniform over ranges of several decades
                x = math.exp(rng.uniform(math.log(lo), math.log(hi)))
            else:
                x = rng.uniform(lo, hi)
            out[p.name] = int(round(x)) if p.type is int else float(f"{x:.4g}")
    return out


#: Extra combinations per chapter id, beyond one parameter at a time (chosen where two knobs together
#: reach a regime neither reaches alone).
#: reasoning: a narrow link with its midpoint far from the models' losses saturates the link at the
#: small model (single-sample success exactly 0 or 1), where no exchange rate exists (issue #11);
#: what-next: the same two links for its exchange rate.
EXTRA: dict[str, list[dict[str, object]]] = {
    "reasoning": [
        {"link_loss_mid": 1.0, "link_scale": 0.01},
        {"link_loss_mid": 4.0, "link_scale": 0.01},
    ],
    "what-next": [
        {"link_loss_mid": 1.0, "link_scale": 0.01},
        {"link_loss_mid": 4.0, "link_scale": 0.01},
    ],
}


def cases(one_at_a_time: bool = False) -> list[tuple[str, str, dict[str, object]]]:
    out = []
    for cid in sorted(chapters.CHAPTERS):
        chapter = chapters.get_chapter(cid)
        base = _base(chapter)
        if one_at_a_time:
            for p in chapter.params:
                if p.name in PRECISION:
                    continue
                for v in _ends(p):
                    out.append((cid, f"{p.name}={v}", {**base, p.name: v}))
        else:
            runs: list[dict[str, object]] = [dict(base), dict(base)]  # low corner, high corner
            for p in chapter.params:
                if p.name in PRECISION:
                    continue
                for j, v in enumerate(_ends(p)):
                    while j >= len(runs):
                        runs.append(dict(base))
                    runs[j][p.name] = v
            for j, run in enumerate(runs):
                label = (
                    ("low" if j == 0 else "high" if j == 1 else f"choices{j}")
                    + ":"
                    + ",".join(f"{k}={v}" for k, v in run.items() if k not in base)
                )
                out.append((cid, label, run))
        for extra in EXTRA.get(cid, []):
            label = ",".join(f"{k}={v}" for k, v in extra.items())
            out.append((cid, label, {**base, **extra}))
        rng = np.random.default_rng(sum(map(ord, cid)))
        for k in range(2):
            out.append((cid, f"random{k}", _random_point(chapter, rng)))
    return out


CASES = cases()


@pytest.mark.corners
@pytest.mark.parametrize(
    ("chapter_id", "label", "values"),
    CASES,
    ids=[f"{c}-{lab.split(':')[0]}" for c, lab, _ in CASES],
)
def test_chapter_at_corner(chapter_id, label, values, tmp_path):
    out = chapters.run(chapter_id, values, tmp_path / f"{chapter_id}.ipynb")
    nb = json.loads(out.read_text())
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert not errors, f"{label}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    stderr = [o["text"] for o in outputs if o.get("name") == "stderr"]
    assert stderr == [], f"{label}: the run printed warnings: {stderr}"
    glued = {
        o["metadata"]["scrapbook"]["name"] for o in outputs if "scrapbook" in o.get("metadata", {})
    }
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    missing = set(GLUE_REF.findall(markdown)) - glued
    assert not missing, f"{label}: prose refers to names the run did not glue: {missing}"
    # every data-dependent sentence (book.claim) records the branch the data chose
    holds = {
        o["metadata"]["scrapbook"]["name"]: "".join(
            o["data"].get("application/papermill.record/text/markdown", "")
        )
        for o in outputs
        if o.get("metadata", {}).get("scrapbook", {}).get("name", "").endswith("__holds")
    }
    for name, value in holds.items():
        assert value in ("true", "false"), f"{label}: {name} = {value!r}"
        assert name.removesuffix("__holds") in glued


def test_cases_cover_every_declared_end():
    """Every declared end (or alternative choice) of every parameter is taken by some run."""
    for cid, chapter in chapters.CHAPTERS.items():
        runs = [values for c, _, values in CASES if c == cid]
        for p in chapter.params:
            if p.name in PRECISION:
                continue
            for v in _ends(p):
                assert any(r.get(p.name) == v for r in runs), (cid, p.name, v)


def test_every_chapter_reruns_with_another_seed_and_its_smallest_bootstrap():
    """What an instructor changes first (the seed, the bootstrap size) is in every chapter's corner runs:
    each declares a seed or a bootstrap size, and every base run sets the seed to 1 (not a default) and
    the precision parameters to their minimum. (This replaced tests/chapters/test_rerun.py, whose runs the
    corner runs contain.)"""
    for cid, chapter in chapters.CHAPTERS.items():
        names = {p.name for p in chapter.params}
        assert names & {"seed", "n_boot"}, cid
        default_seed = next((p.default for p in chapter.params if p.name == "seed"), None)
        for c, _, values in CASES:
            if c == cid and "seed" in names:
                assert values["seed"] != default_seed, (cid, values)
        if "n_boot" in names:
            low = next(p.min for p in chapter.params if p.name == "n_boot")
            assert all(
                v["n_boot"] == low
                for c, lab, v in CASES
                if c == cid and not lab.startswith("random")
            )


def test_corner_design_is_smaller_than_one_at_a_time():
    assert len(CASES) < len(cases(one_at_a_time=True)) / 2
