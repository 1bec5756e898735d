"""Each view's stated grain is a unique key, checked on the warehouse imported from the snapshot.

Every model file declares its key on its second line, `-- key: col, col` (the columns its grain
line names), or `-- key: (one row)` for a view that holds exactly one row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.db import model_files
from warehouse.reader import query_df

ONE_ROW = "(one row)"
MODELS = model_files()


def key_columns(path: Path) -> list[str]:
    """The key columns a model file declares on its second line ([] for a one-row view)."""
    lines = path.read_text().splitlines()
    if len(lines) < 2 or not lines[1].startswith("-- key:"):
        raise AssertionError(f"{path.name}: the second line must be `-- key: ...`")
    declared = lines[1].removeprefix("-- key:").strip()
    if declared == ONE_ROW:
        return []
    columns = [c.strip() for c in declared.split(",")]
    assert declared and all(columns), f"{path.name}: empty key (write `-- key: {ONE_ROW}`)"
    return columns


def test_models_are_found():
    assert len(MODELS) >= 15


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_every_model_declares_its_key(path):
    assert path.read_text().startswith("-- grain: "), path.name
    key_columns(path)


def test_a_model_without_a_key_line_fails(tmp_path):
    bare = tmp_path / "no_key.sql"
    bare.write_text("-- grain: one row per thing\nselect 1 as thing\n")
    with pytest.raises(AssertionError, match="second line"):
        key_columns(bare)


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_key_is_unique(imported, path):
    view, key = path.stem, key_columns(path)
    rows = query_df(imported, f"select count(*) as n from {view}").n[0]
    if not key:
        assert rows == 1, f"{view} is declared one row, holds {rows}"
        return
    assert rows > 0, f"{view} is empty on the snapshot: its key is not exercised"
    columns = query_df(imported, f"select * from {view} limit 0").columns
    assert set(key) <= set(columns), f"{view} lacks key columns {set(key) - set(columns)}"
    quoted = [f'"{c}"' for c in key]
    listed = ", ".join(quoted)
    duplicated = query_df(
        imported,
        f"select {listed}, count(*) as n from {view} group by all having count(*) > 1 limit 5",
    )
    assert duplicated.empty, f"{view}: key ({listed}) repeats:\n{duplicated}"
    nulls = query_df(
        imported,
        f"select count(*) as n from {view} where " + " or ".join(f"{c} is null" for c in quoted),
    ).n[0]
    assert nulls == 0, f"{view}: {nulls} rows with a null in the key ({listed})"
