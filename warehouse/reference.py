"""The warehouse reference in docs/warehouse.md, generated from the schema and the models.

    python -m warehouse.reference            # rewrite the generated blocks of docs/warehouse.md
    python -m warehouse.reference --check    # exit 1 if they are not what the code says

Tables come from warehouse/schema.sql (COMMENT ON TABLE / COLUMN, primary keys), views from
warehouse/models (the grain and key lines, columns and their types, `-- column NAME: text`),
macros from the comment above each `create or replace macro` in warehouse/macros.sql.
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
    """A markdown table of every view in build order: layer, grain, key, columns."""
    out = ["| view | layer | grain | key | columns |", "|---|---|---|---|---|"]
    for path in model_files():
        grain = model_description(path).removeprefix("grain: ")
        key = next(
            (
                line.removeprefix("-- key:").strip()
                for line in path.read_text().splitlines()
                if line.startswith("-- key:")
            ),
            "",
        )
        out.append(
            f"| `{path.stem}` | {path.parent.name} | {_cell(grain)} | {_cell(key)} | "
            f"{_columns(con, path.stem)} |"
        )
    return "\n".join(out) + "\n"


def macros_block() -> str:
    """Each macro, table macros first, with the comment lines above its definition."""
    found = []
    comment: list[str] = []
    for line in MACROS_FILE.read_text().splitlines():
        match = re.match(r"create or replace macro (\w+)\((.*?)\) as( table)?", line)
        if match:
            name, args, table = match.groups()
            text = " ".join(comment)
            if text.startswith(f"{name}("):  # "name(args): what it is"
                signature, _, text = text.partition(":")
            else:
                signature = f"{name}({args})"
            kind = "table macro" if table else "scalar macro"
            found.append((not table, f"- `{signature.strip()}` ({kind}): {text.strip()}"))
            comment = []
        elif line.startswith("-- "):
            comment.append(line[3:].strip())
        elif not line.strip():
            comment = []
    return "\n".join(text for _, text in sorted(found, key=lambda f: f[0])) + "\n"


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
