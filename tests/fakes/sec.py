"""A loopback fake of SEC EDGAR's companyfacts API, serving the recorded files of the snapshot.

    GET /api/xbrl/companyfacts/CIK##########.json   the file sec/companyfacts/CIK##########.json
                                                    (read by path), 404 when there is none

Like SEC, it answers 403 to a request whose User-Agent has no email address. Requests are keyed
by ticker (through the universe file's CIKs), so faults are set per ticker:
"empty" serves a response with no facts, "missing_field" one without the `facts` field.

Usage:
    with FakeSec() as sec:
        settings = Settings.from_env(env={}, db=..., sec_url=sec.url,
                                     sec_user_agent="Jane Doe jane@example.com")
        sec.fail("META", "500")
        [r.at for r in sec.requests_for("companyfacts")]   # arrival times (rate limit)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import SNAPSHOT
from tests.fakes.base import FakeServer, Request, Response
from warehouse.settings import DEFAULT_UNIVERSE, load_universe

COMPANYFACTS = re.compile(r"^/api/xbrl/companyfacts/CIK(\d{10})\.json$")


class FakeSec(FakeServer):
    """Fake data.sec.gov on loopback."""

    def __init__(
        self, data_dir: Path | str = SNAPSHOT, universe: Path = DEFAULT_UNIVERSE, **kwargs
    ):
        super().__init__(**kwargs)
        self.data_dir = Path(data_dir)
        self.ticker_of = {c.cik: c.ticker for c in load_universe(universe) if c.cik}

    def route(self, method, path, query, headers):
        match = COMPANYFACTS.match(path)
        if not match:
            return "other", None
        cik = int(match.group(1))
        return "companyfacts", self.ticker_of.get(cik, str(cik))

    def respond(self, request: Request, fault: str | None) -> Response:
        agent = {k.lower(): v for k, v in request.headers.items()}.get("user-agent", "")
        if "@" not in agent:
            return Response(
                403, b'{"message": "Request originates from an undeclared automated tool."}'
            )
        match = COMPANYFACTS.match(request.path)
        if not match:
            return Response(404, b'{"message": "Not Found"}')
        path = self.data_dir / "sec" / "companyfacts" / f"CIK{match.group(1)}.json"
        if not path.exists():
            return Response(404, b'{"message": "Not Found"}')
        if fault in ("empty", "missing_field", "garbage"):
            doc = json.loads(path.read_text())
            if fault == "empty":
                doc["facts"] = {}
            elif fault == "missing_field":
                doc.pop("facts", None)
            else:  # every other USD value +-1e308: the shape SEC sends, numbers that are not
                for concept in doc["facts"].get("us-gaap", {}).values():
                    for n, entry in enumerate(concept.get("units", {}).get("USD", [])):
                        entry["val"] = 1e308 if n % 2 else -1e308
            return Response(200, json.dumps(doc).encode())
        return Response(200, path.read_bytes())
