"""The README and docs/ are true: commands, the generated warehouse reference, links."""

import re

from bubblemeter.cli import build_parser
from tests.conftest import REPO
from warehouse import reference
from warehouse.db import SCHEMA_FILE, model_files

README = (REPO / "README.md").read_text()


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_every_subcommand_is_in_readme():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"bubblemeter {name}" in README, name


def test_the_warehouse_reference_is_generated_from_the_code():
    """docs/warehouse.md's tables, views and macros are what warehouse.reference writes."""
    doc = reference.DOC.read_text()
    assert reference.render(doc, reference.blocks()) == doc, (
        "docs/warehouse.md is out of date: run .venv/bin/python -m warehouse.reference"
    )
    tables = re.findall(r"create table if not exists (\w+)", SCHEMA_FILE.read_text())
    assert len(tables) >= 10
    for name in tables:
        assert f"| `{name}` |" in doc, name


def test_every_view_states_its_grain():
    for path in model_files():
        first = path.read_text().splitlines()[0]
        assert first.startswith("-- grain: ") and len(first) > len("-- grain: ") + 10, path
        assert f"| `{path.stem}` |" in reference.DOC.read_text(), path.stem


def test_readme_is_a_landing_page():
    assert len(README.splitlines()) <= 200


DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def _anchors(text: str) -> set[str]:
    """GitHub's anchors for the headings of a markdown text."""
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def test_every_link_between_the_docs_resolves():
    for doc in DOCS:
        text = re.sub(r"```.*?```", "", doc.read_text(), flags=re.DOTALL)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue  # http(s): and other schemes
            path, _, anchor = target.partition("#")
            file = (doc.parent / path).resolve() if path else doc
            assert file.exists(), f"{doc.name}: link to missing {target}"
            if anchor and file.suffix == ".md":
                assert anchor in _anchors(file.read_text()), f"{doc.name}: no #{anchor} in {path}"


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci and "make lint" in ci and "chromium-driver" in ci
