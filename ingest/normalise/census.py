"""Census Business Trends and Outlook Survey workbooks into adoption_indicators rows. Pure.

A workbook (National.xlsx, Sector.xlsx, State.xlsx, Employment Size Class.xlsx) holds the
sheets `Response Estimates` and `Response Standard Errors` (header `[Sector|State|Empsize,]
Question ID, Question, Answer ID, Answer, <smpdt>...`, values as text like '17.2%') and
`Collection and Reference Dates` (smpdt -> collection and reference period). Only the "Yes"
answers of the AI questions are kept. The question is told apart by its wording, not its ID:
the IDs (7 and 24 nationally, 26 for expected use in the State workbook) survived the November
2025 change of wording, and the 2025-12-08 edition holds both wordings under the same ID.
'S' (suppressed), '.' (not collected) and empty cells are no reading, never a zero.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from warehouse.errors import BubblemeterError

ESTIMATES = "Response Estimates"
STANDARD_ERRORS = "Response Standard Errors"
DATES = "Collection and Reference Dates"
DATES_HEADER = ["Smpdt", "Col Start", "Col End", "Ref Start", "Ref End"]
QUESTION_COLUMNS = ["Question ID", "Question", "Answer ID", "Answer"]
# The column naming the geography, and how its code becomes adoption_indicators.geography
GEOGRAPHY_COLUMNS = {"State": "", "Sector": "NAICS:", "Empsize": "size:"}
NATIONAL = "US"
UNIT = "percent_of_firms"
OLD_WORDING = "2023_goods_or_services"
NEW_WORDING = "2025_any_business_function"
# (indicator, phrase the question must contain); the wording phrase then picks the version
QUESTIONS = (
    ("btos_ai_use_rate", "did this business use artificial intelligence (ai)"),
    ("btos_ai_use_expected_rate", "will be using artificial intelligence (ai)"),
)
WORDINGS = (
    (OLD_WORDING, "in producing goods or services"),
    (NEW_WORDING, "in any of its business functions"),
)
NO_READING = {"S": "suppressed", ".": "not collected", "": "empty"}
PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)%$")
SMPDT = re.compile(r"^(\d{4})(\d{2})$")
ZIP_MAGIC = b"PK\x03\x04"
COLUMNS = [
    "indicator",
    "geography",
    "period_date",
    "value",
    "unit",
    "series_version",
    "source",
    "std_error",
]


class WorkbookError(BubblemeterError, ValueError):
    """A file that is not a BTOS workbook as the parser knows it; the message says why."""


class NoAIQuestion(WorkbookError):
    """A BTOS workbook without the AI questions (the first series, to 202318, did not ask)."""


@dataclass(frozen=True)
class Period:
    """One BTOS sample period (smpdt): its collection window and its reference period."""

    smpdt: str
    collection_start: date
    collection_end: date
    reference_start: date
    reference_end: date


def sha256(body: bytes) -> str:
    """The SHA-256 of a body, hex."""
    return hashlib.sha256(body).hexdigest()


def _norm(text: object) -> str:
    """Question text compared loosely: no-break spaces, runs of spaces and case ignored."""
    return " ".join(str(text).replace("\xa0", " ").split()).lower()


def _smpdt(cell: object) -> str | None:
    """'202524' from a header cell ('202524' or 202524.0), else None."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    return text if SMPDT.match(text) else None


def _day(cell: object, where: str) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    try:
        return datetime.strptime(str(cell).strip(), "%m/%d/%Y").date()
    except ValueError:
        raise WorkbookError(f"{where}: {cell!r} is not a date (MM/DD/YYYY)") from None


def _sheets(
    body: bytes, label: str, names: tuple[str, ...] = (ESTIMATES, STANDARD_ERRORS, DATES)
) -> dict[str, list[list]]:
    """The sheets the parser reads, as rows of cells."""
    if not body.startswith(ZIP_MAGIC):
        start = body[:200].decode("utf-8", "replace").strip().lower()
        what = "an HTML page" if "<html" in start or "<!doctype" in start else "not a workbook"
        raise WorkbookError(f"{label}: {what} (no xlsx signature; a maintenance page?)")
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(body))
        missing = [s for s in names if s not in book.sheet_names]
        if missing:
            raise WorkbookError(
                f"{label}: no sheet {', '.join(repr(s) for s in missing)} "
                f"(sheets: {', '.join(book.sheet_names)})"
            )
        return {s: book.get_sheet_by_name(s).to_python() for s in names}
    except CalamineError as exc:
        raise WorkbookError(f"{label}: unreadable workbook ({exc})") from None


def periods(rows: list[list], label: str) -> dict[str, Period]:
    """smpdt -> Period, from the `Collection and Reference Dates` sheet."""
    if not rows or [str(c).strip() for c in rows[0][:5]] != DATES_HEADER:
        got = rows[0][:5] if rows else []
        raise WorkbookError(f"{label}: sheet {DATES!r} header is {got}, expected {DATES_HEADER}")
    out = {}
    for n, row in enumerate(rows[1:], start=2):
        smpdt = _smpdt(row[0]) if row else None
        if smpdt is None:
            continue  # footnotes below the table
        where = f"{label}: {DATES!r} row {n}"
        out[smpdt] = Period(smpdt, *(_day(c, where) for c in row[1:5]))
    if not out:
        raise WorkbookError(f"{label}: sheet {DATES!r} lists no sample period")
    return out


def _layout(header: list, sheet: str, label: str) -> tuple[str | None, int, list[tuple[int, str]]]:
    """(geography column or None, index of 'Question ID', [(column index, smpdt)])."""
    names = [str(c).strip() for c in header]
    if "Question ID" not in names:
        raise WorkbookError(f"{label}: sheet {sheet!r} has no 'Question ID' column")
    q = names.index("Question ID")
    if names[q : q + 4] != QUESTION_COLUMNS:
        raise WorkbookError(
            f"{label}: sheet {sheet!r} header {names[q : q + 4]} is not {QUESTION_COLUMNS}"
        )
    geography = None
    if q == 1 and names[0] in GEOGRAPHY_COLUMNS:
        geography = names[0]
    elif q != 0:
        raise WorkbookError(
            f"{label}: sheet {sheet!r} starts with {names[:q]}; expected one of "
            f"{', '.join(GEOGRAPHY_COLUMNS)} or none (national)"
        )
    periods_at = [(i, _smpdt(c)) for i, c in enumerate(header[q + 4 :], start=q + 4)]
    unknown = [header[i] for i, s in periods_at if s is None and str(header[i]).strip()]
    if unknown:
        raise WorkbookError(
            f"{label}: sheet {sheet!r} has columns {unknown[:3]} that are not smpdt"
        )
    periods_at = [(i, s) for i, s in periods_at if s]
    if not periods_at:
        raise WorkbookError(f"{label}: sheet {sheet!r} has no sample-period column")
    return geography, q, periods_at


def _question(text: str, label: str) -> tuple[str, str] | None:
    """(indicator, series_version) of an AI question, None for any other question."""
    norm = _norm(text)
    for indicator, phrase in QUESTIONS:
        if phrase in norm:
            for version, wording in WORDINGS:
                if wording in norm:
                    return indicator, version
            raise WorkbookError(f"{label}: AI question in a wording not known here: {text[:160]!r}")
    return None


def _geography(kind: str | None, cell: object) -> str:
    if kind is None:
        return NATIONAL
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return f"{GEOGRAPHY_COLUMNS[kind]}{str(cell).strip()}"


def _readings(rows: list[list], sheet: str, label: str) -> tuple[dict, str | None, list]:
    """(indicator, version, geography, smpdt) -> text of each Yes cell of the AI questions."""
    if not rows:
        raise WorkbookError(f"{label}: sheet {sheet!r} is empty")
    kind, q, periods_at = _layout(rows[0], sheet, label)
    out = {}
    for row in rows[1:]:
        if len(row) < q + 4 or str(row[q + 3]).strip() != "Yes":
            continue
        question = _question(row[q + 1], label)
        if question is None:
            continue
        geography = _geography(kind, row[0]) if kind else NATIONAL
        for i, smpdt in periods_at:
            key = (*question, geography, smpdt)
            if key in out:
                raise WorkbookError(f"{label}: sheet {sheet!r} repeats {key}")
            out[key] = row[i] if i < len(row) else ""
    return out, kind, [s for _, s in periods_at]


def _percent(cell: object, where: str) -> float | None:
    """17.2 from '17.2%'; None for 'S', '.' or an empty cell; WorkbookError otherwise."""
    text = str(cell).strip() if cell is not None else ""
    if text in NO_READING:
        return None
    match = PERCENT.match(text)
    if not match:
        raise WorkbookError(f"{where}: {cell!r} is not a percentage, 'S' or '.'")
    return float(match.group(1))


def workbook_frame(body: bytes, name: str, label: str | None = None) -> pd.DataFrame:
    """adoption_indicators rows (with std_error) of one BTOS workbook's AI questions.

    `name` is the workbook as Census names it ("National.xlsx"); it goes into `source`.
    period_date is the end of the survey's two-week reference period (the snapshot table's
    dates are those). WorkbookError names what is wrong with a file that does not parse.
    """
    label = label or name
    sheets = _sheets(body, label)
    dates = periods(sheets[DATES], label)
    source = f"US Census Bureau, Business Trends and Outlook Survey, {name}"
    return _frame(sheets, ESTIMATES, STANDARD_ERRORS, dates, source, label)


# The archive of the old wording: one pair of sheets per geography, the same layout each.
ARCHIVE_SHEETS = (
    ("National Estimates", "National SE"),
    ("Sector Estimates", "Sector SE"),
    ("State Estimates", "State SE"),
    ("Employment Size Estimates", "Employment Size SE"),
)


def archive_frame(body: bytes, name: str, label: str | None = None) -> pd.DataFrame:
    """adoption_indicators rows of Census's archive of the old wording (`AI Core Questions.xlsx`):
    national, sector, state and size sheets, read as the workbooks are."""
    label = label or name
    wanted = tuple(s for pair in ARCHIVE_SHEETS for s in pair) + (DATES,)
    sheets = _sheets(body, label, wanted)
    dates = periods(sheets[DATES], label)
    frames = [
        _frame(sheets, est, se, dates, f"US Census Bureau, BTOS archive {name}, {est}", label)
        for est, se in ARCHIVE_SHEETS
    ]
    return pd.concat(frames, ignore_index=True)


def _frame(
    sheets: dict[str, list[list]],
    estimates_sheet: str,
    errors_sheet: str,
    dates: dict[str, Period],
    source: str,
    label: str,
) -> pd.DataFrame:
    estimates, kind, smpdts = _readings(sheets[estimates_sheet], estimates_sheet, label)
    if not estimates:
        raise NoAIQuestion(f"{label}: no AI question in {estimates_sheet!r}")
    errors, error_kind, _ = _readings(sheets[errors_sheet], errors_sheet, label)
    if error_kind != kind:
        raise WorkbookError(f"{label}: the two response sheets name different geographies")
    undated = sorted(set(smpdts) - set(dates))
    if undated:
        raise WorkbookError(f"{label}: periods {undated[:3]} missing from {DATES!r}")
    records = []
    for (indicator, version, geography, smpdt), cell in estimates.items():
        where = f"{label}: {estimates_sheet!r} {geography} {smpdt}"
        value = _percent(cell, where)
        if value is None:
            continue
        se_cell = errors.get((indicator, version, geography, smpdt))
        std_error = (
            _percent(se_cell, f"{label}: {errors_sheet!r} {geography} {smpdt}") if se_cell else None
        )
        period = dates[smpdt].reference_end
        records.append((indicator, geography, period, value, UNIT, version, source, std_error))
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame["period_date"] = pd.to_datetime(frame["period_date"]).dt.date
    return frame.sort_values(
        ["indicator", "series_version", "geography", "period_date"]
    ).reset_index(drop=True)
