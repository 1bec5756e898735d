"""The SQL sandbox shared by `bubblemeter sql` and the browser console.

Each query gets a fresh in-memory DuckDB instance that attaches the warehouse read-only, with
threads, memory and temp spill limited at connect, file and network access switched off and
the configuration then locked. One read statement is accepted; anything else is refused before
it runs, with one sentence saying what was refused and why. A timer interrupts a query that
runs past the time limit (DuckDB has no statement timeout of its own).
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse import rowformat, textformat
from warehouse.db import attached_reader
from warehouse.errors import BubblemeterError
from warehouse.reader import READER
from warehouse.settings import PACKAGE_DIR, Settings

if TYPE_CHECKING:  # pandas is imported where a DataFrame is built, not by `bubblemeter sql`
    import pandas as pd

EXAMPLES_DIR = PACKAGE_DIR / "examples"
# One core per user query: the warehouse is small (queries take milliseconds), and a runaway
# query in the dashboard then leaves the other cores to the pages everyone else is loading.
SANDBOX_THREADS = 1
READ_STATEMENTS = (
    "SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE, PIVOT, UNPIVOT and EXPLAIN"
)
FORMATS = ("table", "csv", "json", "parquet")
# Column types a result can be written from its fetched rows (warehouse.rowformat) with the
# same text as from a DataFrame; a result with any other type is fetched as a DataFrame.
ROW_TYPES = frozenset(
    {
        "BOOLEAN",
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "HUGEINT",
        "DOUBLE",
        "VARCHAR",
        "DATE",
        "TIMESTAMP",
    }
)

# Table functions that read files (or, given a URL, the network). Names starting with read_
# or ending in _scan are caught by pattern as well, so new readers are refused by default.
FILE_FUNCTIONS = frozenset(
    {
        "glob",
        "sniff_csv",
        "parquet_metadata",
        "parquet_schema",
        "parquet_file_metadata",
        "parquet_kv_metadata",
        "parquet_bloom_probe",
        "iceberg_metadata",
        "iceberg_snapshots",
        "sqlite_attach",
        "st_read",
        "st_read_meta",
        "delta_scan",
        "load_aws_credentials",
    }
)
# Functions that show the server's own settings, files and paths (working and home
# directories, the warehouse's path, extension and temporary files, secrets, logs).
SERVER_FUNCTIONS = frozenset(
    {
        "duckdb_settings",
        "duckdb_databases",
        "duckdb_extensions",
        "duckdb_extension_repositories",
        "duckdb_temporary_files",
        "duckdb_external_file_cache",
        "duckdb_secrets",
        "duckdb_logs",
        "duckdb_logs_parsed",
        "duckdb_log_contexts",
        "duckdb_memory",
        "current_setting",
        "getenv",
        "pragma_database_list",
        "pragma_database_size",
        "pragma_platform",
        "which_secret",
    }
)
# Deeper parse trees than this are refused (a checker must not crash on what it reads).
MAX_TREE_DEPTH = 400


def _string_sql_functions() -> frozenset[str]:
    """Functions that run SQL given as a string, as this DuckDB lists them: the sandbox cannot
    see inside the string, so they are refused (query, query_table, json_execute_serialized_sql
    and any a later DuckDB adds under such a name)."""
    with duckdb.connect(":memory:") as con:
        rows = con.execute(
            "select distinct function_name from duckdb_functions() "
            "where function_type in ('table', 'table_macro', 'pragma', 'macro') "
            "and (function_name in ('query', 'query_table') or function_name like '%execute%' "
            "or function_name like '%query_table%')"
        ).fetchall()
    return frozenset(r[0] for r in rows) | {"query", "query_table"}


STRING_SQL_FUNCTIONS = _string_sql_functions()
WRITE_TYPES = frozenset(
    {
        "CREATE",
        "INSERT",
        "UPDATE",
        "DELETE",
        "DROP",
        "ALTER",
        "MERGE_INTO",
        "COPY_DATABASE",
        "VACUUM",
        "ANALYZE",
    }
)
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
LEADING_NOISE = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.S)
EXPLAIN_PREFIX = re.compile(r"^explain\s+(?:analy[sz]e\s+)?(?:\(\s*format\b[^)]*\)\s*)?", re.I)


class QueryError(BubblemeterError):
    """A query that failed or was refused; the message is one line for a person."""


class QueryRefused(QueryError):
    """The sandbox refused the query before (or while) running it."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was interrupted."""

    elapsed_s: float | None = None  # from the start of execution to the interrupt landing


@dataclass(frozen=True)
class Rows:
    """A result as fetched rows, without pandas: column names, DuckDB types, row tuples."""

    columns: list[str]
    types: list[str]
    rows: list[tuple]

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def date_columns(self) -> list[int]:
        return [i for i, t in enumerate(self.types) if t == "DATE"]


@dataclass(frozen=True)
class QueryResult:
    frame: pd.DataFrame | Rows  # Rows only when run_sandboxed(..., rows=True) could
    elapsed_s: float
    truncated: bool = False  # more rows existed than row_cap
    row_cap: int | None = None


@dataclass(frozen=True)
class ExampleQuery:
    name: str  # file stem, stable id
    title: str  # first comment line
    sql: str


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _leading_keyword(text: str) -> str:
    match = re.match(r"[A-Za-z_]+", LEADING_NOISE.sub("", text))
    return match.group(0).upper() if match else ""


def _config(settings: Settings) -> dict:
    return {
        "threads": SANDBOX_THREADS,
        "memory_limit": settings.sql_memory_limit,
        "max_temp_directory_size": "0KB",  # no spill to disk: memory_limit is the ceiling
        # no temp directory either, so the engine's own allow-list holds the warehouse only
        "temp_directory": "",
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }


def _lock_down(con: duckdb.DuckDBPyConnection) -> None:
    # Python replacement scans would let `from some_name` read a DataFrame of this process.
    con.execute("set python_enable_replacements = false")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")


def _refusal(keyword: str, type_name: str) -> QueryRefused:
    """One sentence for a statement type the sandbox does not run."""
    kw = keyword or type_name
    if type_name == "SET":
        if kw == "USE":
            return QueryRefused("USE refused: queries run against this warehouse only.")
        return QueryRefused(
            f"{kw} refused: settings are fixed for queries (time, memory and "
            f"file-access limits) and cannot be changed."
        )
    if type_name == "PRAGMA":
        return QueryRefused(
            "PRAGMA refused: pragmas can change settings; use DESCRIBE "
            "table_name or select * from pragma_table_info('table_name')."
        )
    if type_name == "COPY":
        return QueryRefused(
            "COPY refused: it reads or writes files, and queries may only read "
            "the warehouse (save a result with --format/--output or the "
            "console's CSV download)."
        )
    if type_name == "EXPORT":
        return QueryRefused(
            "EXPORT DATABASE refused: it writes files, and queries may only read the warehouse."
        )
    if type_name in ("ATTACH", "DETACH"):
        return QueryRefused(
            f"{kw} refused: queries may only read this warehouse, not open or "
            f"close other databases."
        )
    if type_name in ("LOAD", "EXTENSION", "UPDATE_EXTENSIONS") or (
        kw == "UPDATE" and not type_name
    ):
        return QueryRefused(
            f"{kw} refused: extensions cannot be installed, loaded or updated "
            f"from a query (they come from files or the network)."
        )
    if type_name == "CALL":
        if kw != "CALL":  # CHECKPOINT, FORCE CHECKPOINT ... parse as calls
            return QueryRefused(f"{kw} refused: only read statements run here ({READ_STATEMENTS}).")
        return QueryRefused(
            "CALL refused: only read statements run here; call a table "
            "function as select * from function_name(...)."
        )
    if type_name in WRITE_TYPES or kw in WRITE_TYPES:
        return QueryRefused(
            f"{kw} refused: it would change the warehouse, which is read-only "
            f"here (only `bubblemeter refresh` writes it)."
        )
    return QueryRefused(f"{kw} refused: only read statements run here ({READ_STATEMENTS}).")


def _too_deep() -> QueryRefused:
    return QueryRefused(
        f"query refused: it nests deeper than the checker reads ({MAX_TREE_DEPTH} levels); "
        f"write it with fewer nested expressions or subqueries."
    )


def _nodes(node):
    """Every value in a parse tree, without recursion; QueryRefused past MAX_TREE_DEPTH."""
    stack = [(node, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise _too_deep()
        yield item
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def _walk(node):
    """Every dict in a parse tree."""
    return (item for item in _nodes(node) if isinstance(item, dict))


def _strings(node) -> list[str]:
    return [item for item in _nodes(node) if isinstance(item, str)]


def _check_function(node: dict) -> None:
    name = str(node.get("function_name", "")).lower()
    if name in SERVER_FUNCTIONS:
        raise QueryRefused(
            f"{name}() refused: it shows the server's settings, files or paths; the "
            f"warehouse's own tables and views are described by duckdb_tables(), "
            f"duckdb_views() and duckdb_columns()."
        )
    if name in STRING_SQL_FUNCTIONS:
        raise QueryRefused(
            f"{name}() refused: it runs SQL given as a string, which the "
            f"sandbox cannot check; write the query out directly."
        )
    if name in FILE_FUNCTIONS or name.startswith("read_") or name.endswith("_scan"):
        args = [
            s
            for s in _strings(node.get("arguments", node.get("children", [])))
            if "/" in s or "." in s or URL.match(s)
        ]
        url = next((s for s in args if URL.match(s)), None)
        if url:
            raise QueryRefused(
                f"{name}() refused: it reads {url} over the network, and "
                f"queries have no network access."
            )
        where = f" ({args[0]})" if args else ""
        raise QueryRefused(
            f"{name}() refused: it reads files{where}, and queries may only "
            f"read the warehouse's tables and views."
        )


def _check_table(node: dict) -> None:
    name = str(node.get("table_name", ""))
    if URL.match(name):
        raise QueryRefused(
            f"'{name}' refused: it is a network address, and queries have no network access."
        )
    if any(ch in name for ch in "/\\.*?:~"):
        raise QueryRefused(
            f"'{name}' in FROM refused: it is a file path, and queries may only "
            f"read the warehouse's tables and views."
        )


def _check_tree(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """Refuse file readers, SQL-in-a-string, server introspection and paths or URLs in FROM,
    anywhere in the query; a query whose parse tree cannot be read is refused too."""
    unreadable = QueryRefused(
        "query refused: the sandbox could not read its parse tree to check it; write it as a "
        "plain SELECT."
    )
    try:
        raw = con.execute("select json_serialize_sql(?::varchar)", [text]).fetchall()[0][0]
        tree = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except (duckdb.Error, ValueError, TypeError, IndexError):
        raise unreadable from None
    if tree.get("error"):
        message = str(tree.get("error_message", ""))
        if "not supported" in message.lower() or "only select" in message.lower():
            raise unreadable
        raise QueryError(message.splitlines()[0] if message else "the query does not parse")
    for node in _walk(tree.get("statements", [])):
        if node.get("type") == "BASE_TABLE":
            _check_table(node)
        elif node.get("class") == "FUNCTION" and "function_name" in node:
            _check_function(node)


def _check_tokens(text: str) -> None:
    """The checks of _check_tree on a statement's tokens: every name called as a function
    (`name(`), and every quoted name read as a table (after FROM or JOIN)."""
    tokens = duckdb.tokenize(text)
    spans = [
        (kind, text[start : tokens[i + 1][0] if i + 1 < len(tokens) else len(text)].strip())
        for i, (start, kind) in enumerate(tokens)
    ]
    for i, (kind, word) in enumerate(spans):
        following = spans[i + 1][1] if i + 1 < len(spans) else ""
        if kind in (duckdb.token_type.identifier, duckdb.token_type.keyword) and (
            following.startswith("(")
        ):
            args = [
                w.strip("'") for k, w in spans[i + 2 : i + 3] if k == duckdb.token_type.string_const
            ]
            _check_function({"function_name": word.strip('"'), "arguments": args})
        previous = spans[i - 1][1].lower() if i else ""
        if previous in ("from", "join", "pivot", "unpivot") and kind in (
            duckdb.token_type.string_const,
            duckdb.token_type.identifier,
        ):
            _check_table({"table_name": word.strip("'\"")})


def _check_statement(con: duckdb.DuckDBPyConnection, type_name: str, text: str) -> None:
    keyword = _leading_keyword(text)
    if type_name == "SELECT":
        _check_tree(con, text)
        return
    if type_name == "MULTI" and keyword in ("PIVOT", "UNPIVOT"):
        _check_tokens(text)  # a top-level PIVOT has no parse tree to read; its tokens are
        return
    if type_name == "EXPLAIN":
        inner = EXPLAIN_PREFIX.sub("", LEADING_NOISE.sub("", text), count=1)
        statements = _parse(con, inner)
        if len(statements) == 1:
            _check_statement(con, _type_name(statements[0]), statements[0].query)
            return
    raise _refusal(keyword, type_name)


def _type_name(statement) -> str:
    try:
        return statement.type.name
    except ValueError:  # a statement type this duckdb client cannot name (UPDATE EXTENSIONS)
        return ""


def _parse(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    try:
        return list(con.extract_statements(sql))
    except duckdb.Error as exc:
        raise QueryError(_first_line(exc)) from None


def check_query(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise QueryRefused unless sql is exactly one read statement that stays in the warehouse."""
    statements = _parse(con, sql)
    if not statements:
        raise QueryError("no SQL statement given (the text is empty or only comments)")
    if len(statements) > 1:
        raise QueryRefused(
            f"{len(statements)} statements refused: send one statement at a "
            f"time (DuckDB would run them all and show only the last result)."
        )
    _check_statement(con, _type_name(statements[0]), statements[0].query)


def memory_message(settings: Settings) -> str:
    """The sentence for a query stopped at its memory limit."""
    return (
        f"query stopped: it needed more than the {settings.sql_memory_limit} memory limit for "
        f"one query; filter or aggregate more."
    )


def _translate(exc: duckdb.Error, settings: Settings, timeout_s: float) -> QueryError:
    """DuckDB's own error, as one line; sandbox limits named as such."""
    line = _first_line(exc)
    if isinstance(exc, duckdb.InterruptException):
        return QueryTimeout(
            f"query stopped after {timeout_s:g} s, the time limit for one "
            f"query; narrow it, or raise the limit (--timeout, "
            f"BUBBLEMETER_SQL_TIMEOUT)."
        )
    if isinstance(exc, duckdb.OutOfMemoryException):
        return QueryError(
            f"query stopped: it needed more than the {settings.sql_memory_limit} "
            f"memory limit for one query, and nothing may spill to disk; filter "
            f"or aggregate more ({line.rstrip('.')})."
        )
    if isinstance(exc, duckdb.PermissionException):
        return QueryRefused(
            f"refused: {line.rstrip('.')}; queries may only read the warehouse's tables and views."
        )
    if "read-only mode" in line or "configuration has been locked" in line:
        return QueryRefused(f"refused: {line}")
    return QueryError(line)


def _fetch_rows(con: duckdb.DuckDBPyConnection, row_cap: int | None) -> tuple[Rows, bool]:
    """As _fetch, as Python rows; values as the DataFrame holds them (HUGEINT as a double,
    NaN as null)."""
    description = con.description or ()
    types = [str(d[1]) for d in description]
    rows = con.fetchall() if row_cap is None else con.fetchmany(row_cap + 1)
    truncated = row_cap is not None and len(rows) > row_cap
    if truncated:
        rows = rows[:row_cap]
    floats = [i for i, t in enumerate(types) if t in ("HUGEINT", "DOUBLE")]
    for n, row in enumerate(rows if floats else ()):
        values = list(row)
        for i in floats:
            if values[i] is not None:
                v = float(values[i])
                values[i] = None if v != v else v
        rows[n] = tuple(values)
    return Rows([str(d[0]) for d in description], types, rows), truncated


def _rows_fit(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every column has a type in ROW_TYPES and the names are distinct."""
    description = con.description or ()
    names = [str(d[0]) for d in description]
    return len(set(names)) == len(names) and all(str(d[1]) in ROW_TYPES for d in description)


def _fetch(con: duckdb.DuckDBPyConnection, row_cap: int | None) -> tuple[pd.DataFrame, bool]:
    """All rows, or the first row_cap (fetching one more to know whether there were more)."""
    import pandas as pd

    if row_cap is None:
        return con.df(), False
    chunks, rows = [], 0
    while rows <= row_cap:
        chunk = con.fetch_df_chunk(1)  # one vector (2048 rows) at a time: the result streams
        if chunk.empty:
            if not chunks:
                chunks.append(chunk)
            break
        chunks.append(chunk)
        rows += len(chunk)
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    truncated = len(frame) > row_cap
    return (frame.iloc[:row_cap].reset_index(drop=True) if truncated else frame), truncated


def run_sandboxed(
    settings: Settings,
    sql: str,
    *,
    timeout_s: float | None = None,
    row_cap: int | None = None,
    around_execute: Callable[[], AbstractContextManager] | None = None,
    rows: bool = False,
) -> QueryResult:
    """Run one read statement in the sandbox; raise QueryError (or a subclass) on any failure.

    around_execute() is entered just before the statement runs and left once its rows are
    fetched (warehouse.sqlworker puts the operating system's limits there). With rows, the
    result is Rows when its column types allow (ROW_TYPES), so pandas is not imported.
    """
    timeout = settings.sql_timeout_s if timeout_s is None else timeout_s
    try:
        con = attached_reader(settings, _config(settings))
    except duckdb.Error as exc:
        raise QueryError(f"cannot open the warehouse: {_first_line(exc)}") from None
    try:
        _lock_down(con)
        check_query(con, sql)
        timer = threading.Timer(timeout, con.interrupt)
        timer.daemon = True
        started = time.perf_counter()
        timer.start()
        try:
            with around_execute() if around_execute else nullcontext():
                con.execute(sql)
                dates = [i for i, d in enumerate(con.description or ()) if str(d[1]) == "DATE"]
                if rows and _rows_fit(con):
                    frame, truncated = _fetch_rows(con, row_cap)
                else:
                    frame, truncated = _fetch(con, row_cap)
                    frame.attrs["date_columns"] = dates  # positions: pandas has no date dtype
        except duckdb.Error as exc:
            error = _translate(exc, settings, timeout)
            if isinstance(error, QueryTimeout):
                error.elapsed_s = time.perf_counter() - started
            raise error from None
        except MemoryError:
            raise QueryError(memory_message(settings)) from None
        finally:
            timer.cancel()
        return QueryResult(frame, time.perf_counter() - started, truncated, row_cap)
    finally:
        con.close()


def run_query(settings: Settings, sql: str, timeout_s: float | None = None) -> pd.DataFrame:
    """Run one read statement in the sandbox and return every row."""
    return run_sandboxed(settings, sql, timeout_s=timeout_s).frame


def format_rows(result: Rows, fmt: str) -> str:
    """Render fetched rows as format_frame renders the same result's DataFrame."""
    if fmt == "csv":
        return rowformat.to_csv(result.columns, result.rows)
    if fmt == "json":
        return rowformat.to_json(result.columns, result.rows, result.date_columns)
    buf = io.StringIO()
    buf.write(textformat.table(result.columns, result.rows) if result.rows else "(no rows)")
    buf.write(f"\n({len(result)} row{'s' if len(result) != 1 else ''})\n")
    return buf.getvalue()


def format_frame(frame: pd.DataFrame | Rows, fmt: str) -> str:
    """Render a result as table, csv (with a header row) or json (records)."""
    if isinstance(frame, Rows):
        return format_rows(frame, fmt)
    import pandas as pd

    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        dates = [i for i in frame.attrs.get("date_columns", ()) if i < frame.shape[1]]
        if dates:  # DATE columns as ISO dates (2023-09-10), not midnight timestamps
            frame = frame.copy()
            for i in dates:
                frame.isetitem(i, pd.to_datetime(frame.iloc[:, i]).dt.strftime("%Y-%m-%d"))
        return frame.to_json(orient="records", date_format="iso") + "\n"
    buf = io.StringIO()
    buf.write(_text_table(frame) if not frame.empty else "(no rows)")
    buf.write(f"\n({len(frame)} row{'s' if len(frame) != 1 else ''})\n")
    return buf.getvalue()


def _text_table(frame: pd.DataFrame) -> str:
    """The table format: numbers for people (textformat.table), nulls empty."""
    cells = frame.astype(object).where(frame.notna(), None)
    for i in frame.attrs.get("date_columns", ()):  # DATE columns as dates, not midnights
        if i < frame.shape[1]:
            cells.isetitem(i, [None if v is None else v.date() for v in cells.iloc[:, i]])
    return textformat.table([str(c) for c in frame.columns], cells.itertuples(index=False))


def write_frame(frame: pd.DataFrame | Rows, fmt: str, path: str | Path) -> None:
    """Write a result to a file: parquet from the frame itself, the text formats as text."""
    path = Path(path)
    try:
        if fmt == "parquet":
            if isinstance(frame, Rows):
                raise TypeError("parquet is written from a DataFrame; run with rows=False")
            frame.to_parquet(path, index=False)
        else:
            path.write_text(format_frame(frame, fmt))
    except OSError as exc:
        raise QueryError(f"cannot write {path}: {exc.strerror or exc}") from None
    except (ImportError, ValueError, TypeError) as exc:
        raise QueryError(f"cannot write {path} as {fmt}: {_first_line(exc)}") from None


SCHEMA_SQL = """
with objects as (
    select table_name as object_name, 'table' as object_type, comment as object_description
    from duckdb_tables()
    where database_name = current_database() and schema_name = 'main' and not internal
    union all
    select view_name, 'view', comment
    from duckdb_views()
    where database_name = current_database() and schema_name = 'main' and not internal
),

columns as (
    select table_name as object_name, column_index, column_name, data_type,
           comment as column_description
    from duckdb_columns()
    where database_name = current_database() and schema_name = 'main'
),

final as (
    select o.object_type, o.object_name, o.object_description,
           c.column_index, c.column_name, c.data_type, c.column_description
    from objects o
    join columns c using (object_name)
)

select * from final
order by object_type, object_name, column_index
"""


def schema_rows(settings: Settings) -> Rows:
    """One row per column of every table and view, with types and descriptions (an empty
    description as ""), without pandas: `bubblemeter sql --schema` starts fast."""
    with READER.attached(settings) as con:
        con.execute(SCHEMA_SQL)
        rows, _ = _fetch_rows(con, None)
    described = [i for i, c in enumerate(rows.columns) if c.endswith("_description")]
    values = [
        tuple("" if i in described and v is None else v for i, v in enumerate(row))
        for row in rows.rows
    ]
    return Rows(rows.columns, rows.types, values)


def schema_frame(settings: Settings) -> pd.DataFrame:
    """schema_rows as a DataFrame (the SQL console's schema browser)."""
    import pandas as pd

    rows = schema_rows(settings)
    return pd.DataFrame(rows.rows, columns=rows.columns)


def format_schema(rows: Rows) -> str:
    """Tables and views, each with its description, then one line per column."""
    at = {name: i for i, name in enumerate(rows.columns)}
    groups: dict[tuple, list[tuple]] = {}
    for row in rows.rows:  # in the query's order, one group per table or view
        groups.setdefault((row[at["object_type"]], row[at["object_name"]]), []).append(row)
    lines = []
    for (kind, name), group in groups.items():
        description = group[0][at["object_description"]]
        lines.append(f"{name} ({kind})" + (f": {description}" if description else ""))
        width = max(len(r[at["column_name"]]) for r in group)
        type_width = max(len(r[at["data_type"]]) for r in group)
        for r in group:
            text = f"    {r[at['column_name']]:<{width}}  {r[at['data_type']]:<{type_width}}"
            if r[at["column_description"]]:
                text += f"  {r[at['column_description']]}"
            lines.append(text.rstrip())
        lines.append("")
    return "\n".join(lines)


def example_queries(directory: Path = EXAMPLES_DIR) -> list[ExampleQuery]:
    """The example queries kept as .sql files; the first comment line is the title."""
    examples = []
    for path in sorted(directory.glob("*.sql")):
        sql = path.read_text()
        title = next(
            (line.lstrip("-").strip() for line in sql.splitlines() if line.startswith("--")),
            path.stem,
        )
        examples.append(ExampleQuery(path.stem, title, sql.strip() + "\n"))
    return examples
