"""The README documents every CLI command, table and view that users rely on."""

import re

from bubblemeter.cli import build_parser
from tests.conftest import REPO
from warehouse.db import SCHEMA_FILE, model_files

README = (REPO / "README.md").read_text()


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_every_subcommand_is_in_readme():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"bubblemeter {name}" in README, name


def test_every_table_is_in_readme():
    tables = re.findall(r"create table if not exists (\w+)", SCHEMA_FILE.read_text())
    assert len(tables) >= 10
    for table in tables:
        assert f"| `{table}` |" in README, table


def test_every_view_is_in_readme_with_its_grain():
    """The README states each view's grain in the words of the view's own grain line."""
    for path in model_files():
        first = path.read_text().splitlines()[0]
        assert first.startswith("-- grain: "), path
        grain = first.removeprefix("-- grain: ").strip()
        row = re.search(rf"^\| `{path.stem}` \| (.*?) \| ", README, re.MULTILINE)
        assert row, f"{path.stem} is not in the README's views table"
        assert row.group(1).replace("`", "") == grain, path.stem


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci and "chromium-driver" in ci
