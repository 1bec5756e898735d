"""SEC companyfacts JSON -> quarterly financial_facts rows (pure).

companyfacts flows are year-to-date as filed: Q2 = H1 - Q1, Q3 = 9M - H1, Q4 = FY - 9M.
A re-filed fact keeps its latest filing; first_filed_at is the first filing that reported the
same value, the day it became known (thesis_history reads it). Facts that do not span a quarter
(TTM, annual) are never stored as a quarter; they are only used to de-cumulate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from ingest.normalise.fiscal import calendar_quarter, fiscal_period, is_quarter_length
from ingest.normalise.validate import amount_problem
from warehouse.errors import BubblemeterError

# metric -> concepts in order of preference (the first one that covers a period wins).
CONCEPTS: dict[str, tuple[str, ...]] = {
    "revenue": (
        "Revenues",
        "RevenueFromContractWithCustomerExcludingAssessedTax",
        "SalesRevenueNet",
    ),
    "cost_of_revenue": ("CostOfRevenue",),
    "gross_profit": ("GrossProfit",),
    "operating_income": ("OperatingIncomeLoss",),
    "net_income": ("NetIncomeLoss",),
    "capex": ("PaymentsToAcquirePropertyPlantAndEquipment",),
    "finance_lease_principal_payments": ("FinanceLeasePrincipalPayments",),
}
# Companies that tag a metric with another concept.
CONCEPT_OVERRIDES: dict[str, dict[str, tuple[str, ...]]] = {
    "AMZN": {
        "capex": ("PaymentsToAcquireProductiveAssets", "PaymentsToAcquirePropertyPlantAndEquipment")
    },
}

COLUMNS = [
    "ticker",
    "metric",
    "fiscal_year",
    "fiscal_quarter",
    "period_start",
    "period_end",
    "calendar_year",
    "calendar_quarter",
    "value_usd",
    "form",
    "filed_at",
    "first_filed_at",
    "source",
    "source_detail",
]


class PayloadError(BubblemeterError, ValueError):
    """A payload that does not have the expected shape."""


@dataclass(frozen=True)
class Fact:
    start: date
    end: date
    value: float
    form: str | None
    filed: date | None
    accn: str | None
    concept: str
    first_filed: date | None = None


def concepts_for(ticker: str, metric: str) -> tuple[str, ...]:
    """The concept list used for a company's metric."""
    return CONCEPT_OVERRIDES.get(ticker, {}).get(metric, CONCEPTS[metric])


def _parse_date(value, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PayloadError(f"bad date {value!r} in {what}") from None


def duration_facts(payload: dict, concepts: tuple[str, ...]) -> dict[tuple[date, date], Fact]:
    """Flow facts by (start, end): preferred concept first, then the latest filing."""
    if not isinstance(payload, dict) or not isinstance(payload.get("facts"), dict):
        raise PayloadError("missing field 'facts'")
    gaap = payload["facts"].get("us-gaap", {})
    chosen: dict[tuple[date, date], Fact] = {}
    for concept in concepts:
        entries = gaap.get(concept, {}).get("units", {}).get("USD", [])
        best: dict[tuple[date, date], Fact] = {}
        seen: dict[tuple[date, date], list[Fact]] = {}
        for raw in entries:
            if "start" not in raw or "end" not in raw:
                continue  # an instant, not a flow
            if "val" not in raw:
                raise PayloadError(f"missing field 'val' in {concept}")
            fact = Fact(
                start=_parse_date(raw["start"], concept),
                end=_parse_date(raw["end"], concept),
                value=float(raw["val"]),
                form=raw.get("form"),
                filed=_parse_date(raw["filed"], concept) if raw.get("filed") else None,
                accn=raw.get("accn"),
                concept=concept,
            )
            key = (fact.start, fact.end)
            seen.setdefault(key, []).append(fact)
            old = best.get(key)
            if old is None or (fact.filed or date.min, fact.accn or "") > (
                old.filed or date.min,
                old.accn or "",
            ):
                best[key] = fact
        for key, fact in best.items():
            # the first filing that reported the kept value: when that value became known
            same = [
                f.filed for f in seen.get(key, []) if f.value == fact.value and f.filed is not None
            ]
            first = min(same) if same else fact.filed
            chosen.setdefault(key, replace(fact, first_filed=first))
    return chosen


def quarterly(facts: dict[tuple[date, date], Fact]) -> list[tuple[date, date, float, Fact, str]]:
    """Discrete quarters (start, end, value, latest fact used, how) from direct and YTD facts."""
    quarters: dict[date, tuple[date, date, float, Fact, str]] = {}
    for (start, end), fact in facts.items():
        if is_quarter_length(start, end):
            quarters[end] = (start, end, fact.value, fact, "as filed")

    def cumulative(start: date, end: date) -> float | None:
        if (start, end) in facts:
            return facts[(start, end)].value
        total, cursor = 0.0, start
        while cursor <= end:
            match = next((q for q in quarters.values() if q[0] == cursor and q[1] <= end), None)
            if match is None:
                return None
            total += match[2]
            cursor = match[1] + timedelta(days=1)
        return total if cursor == end + timedelta(days=1) else None

    for (start, end), fact in sorted(facts.items(), key=lambda kv: kv[0][1]):
        if end in quarters or (end - start).days < 100 or (end - start).days > 380:
            continue
        prior_ends = sorted(
            {e for (s, e) in facts if s == start and e < end}
            | {q[1] for q in quarters.values() if start <= q[0] and q[1] < end},
            reverse=True,
        )
        for prior_end in prior_ends:
            q_start = prior_end + timedelta(days=1)
            if not is_quarter_length(q_start, end):
                continue
            before = cumulative(start, prior_end)
            if before is None:
                continue
            how = f"derived: {start}..{end} minus {start}..{prior_end}"
            quarters[end] = (q_start, end, fact.value - before, fact, how)
            break
    return sorted(quarters.values(), key=lambda q: q[1])


def companyfacts_to_frame(
    payload: dict, ticker: str, fiscal_year_end_month: int, origin: str = "SEC EDGAR companyfacts"
) -> pd.DataFrame:
    """Normalise one companyfacts response to financial_facts rows with source='sec'."""
    rows = []
    for metric in CONCEPTS:
        facts = duration_facts(payload, concepts_for(ticker, metric))
        for start, end, value, fact, how in quarterly(facts):
            fy, fq = fiscal_period(end, fiscal_year_end_month)
            cy, cq = calendar_quarter(start, end)
            rows.append(
                {
                    "ticker": ticker,
                    "metric": metric,
                    "fiscal_year": fy,
                    "fiscal_quarter": fq,
                    "period_start": start,
                    "period_end": end,
                    "calendar_year": cy,
                    "calendar_quarter": cq,
                    "value_usd": value,
                    "form": fact.form,
                    "filed_at": fact.filed,
                    "first_filed_at": fact.first_filed,
                    "source": "sec",
                    "source_detail": f"{origin}; {fact.concept}; accn {fact.accn}; {how}",
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    problem = amount_problem(frame["value_usd"], "fact values")
    if problem:
        raise PayloadError(problem[0])
    # Two periods naming one fiscal quarter would mean a calendar we do not understand.
    return frame.drop_duplicates(["ticker", "metric", "fiscal_year", "fiscal_quarter"], keep="last")
