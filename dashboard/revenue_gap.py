"""The "AI's $600B question" method, as pure arithmetic on editable assumptions.

Take NVIDIA's data-center revenue for a quarter and annualise it (x4: the run-rate). GPUs are
only part of what a data center costs, so multiply by a cost multiplier to get the total
spend it implies. Whoever buys that compute must earn a margin on it, so multiply again by a
margin multiplier: that is the revenue end users must earn from AI each year to pay for it.
The gap is that figure minus the AI revenue actually earned. The warehouse holds no data on AI
revenue earned, so it is the user's own estimate, and without it there is no gap to show.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from warehouse.errors import BubblemeterError

QUARTERS_PER_YEAR = 4
# The method's published assumptions (editable on the page): GPUs about half of a data
# center's total cost, and a 50% gross margin for whoever sells the AI services.
DEFAULT_COST_MULTIPLIER = 2.0
DEFAULT_MARGIN_MULTIPLIER = 2.0


class BadAssumption(BubblemeterError, ValueError):
    """An input the method cannot use; the message says which and why."""


@dataclass(frozen=True)
class Gap:
    data_center_revenue_usd: float  # one quarter
    run_rate_usd: float  # x4
    cost_multiplier: float
    data_center_cost_usd: float  # run-rate x cost multiplier
    margin_multiplier: float
    required_revenue_usd: float  # what end users must earn per year
    earned_usd: float | None  # the user's estimate, per year
    gap_usd: float | None  # required - earned

    def as_dict(self) -> dict:
        """Plain values, for CSV rows."""
        return asdict(self)


def check_multiplier(value, name: str) -> float:
    """A multiplier as a float of at least 1 (below 1 would mean negative cost or margin)."""
    if value is None or value == "":
        raise BadAssumption(f"{name} is empty: enter a number of 1 or more")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadAssumption(f"{name} {value!r} is not a number") from None
    if not number >= 1:
        raise BadAssumption(f"{name} must be 1 or more (got {number:g})")
    return number


def check_earned(value) -> float | None:
    """The user's estimate in USD billions per year -> USD, or None when left empty."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadAssumption(f"AI revenue earned {value!r} is not a number") from None
    if number < 0:
        raise BadAssumption("AI revenue earned cannot be negative")
    return number * 1e9


def compute(
    data_center_revenue_usd: float,
    cost_multiplier: float,
    margin_multiplier: float,
    earned_usd: float | None = None,
) -> Gap:
    """Apply the method to one quarter's data-center revenue."""
    run_rate = data_center_revenue_usd * QUARTERS_PER_YEAR
    cost = run_rate * cost_multiplier
    required = cost * margin_multiplier
    gap = None if earned_usd is None else required - earned_usd
    return Gap(
        data_center_revenue_usd,
        run_rate,
        cost_multiplier,
        cost,
        margin_multiplier,
        required,
        earned_usd,
        gap,
    )


def table(
    frame: pd.DataFrame, cost_multiplier: float, margin_multiplier: float, earned_usd: float | None
) -> pd.DataFrame:
    """The method applied to every quarter of stg_nvda_data_center (the rows drawn)."""
    rows = []
    for r in frame.itertuples():
        gap = compute(r.data_center_revenue_usd, cost_multiplier, margin_multiplier, earned_usd)
        rows.append({"fiscal_label": r.fiscal_label, "period_end": r.period_end, **gap.as_dict()})
    return pd.DataFrame(rows)
