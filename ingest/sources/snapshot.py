"""File client for a snapshot directory (layout: docs/sources.md). I/O only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

CSV_TABLES = (
    "corporate_actions",
    "financial_facts",
    "segment_revenue",
    "customer_concentration",
    "adoption_indicators",
    "earnings_events",
)
CIK_FILE = re.compile(r"^CIK(\d{10})\.json$")


@dataclass(frozen=True)
class RawFile:
    """One file of a snapshot, read but not interpreted."""

    dataset: str  # prices | sec | one of CSV_TABLES
    path: Path
    key: str | None  # ticker for prices, CIK for sec, None for tables

    @property
    def name(self) -> str:
        return str(self.path)


class SnapshotClient:
    """Lists and reads the files of a snapshot directory."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"snapshot directory {self.root} does not exist")

    def files(self) -> list[RawFile]:
        """Every file the layout names, in load order: prices, tables, SEC companyfacts."""
        found = []
        for path in sorted((self.root / "prices").glob("*.csv")):
            found.append(RawFile("prices", path, path.stem.upper()))
        for table in CSV_TABLES:
            path = self.root / f"{table}.csv"
            if path.exists():
                found.append(RawFile(table, path, None))
        for path in sorted((self.root / "sec" / "companyfacts").glob("*.json")):
            match = CIK_FILE.match(path.name)
            found.append(RawFile("sec", path, str(int(match.group(1))) if match else None))
        return found

    @staticmethod
    def read_text(raw: RawFile) -> str:
        """The file's text."""
        return raw.path.read_text(encoding="utf-8")

    @staticmethod
    def read_json(raw: RawFile) -> dict:
        """The file parsed as JSON (json.JSONDecodeError on a malformed file)."""
        return json.loads(raw.path.read_text(encoding="utf-8"))
