"""Every bundled essay loads cleanly; all problems are reported together, not one per run."""

from __future__ import annotations

from core.essays import load_folder

from .conftest import SEEDS


def test_every_seed_file_loads_with_metadata_and_unique_passage_ids():
    essays, problems = load_folder(SEEDS)
    errors = [str(p) for p in problems]
    seen: set[str] = set()
    for essay in essays:
        if not essay.passages:
            errors.append(f"{essay.source}: no passages")
        if not essay.title or not essay.author:
            errors.append(f"{essay.source}: title and author are required in seeds/")
        for passage in essay.passages:
            if passage.key in seen:
                errors.append(f"{essay.source}: duplicate passage id {passage.key}")
            seen.add(passage.key)
    assert essays, "seeds/ holds no essays"
    assert not errors, "\n".join(errors)


def test_seeds_carry_no_web_page_residue():
    residue = ("Skip to content", "Donate", "View All", "Image Credit", "Photo by", "discussion.dsausa.org",
               "Contact us")
    essays, _ = load_folder(SEEDS)
    found = [f"{p.key}: {word}" for e in essays for p in e.passages for word in residue if word in p.text]
    assert not found, found
