"""Pure text: number formats, the Thesis page's sentences, the staleness banner. No I/O."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

# What counts as stale: one rule for the banner and `bubblemeter status`.
from warehouse.textformat import STALE_LOAD_DAYS, STALE_PRICE_TRADING_DAYS

OPPOSITE = {"enterprise-led": "capex-led", "capex-led": "enterprise-led"}


def missing(value) -> bool:
    """True for None, NaN and NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def usd_billions(value, digits: int = 1) -> str:
    """'$89.0B' for 89,023,000,000; an en dash for a missing value."""
    if missing(value):
        return "–"
    return f"${value / 1e9:,.{digits}f}B"


def pct(value, digits: int = 1) -> str:
    """'45.3%'."""
    return "–" if missing(value) else f"{value:,.{digits}f}%"


def pp(value, digits: int = 1) -> str:
    """A change in percentage points with its sign: '+4.1 pp'."""
    if missing(value):
        return "–"
    return f"{value:+.{digits}f} pp"


def day(value) -> str:
    """'2026-07-26' for a date or timestamp; an en dash when missing."""
    if missing(value):
        return "–"
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def moment(value) -> str:
    """'2026-11-28 13:29 UTC' for a stored (naive UTC) timestamp."""
    if missing(value):
        return "–"
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")


def _number_word(n: int) -> str:
    words = ["none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return words[n] if 0 <= n < len(words) else str(n)


def _quarters(n: int) -> str:
    return f"{_number_word(n)} quarter{'' if n == 1 else 's'}"


def thesis_sentences(scorecard: pd.DataFrame) -> list[str]:
    """Sentences composed from the scorecard's numbers (never a fixed verdict): only current
    readings are counted, and the sentence says how many there are and how old the oldest is."""
    if scorecard.empty:
        return []
    current = (
        scorecard["is_current"].fillna(False).astype(bool)
        if "is_current" in scorecard
        else pd.Series(True, index=scorecard.index)
    )
    counted = scorecard[current]
    points = counted["points_to"].fillna("no year-ago reading")
    enterprise = int((points == "enterprise-led").sum())
    capex = int((points == "capex-led").sum())
    other = len(points) - enterprise - capex
    first = (
        f"Judged by the change on a year earlier, {_number_word(enterprise)} of the "
        f"{_number_word(len(points))} current readings (of {_number_word(len(scorecard))} "
        f"indicators) point toward enterprise-led growth and "
        f"{_number_word(capex)} toward capex-led growth"
    )
    if other:
        first += f"; {_number_word(other)} {'shows' if other == 1 else 'show'} no clear direction"
    first += "."
    sentences = [first]
    if len(counted) and "quarters_behind" in counted:
        oldest = counted.loc[counted["quarters_behind"].idxmax()]
        behind = int(oldest.quarters_behind)
        age = "the newest quarter" if behind == 0 else f"{_quarters(behind)} behind the newest"
        sentences.append(
            f"The oldest reading counted is {oldest.period_label} ({age} in the warehouse)."
        )
    stale = scorecard[~current]
    if len(stale):
        names = "; ".join(
            f"{r.indicator_label}, {r.period_label}, {_quarters(int(r.quarters_behind))} behind"
            for r in stale.itertuples()
        )
        sentences.append(f"Not counted, because not current: {names}.")

    rows = scorecard.set_index("indicator")
    parts = []
    if "nvda_enterprise_share" in rows.index:
        r = rows.loc["nvda_enterprise_share"]
        part = (
            f"NVIDIA's AI clouds, industrial & enterprise customers took "
            f"{pct(r.value_pct)} of its data-center revenue in {r.period_label}"
        )
        if not missing(r.year_ago_value_pct):
            part += f" ({pct(r.year_ago_value_pct)} a year earlier)"
        parts.append(part)
    if "hyperscaler_capex_yoy" in rows.index:
        r = rows.loc["hyperscaler_capex_yoy"]
        verb = "grew" if r.value_pct >= 0 else "shrank"
        part = (
            f"hyperscaler capex {verb} {pct(abs(r.value_pct))} on a year earlier in "
            f"{r.period_label}"
        )
        if not missing(r.year_ago_value_pct):
            part += f", against {pct(r.year_ago_value_pct)} growth a year before"
        parts.append(part)
    if parts:
        sentence = parts[0] if len(parts) == 1 else f"{parts[0]}, while {parts[1]}"
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
    return sentences


def trading_days_between(start, end) -> int:
    """Weekdays after start up to and including end (0 when end <= start)."""
    start_d, end_d = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    if end_d <= start_d:
        return 0
    return len(pd.bdate_range(start_d + dt.timedelta(days=1), end_d))


def failed_refresh_message(row) -> str | None:
    """'Last refresh failed: ...' for the latest failed run no full success has followed."""
    run_id = row.get("last_failed_run_id")
    if missing(run_id):
        return None
    reasons = (
        [] if missing(row.get("last_failed_reasons")) else row.last_failed_reasons.split(" | ")
    )
    verb = "failed" if row.get("last_failed_status") == "failed" else "partly failed"
    text = (
        f"Last refresh {verb}: {row.get('last_failed_mode') or 'run'} refresh at "
        f"{moment(row.last_failed_started_at)}, {int(row.last_failed_items)} "
        f"item{'s' if int(row.last_failed_items) != 1 else ''} failed"
    )
    if reasons:
        more = len(reasons) - 1
        text += f" ({reasons[0]}" + (
            f"; {more} other reason{'s' if more > 1 else ''})" if more else ")"
        )
    last = row.get("last_success_at")
    if missing(last):
        text += ". Nothing has loaded successfully yet."
    elif pd.Timestamp(last) < pd.Timestamp(row.last_failed_started_at):
        text += f". No successful load since {moment(last)}: the figures are from then."
    else:
        text += "."
    return text


def banner_messages(status: pd.DataFrame, now: dt.datetime) -> list[tuple[str, str]]:
    """(level, text) pairs for the banner: a failed refresh, offline snapshot, stale prices,
    stale load.

    `status` is the one-row warehouse_status view; `now` is naive UTC.
    """
    if status.empty:
        return []
    row = status.iloc[0]
    messages = []
    failed = failed_refresh_message(row)
    if failed:
        messages.append(("warning", failed))
    snapshot_only = row.get("snapshot_only")
    if not missing(snapshot_only) and bool(snapshot_only):
        messages.append(
            (
                "info",
                (
                    "Offline snapshot: these figures were imported from files "
                    f"(last import {moment(row.last_success_at)}), not refreshed "
                    "from the live sources."
                ),
            )
        )
    newest = row.get("newest_price_date")
    if not missing(newest):
        lag = trading_days_between(newest, now)
        if lag > STALE_PRICE_TRADING_DAYS:
            messages.append(
                (
                    "warning",
                    (
                        f"Stale prices: the newest price is from "
                        f"{day(newest)}, {lag} trading days before today "
                        f"({day(now)})."
                    ),
                )
            )
    last = row.get("last_success_at")
    if missing(last):
        messages.append(("warning", "No successful load recorded: run `bubblemeter refresh`."))
    else:
        age_days = (pd.Timestamp(now) - pd.Timestamp(last)).total_seconds() / 86400
        if age_days > STALE_LOAD_DAYS:
            messages.append(
                (
                    "warning",
                    (
                        f"Stale data: the last successful load was "
                        f"{moment(last)}, {math.floor(age_days)} days ago."
                    ),
                )
            )
    return messages
