"""One settings object, read once from the environment and passed down."""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

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


def url(text: str) -> str:
    """A base URL, without the trailing slash."""
    return text.rstrip("/")


TYPE_NAMES = {str: "text", Path: "path", url: "URL", float: "number", int: "whole number"}


@dataclass(frozen=True)
class Setting:
    """Where a Settings field is read from, how, and what it means (the docs table's row)."""

    env: tuple[str, ...]  # the first of these variables that is set wins
    help: str
    parse: Callable[[str], Any] = str
    shown_default: str | None = None  # the default in words, where the value says little

    def read(self, env: Mapping[str, str]) -> Any:
        """The setting's value from the environment, or MISSING when no variable is set."""
        name = next((n for n in self.env if env.get(n)), None)
        if name is None:
            return MISSING
        try:
            return self.parse(env[name])
        except ValueError:
            raise ConfigError(f"{name}={env[name]!r} is not a number") from None


def setting(
    default: Any,
    env: str | tuple[str, ...],
    help: str,
    parse: Callable[[str], Any] = str,
    shown_default: str | None = None,
    secret: bool = False,
):
    """A Settings field read from `env`: one row of the settings table."""
    spec = Setting((env,) if isinstance(env, str) else env, help, parse, shown_default)
    return field(default=default, repr=not secret, metadata={"setting": spec})


@dataclass(frozen=True)
class Settings:
    """Every setting, declared once: its field, variable, type, default and meaning.

    Settings.from_env reads them and docs/settings.md is generated from them
    (`python -m warehouse.settings --markdown`).
    """

    db: str = setting(
        str(DEFAULT_DB),
        "BUBBLEMETER_DB",
        "warehouse file, or `md:NAME` for a MotherDuck database (see [operations](operations.md))",
    )
    universe_path: Path = setting(
        DEFAULT_UNIVERSE,
        "BUBBLEMETER_UNIVERSE",
        "the tracked-universe file",
        Path,
        "`warehouse/universe.toml`",
    )
    sec_user_agent: str | None = setting(
        None,
        "BUBBLEMETER_SEC_USER_AGENT",
        "SEC requires a name and email, e.g. `Jane Doe jane@example.com`",
        shown_default="none: SEC source skipped",
    )
    yahoo_url: str | None = setting(
        None,
        "BUBBLEMETER_YAHOO_URL",
        "base URL replacing every Yahoo host (mirrors, proxies, tests)",
        url,
        "Yahoo",
    )
    sec_url: str = setting(
        "https://data.sec.gov",
        "BUBBLEMETER_SEC_URL",
        "base URL replacing `https://data.sec.gov`",
        url,
    )
    sec_archives_url: str = setting(
        "https://www.sec.gov",
        "BUBBLEMETER_SEC_ARCHIVES_URL",
        "base URL replacing `https://www.sec.gov` (filing documents under `/Archives/edgar/data`)",
        url,
    )
    sec_filings_since: int = setting(
        2022,
        "BUBBLEMETER_SEC_FILINGS_SINCE",
        "calendar year from which a first load reads 10-Q and 10-K filings (by report date)",
        int,
    )
    census_url: str = setting(
        "https://www.census.gov/hfp/btos/downloads",
        "BUBBLEMETER_CENSUS_URL",
        "base URL of the Census BTOS workbooks (`National.xlsx`, ...), "
        "replacing `https://www.census.gov/hfp/btos/downloads/`",
        url,
    )
    http_timeout_s: float = setting(
        10.0, "BUBBLEMETER_HTTP_TIMEOUT", "seconds per HTTP request", float
    )
    http_tries: int = setting(
        4,
        "BUBBLEMETER_HTTP_TRIES",
        "attempts per live request before the item fails (429, 5xx, timeouts)",
        int,
    )
    http_backoff_s: float = setting(
        1.0,
        "BUBBLEMETER_HTTP_BACKOFF",
        "seconds before the second attempt; doubles each time (at most 30)",
        float,
    )
    sql_timeout_s: float = setting(
        5.0,
        "BUBBLEMETER_SQL_TIMEOUT",
        "seconds a user query may run (`bubblemeter sql`, the SQL console)",
        float,
    )
    sql_row_cap: int = setting(
        10_000,
        "BUBBLEMETER_SQL_ROW_CAP",
        "rows the SQL console shows before it flags the result as truncated",
        int,
    )
    sql_memory_limit: str = setting(
        "1GB",
        "BUBBLEMETER_SQL_MEMORY_LIMIT",
        "memory one user query may use (DuckDB size, e.g. `512MB`)",
    )
    # MotherDuck's own variable name; its extension reads the same one.
    motherduck_token: str | None = setting(
        None,
        ("motherduck_token", "MOTHERDUCK_TOKEN"),
        "MotherDuck access token, needed with `md:NAME` (MotherDuck's own variable name)",
        shown_default="none",
        secret=True,
    )
    remote_connect_timeout_s: float = setting(
        15.0,
        "BUBBLEMETER_MD_CONNECT_TIMEOUT",
        "seconds to wait for MotherDuck to open before giving up",
        float,
    )
    duckdb_extension_repository: str | None = setting(
        None,
        "BUBBLEMETER_DUCKDB_EXTENSION_REPOSITORY",
        "where DuckDB downloads its `motherduck` extension from "
        "(a mirror for proxied or air-gapped networks)",
        shown_default="DuckDB's own",
    )
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Build settings from BUBBLEMETER_* variables, then apply explicit overrides."""
        env = os.environ if env is None else env
        values = {name: spec.read(env) for name, spec, _ in table()}
        values = {k: v for k, v in values.items() if v is not MISSING}
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


def table() -> list[tuple[str, Setting, Any]]:
    """Each setting's field name, declaration and default, in declaration order."""
    return [(f.name, f.metadata["setting"], f.default) for f in fields(Settings) if f.metadata]


def _shown(spec: Setting, default: Any) -> str:
    if spec.shown_default is not None:
        return spec.shown_default
    if isinstance(default, (int, float)):
        return f"{default:g}"
    return f"`{default}`"


def settings_markdown() -> str:
    """docs/settings.md: every setting, its variable, meaning, type and default."""
    lines = [
        "# Settings",
        "",
        "<!-- generated by `python -m warehouse.settings --markdown` from the Settings class",
        "     in warehouse/settings.py; tests/test_settings_doc.py checks it -->",
        "",
        "bubblemeter reads these environment variables once, into one `Settings` object",
        "(`Settings.from_env`). `--db` overrides `BUBBLEMETER_DB`.",
        "",
        "| variable | meaning | type | default |",
        "|---|---|---|---|",
    ]
    for _, spec, default in table():
        variables = " or ".join(f"`{name}`" for name in spec.env)
        kind = TYPE_NAMES.get(spec.parse, "text")
        lines.append(f"| {variables} | {spec.help} | {kind} | {_shown(spec, default)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["--markdown"]:
        raise SystemExit("usage: python -m warehouse.settings --markdown")
    sys.stdout.write(settings_markdown())
