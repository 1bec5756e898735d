"""A loopback fake of SEC EDGAR (data.sec.gov and www.sec.gov/Archives), serving real files.

    GET /api/xbrl/companyfacts/CIK##########.json   sec/companyfacts/CIK##########.json of the
                                                    snapshot (read by path), 404 when there is none
    GET /submissions/CIK##########.json             the filing index: the recorded response in
                                                    sec/recorded/submissions/ where there is one
                                                    (NVIDIA, Microsoft), else built from
                                                    sec/filings.csv in the same shape (an empty
                                                    list for a universe CIK it has no filing of)
    GET /Archives/edgar/data/{cik}/{folder}/{doc}   the real documents under sec/archives/

By default (`index="archived"`) the recorded indexes list only the 10-Q/10-K filings whose
documents the fake holds, so a first load can load every filing it is told of; `index="recorded"`
serves them as recorded (the other documents answer 404). `hide(accession)` leaves a filing
out of the index until `show(accession)`: a filing that has not happened yet.
`companyfacts="recorded"` serves the untrimmed responses of sec/recorded/companyfacts/ where
there is one (3-4 MB, what a live client really downloads), the trimmed snapshot's otherwise.

companyfacts and submissions answers carry an ETag and a Last-Modified header, and a request
with a matching If-None-Match or If-Modified-Since gets 304 with no body.

Like SEC, it answers 403 to a request whose User-Agent has no email address. Requests are keyed
by ticker (through the universe file's CIKs), so faults are set per ticker (kind=companyfacts,
submissions or document): "empty" serves companyfacts with no facts, "missing_field" one without
the `facts` field or a document whose contexts are gone, "malformed" a document cut short,
"404" answers Not Found.

Usage:
    with FakeSec() as sec:
        settings = Settings.from_env(env={}, db=..., sec_url=sec.url, sec_archives_url=sec.url,
                                     sec_user_agent="Jane Doe jane@example.com")
        sec.fail("META", "500")
        [r.at for r in sec.requests_for("companyfacts")]   # arrival times (rate limit)
        sec.bytes_served("document")                       # what the documents cost
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from email.utils import formatdate
from pathlib import Path

from tests.conftest import SNAPSHOT
from tests.fakes.base import FakeServer, Request, Response
from warehouse.settings import DEFAULT_UNIVERSE, load_universe

COMPANYFACTS = re.compile(r"^/api/xbrl/companyfacts/CIK(\d{10})\.json$")
SUBMISSIONS = re.compile(r"^/submissions/CIK(\d{10})\.json$")
DOCUMENT = re.compile(r"^/Archives/edgar/data/(\d+)/(\d{18})/([\w.\-]+)$")
FILING_FORMS = ("10-Q", "10-K", "10-Q/A", "10-K/A")
LAST_MODIFIED = formatdate(1_750_000_000, usegmt=True)  # one fixed date: answers never change


class FakeSec(FakeServer):
    """Fake data.sec.gov and www.sec.gov on one loopback port."""

    def __init__(
        self,
        data_dir: Path | str = SNAPSHOT,
        universe: Path = DEFAULT_UNIVERSE,
        index: str = "archived",
        companyfacts: str = "snapshot",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.data_dir = Path(data_dir)
        self.index = index
        self.companyfacts = companyfacts
        self.ticker_of = {c.cik: c.ticker for c in load_universe(universe) if c.cik}
        self.hidden: set[str] = set()
        with open(self.data_dir / "sec" / "filings.csv", newline="") as fh:
            self.archived = list(csv.DictReader(fh))

    def hide(self, accession: str) -> None:
        """Leave a filing out of its company's index."""
        self.hidden.add(accession)

    def show(self, accession: str) -> None:
        """List a hidden filing again."""
        self.hidden.discard(accession)

    def route(self, method, path, query, headers):
        for kind, pattern in (
            ("companyfacts", COMPANYFACTS),
            ("submissions", SUBMISSIONS),
            ("document", DOCUMENT),
        ):
            match = pattern.match(path)
            if match:
                cik = int(match.group(1))
                return kind, self.ticker_of.get(cik, str(cik))
        return "other", None

    def malformed(self, request: Request) -> Response:
        if request.kind == "document":
            body = self._document(request.path)
            if body is not None:
                return Response(200, body[: len(body) // 2], "text/html")
        return super().malformed(request)

    def respond(self, request: Request, fault: str | None) -> Response:
        agent = {k.lower(): v for k, v in request.headers.items()}.get("user-agent", "")
        if "@" not in agent:
            return Response(
                403, b'{"message": "Request originates from an undeclared automated tool."}'
            )
        if fault == "404":
            return Response(404, b'{"message": "Not Found"}')
        if request.kind == "companyfacts":
            return self._companyfacts(request, fault)
        if request.kind == "submissions":
            body = self._submissions(int(SUBMISSIONS.match(request.path).group(1)))
            if body is None:
                return Response(404, b'{"message": "Not Found"}')
            return _conditional(request, body)
        if request.kind == "document":
            body = self._document(request.path)
            if body is None:
                return Response(404, b"<html><body>Not Found</body></html>", "text/html")
            if fault == "missing_field":  # the contexts the facts refer to are gone
                body = re.sub(rb"<xbrli:context .*?</xbrli:context>", b"", body, flags=re.S)
            return Response(200, body, "text/html")
        return Response(404, b'{"message": "Not Found"}')

    def _companyfacts(self, request: Request, fault: str | None) -> Response:
        match = COMPANYFACTS.match(request.path)
        path = self.data_dir / "sec" / "companyfacts" / f"CIK{match.group(1)}.json"
        recorded = self.data_dir / "sec" / "recorded" / "companyfacts" / path.name
        if self.companyfacts == "recorded" and recorded.exists():
            path = recorded
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
        return _conditional(request, path.read_bytes())

    def _document(self, path: str) -> bytes | None:
        match = DOCUMENT.match(path)
        if not match:
            return None
        cik, folder, name = match.groups()
        file = self.data_dir / "sec" / "archives" / "edgar" / "data" / cik / folder / name
        if ".." in path or not file.is_file():
            return None
        return file.read_bytes()

    def _submissions(self, cik: int) -> bytes | None:
        recorded = self.data_dir / "sec" / "recorded" / "submissions" / f"CIK{cik:010d}.json"
        rows = [r for r in self.archived if int(r["cik"]) == cik]
        if recorded.exists():
            doc = json.loads(recorded.read_text())
            if self.index == "archived":
                keep = {r["accession"] for r in rows}
                _filter(doc, lambda form, acc: form not in FILING_FORMS or acc in keep)
        elif rows or cik in self.ticker_of:
            doc = _built_index(cik, self.ticker_of.get(cik), rows)
        else:
            return None
        _filter(doc, lambda form, acc: acc not in self.hidden)
        return json.dumps(doc).encode()


def _filter(doc: dict, keep) -> None:
    """Keep the rows of filings.recent for which keep(form, accession) holds."""
    recent = doc["filings"]["recent"]
    rows = [keep(f, a) for f, a in zip(recent["form"], recent["accessionNumber"])]
    for name, column in list(recent.items()):
        if isinstance(column, list) and len(column) == len(rows):
            recent[name] = [v for v, k in zip(column, rows) if k]


def _built_index(cik: int, ticker: str | None, rows: list[dict]) -> dict:
    """A submissions response in SEC's shape, listing these rows of sec/filings.csv."""
    rows = sorted(rows, key=lambda r: r["filing_date"], reverse=True)
    return {
        "cik": str(cik),
        "name": ticker or str(cik),
        "tickers": [ticker] if ticker else [],
        "filings": {
            "recent": {
                "accessionNumber": [r["accession"] for r in rows],
                "filingDate": [r["filing_date"] for r in rows],
                "reportDate": [r["report_date"] for r in rows],
                "form": [r["form"] for r in rows],
                "primaryDocument": [r["primary_document"] for r in rows],
                "isXBRL": [1 for _ in rows],
                "isInlineXBRL": [1 for _ in rows],
            },
            "files": [],
        },
    }


def _conditional(request: Request, body: bytes) -> Response:
    """200 with validators, or 304 when the request already holds this body."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    asked = {k.lower(): v for k, v in request.headers.items()}
    if asked.get("if-none-match") == etag or asked.get("if-modified-since") == LAST_MODIFIED:
        return Response(304, b"", headers={"ETag": etag, "Last-Modified": LAST_MODIFIED})
    return Response(200, body, headers={"ETag": etag, "Last-Modified": LAST_MODIFIED})
