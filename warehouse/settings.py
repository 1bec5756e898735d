"""One settings object, read once from the environment and passed down."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from warehouse.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DB = Path("data/warehouse.duckdb")
DEFAULT_UNIVERSE = PACKAGE_DIR / "universe.toml"
ROLES = ("gpu_vendor", "hyperscaler", "enterprise_adopter", "supply_chain", "benchmark")


@dataclass(frozen=True)
class Company:
    ticker: str
    name: str
    role: str
    cik: int | None = None
    fiscal_year_end_month: int | None = None


@dataclass(frozen=True)
class Settings:
    db: str = str(DEFAULT_DB)
    universe_path: Path = DEFAULT_UNIVERSE
    sec_user_agent: str | None = None
    yahoo_url: str | None = None
    sec_url: str = "https://data.sec.gov"
    http_timeout_s: float = 10.0
    http_tries: int = 4  # attempts per request before an item fails
    http_backoff_s: float = 1.0  # first wait between attempts; doubles each time
    sql_timeout_s: float = 5.0
    sql_row_cap: int = 10_000
    sql_memory_limit: str = "1GB"
    motherduck_token: str | None = field(default=None, repr=False)
    remote_connect_timeout_s: float = 15.0
    duckdb_extension_repository: str | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> Settings:
        """Build settings from BUBBLEMETER_* variables, then apply explicit overrides."""
        env = os.environ if env is None else env
        values: dict = {}
        if env.get("BUBBLEMETER_DB"):
            values["db"] = env["BUBBLEMETER_DB"]
        if env.get("BUBBLEMETER_UNIVERSE"):
            values["universe_path"] = Path(env["BUBBLEMETER_UNIVERSE"])
        if env.get("BUBBLEMETER_SEC_USER_AGENT"):
            values["sec_user_agent"] = env["BUBBLEMETER_SEC_USER_AGENT"]
        if env.get("BUBBLEMETER_YAHOO_URL"):
            values["yahoo_url"] = env["BUBBLEMETER_YAHOO_URL"].rstrip("/")
        if env.get("BUBBLEMETER_SEC_URL"):
            values["sec_url"] = env["BUBBLEMETER_SEC_URL"].rstrip("/")
        if env.get("BUBBLEMETER_DUCKDB_EXTENSION_REPOSITORY"):
            values["duckdb_extension_repository"] = env["BUBBLEMETER_DUCKDB_EXTENSION_REPOSITORY"]
        # MotherDuck's own variable name; its extension reads the same one.
        token = env.get("motherduck_token") or env.get("MOTHERDUCK_TOKEN")
        if token:
            values["motherduck_token"] = token
        for key, name, kind in (
            ("http_timeout_s", "BUBBLEMETER_HTTP_TIMEOUT", float),
            ("http_tries", "BUBBLEMETER_HTTP_TRIES", int),
            ("http_backoff_s", "BUBBLEMETER_HTTP_BACKOFF", float),
            ("remote_connect_timeout_s", "BUBBLEMETER_MD_CONNECT_TIMEOUT", float),
            ("sql_timeout_s", "BUBBLEMETER_SQL_TIMEOUT", float),
            ("sql_row_cap", "BUBBLEMETER_SQL_ROW_CAP", int),
        ):
            if env.get(name):
                try:
                    values[key] = kind(env[name])
                except ValueError:
                    raise ConfigError(f"{name}={env[name]!r} is not a number") from None
        if env.get("BUBBLEMETER_SQL_MEMORY_LIMIT"):
            values["sql_memory_limit"] = env["BUBBLEMETER_SQL_MEMORY_LIMIT"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes) -> Settings:
        """Return a copy with some fields changed."""
        return replace(self, **changes)

    @property
    def is_local_file(self) -> bool:
        """True when the warehouse is a file on this machine (not md: or :memory:)."""
        return not (
            self.db.startswith("md:") or self.db.startswith("motherduck:") or self.db == ":memory:"
        )

    @property
    def is_motherduck(self) -> bool:
        """True when the warehouse is a MotherDuck database (md:NAME)."""
        return self.db.startswith("md:") or self.db.startswith("motherduck:")

    def universe(self) -> list[Company]:
        """Read the tracked universe from its TOML file."""
        return load_universe(self.universe_path)


def load_universe(path: Path) -> list[Company]:
    """Parse and check the universe file; raise ConfigError naming the file on any problem."""
    try:
        doc = tomllib.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: universe file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    companies = []
    seen = set()
    for i, entry in enumerate(doc.get("company", []), start=1):
        missing = [k for k in ("ticker", "name", "role") if not entry.get(k)]
        if missing:
            raise ConfigError(f"{path}: company #{i} is missing {', '.join(missing)}")
        if entry["role"] not in ROLES:
            raise ConfigError(
                f"{path}: company {entry['ticker']} has role {entry['role']!r}; "
                f"use one of {', '.join(ROLES)}"
            )
        month = entry.get("fiscal_year_end_month")
        if month is not None and not 1 <= int(month) <= 12:
            raise ConfigError(f"{path}: company {entry['ticker']} fiscal_year_end_month={month}")
        ticker = str(entry["ticker"]).upper()
        if ticker in seen:
            raise ConfigError(f"{path}: company {ticker} is listed twice")
        seen.add(ticker)
        companies.append(
            Company(
                ticker=ticker,
                name=entry["name"],
                role=entry["role"],
                cik=entry.get("cik"),
                fiscal_year_end_month=month,
            )
        )
    if not companies:
        raise ConfigError(f"{path}: no [[company]] entries")
    return companies
