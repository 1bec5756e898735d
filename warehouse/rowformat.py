"""csv and json text of query rows, the same bytes pandas writes for the same result.

Pure and light (no pandas, no duckdb), so `bubblemeter sql` starts fast. Values arrive as
DuckDB's Python client fetches them (see warehouse.query.ROW_TYPES for the column types this
covers); the rules below are those of DataFrame.to_csv and DataFrame.to_json(orient="records",
date_format="iso"), which the browser console and earlier releases use.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Sequence

# to_json writes doubles rounded to this many decimals, in exponent form outside the bounds
_JSON_DECIMALS = 10
_JSON_FIXED_MAX = 1e16 - 1  # as to_json computes it; in doubles this is 1e16
_JSON_FIXED_MIN = 1e-15
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _timestamp_format(values) -> str:
    """The strftime pattern to_csv gives a timestamp column: the least precision that
    shows every value (a date alone when every value is a midnight)."""
    stamps = [v for v in values if v is not None]
    if all(v.time() == dt.time() for v in stamps):
        return "%Y-%m-%d"
    if all(v.microsecond == 0 for v in stamps):
        return "%Y-%m-%d %H:%M:%S"
    if all(v.microsecond % 1000 == 0 for v in stamps):
        return "ms"
    return "%Y-%m-%d %H:%M:%S.%f"


def _stamp(value: dt.datetime, pattern: str) -> str:
    if pattern == "ms":
        return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond // 1000:03d}"
    return value.strftime(pattern)


def to_csv(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A header line, then one line per row; nulls empty, floats as repr, dates ISO."""
    patterns = {}
    for i in range(len(columns)):
        column = [r[i] for r in rows]
        if any(isinstance(v, dt.datetime) for v in column):
            patterns[i] = _timestamp_format(column)

    def text(i, value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if i in patterns:
            return _stamp(value, patterns[i])
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([text(i, v) for i, v in enumerate(r)] for r in rows)
    return buf.getvalue()


def json_double(value: float) -> str:
    """A finite double as to_json writes it: rounded to 10 decimals, trailing zeros dropped
    (one kept), '%.10g' beyond 1e16 or below 1e-15."""
    magnitude = abs(value)
    if magnitude > _JSON_FIXED_MAX or (magnitude != 0 and magnitude < _JSON_FIXED_MIN):
        return f"{value:.{_JSON_DECIMALS}g}"
    scale = 10**_JSON_DECIMALS
    whole = int(magnitude)
    scaled = (magnitude - whole) * float(scale)
    fraction = int(scaled)
    rest = scaled - fraction
    if rest > 0.5 or (rest == 0.5 and (fraction == 0 or fraction & 1)):
        fraction += 1  # to_json's own rounding, halves included
    if fraction >= scale:
        fraction, whole = 0, whole + 1
    digits = str(fraction).rjust(_JSON_DECIMALS, "0").rstrip("0") if fraction else "0"
    return f"{'-' if value < 0 else ''}{whole}.{digits}"


def _escape_char(match: re.Match) -> str:
    code = ord(match.group(0))
    if code > 0xFFFF:  # a surrogate pair, as JSON spells characters beyond the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_string(text: str) -> str:
    """A string as to_json writes it: ASCII only, '/' escaped."""
    quoted = json.dumps(text, ensure_ascii=False).replace("/", "\\/")
    return _NON_ASCII.sub(_escape_char, quoted)


def _json_value(value, is_date: bool) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json_double(value) if math.isfinite(value) else "null"
    if isinstance(value, dt.datetime):
        if is_date:
            return f'"{value:%Y-%m-%d}"'
        return f'"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}"'
    if isinstance(value, dt.date):
        return f'"{value:%Y-%m-%d}"' if is_date else f'"{value:%Y-%m-%dT00:00:00.000}"'
    return json_string(str(value))


def to_json(columns: Sequence[str], rows: Sequence[Sequence], date_columns=()) -> str:
    """One JSON array of records, one line; DATE columns as ISO dates, timestamps to the
    millisecond, NaN and infinities as null."""
    keys = [json_string(str(c)) + ":" for c in columns]
    dates = set(date_columns)
    records = (
        "{"
        + ",".join(k + _json_value(v, i in dates) for i, (k, v) in enumerate(zip(keys, r)))
        + "}"
        for r in rows
    )
    return "[" + ",".join(records) + "]\n"
