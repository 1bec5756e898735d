"""The warehouse reference in docs/warehouse.md, generated from the schema and the models.

    python -m warehouse.reference            # rewrite the generated blocks of docs/warehouse.md
    python -m warehouse.reference --check    # exit 1 if they are not what the code says

Tables come from warehouse/schema.sql (COMMENT ON TABLE / COLUMN, primary keys), views from
warehouse/models (the grain line, columns and their types, `-- column NAME: text` comments),
table macros from the comment above each `create or replace macro` in warehouse/macros.sql.
Between the generated blocks (`<!-- generated: NAME -->` ... `<!-- end generated -->`) the
document is written by hand. tests/test_docs.py fails when a block is out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb

from warehouse.db import MACROS_FILE, apply_models, apply_schema, model_description, model_files
from warehouse.settings import PACKAGE_DIR

DOC = PACKAGE_DIR.parent / "docs" / "warehouse.md"
BLOCK = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> str:
    rows = con.execute(
        "select column_name, data_type, comment from duckdb_columns() "
        "where table_name = ? and schema_name = 'main' order by column_index",
        [name],
    ).fetchall()
    return "<br>".join(
        f"`{col}` {typ.lower()}" + (f": {_cell(comment)}" if comment else "")
        for col, typ, comment in rows
    )


def tables_block(con: duckdb.DuckDBPyConnection) -> str:
    """A markdown table of every table: description, primary key, columns."""
    out = ["| table | what it holds | key | columns |", "|---|---|---|---|"]
    for name, comment in con.execute(
        "select table_name, comment from duckdb_tables() where schema_name = 'main' "
        "order by table_name"
    ).fetchall():
        key = con.execute(
            "select constraint_column_names from duckdb_constraints() "
            "where table_name = ? and constraint_type = 'PRIMARY KEY'",
            [name],
        ).fetchall()
        keys = ", ".join(key[0][0]) if key else ""
        out.append(f"| `{name}` | {_cell(comment)} | {keys} | {_columns(con, name)} |")
    return "\n".join(out) + "\n"


def views_block(con: duckdb.DuckDBPyConnection) -> str:
    """A markdown table of every view in build order: layer, grain, columns."""
    out = ["| view | layer | grain | columns |", "|---|---|---|---|"]
    for path in model_files():
        grain = model_description(path).removeprefix("grain: ")
        layer = path.parent.name
        out.append(f"| `{path.stem}` | {layer} | {_cell(grain)} | {_columns(con, path.stem)} |")
    return "\n".join(out) + "\n"


def macros_block() -> str:
    """Each table macro with the comment lines above its definition."""
    out, comment = [], []
    for line in MACROS_FILE.read_text().splitlines():
        match = re.match(r"create or replace macro (\w+)\((.*?)\) as table", line)
        if match:
            text = " ".join(c for c in comment if not c.startswith(match.group(1) + "("))
            head = next((c for c in comment if c.startswith(match.group(1) + "(")), None)
            signature = head.split(":", 1)[0] if head else f"{match.group(1)}({match.group(2)})"
            rest = head.split(":", 1)[1].strip() if head and ":" in head else ""
            out.append(f"- `{signature}`: {' '.join(x for x in (rest, text) if x)}")
            comment = []
        elif line.startswith("-- "):
            comment.append(line[3:].strip())
        elif not line.strip():
            comment = []
    return "\n".join(out) + "\n"


def blocks() -> dict[str, str]:
    """The generated blocks by name, from a fresh in-memory warehouse."""
    with duckdb.connect(":memory:") as con:
        apply_schema(con)
        apply_models(con)
        return {"tables": tables_block(con), "views": views_block(con), "macros": macros_block()}


def render(text: str, generated: dict[str, str]) -> str:
    """text with each generated block replaced by its current content."""
    missing = set(generated) - {m.group(2) for m in BLOCK.finditer(text)}
    if missing:
        raise ValueError(f"{DOC} has no generated block for {', '.join(sorted(missing))}")
    return BLOCK.sub(lambda m: m.group(1) + generated[m.group(2)] + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    """Rewrite docs/warehouse.md's generated blocks, or check them (--check)."""
    argv = sys.argv[1:] if argv is None else argv
    current = DOC.read_text()
    wanted = render(current, blocks())
    if "--check" in argv:
        if wanted != current:
            print(f"{DOC} is out of date: run python -m warehouse.reference", file=sys.stderr)
            return 1
        return 0
    Path(DOC).write_text(wanted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
