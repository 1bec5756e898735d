"""A loopback fake of census.gov's BTOS downloads, serving the real workbooks of one edition.

    GET /<name>.xlsx    the file census/btos/<edition>/<name>.xlsx (read by path), with an
                        ETag (its SHA-256) and a Last-Modified (the edition's date); 304 when
                        the request's If-None-Match or If-Modified-Since says it is unchanged;
                        404 when the edition has no such workbook

`edition` switches the edition served between runs. Faults are per workbook name
("National", "Employment Size Class"): besides the common ones, "maintenance" answers 200 with
an HTML page (as a site under maintenance does). `replace(name, body)` serves other bytes
(a synthetic malformed workbook). `bodies_served()` counts what was downloaded: distinct
bodies and their bytes, whatever retries repeated.

Usage:
    with FakeCensus("2025-12-08") as census:
        settings = Settings.from_env(env={}, db=..., census_url=census.url)
        census.edition = "2025-12-15"
        census.fail("Sector", "maintenance")
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

from tests.conftest import SNAPSHOT
from tests.fakes.base import FakeServer, Request, Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAINTENANCE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Census.gov is under maintenance</title></head>"
    b"<body><h1>We are performing scheduled maintenance.</h1></body></html>"
)


def edition_date(edition: str) -> datetime:
    """When an edition directory's workbooks were last modified: its date (YYYY-MM is day 1)."""
    parts = [int(p) for p in edition.split("-")] + [1]
    return datetime.combine(date(*parts[:3]), datetime.min.time(), UTC)


class FakeCensus(FakeServer):
    """Fake www.census.gov/hfp/btos/downloads on loopback."""

    def __init__(
        self, edition: str, data_dir: Path | str = SNAPSHOT, earlier: bool = False, **kwargs
    ):
        super().__init__(**kwargs)
        self.root = Path(data_dir) / "census" / "btos"
        self.edition = edition
        # serve a workbook the edition lacks from the newest earlier edition that has it
        # (census.gov always serves all four; the recorded editions do not hold all four)
        self.earlier = earlier
        self.replaced: dict[str, bytes] = {}
        self._bodies: list[tuple[str, str, int]] = []  # (name, sha256, bytes) of each 200

    def replace(self, name: str, body: bytes | None) -> None:
        """Serve `body` for workbook `name` (None: the edition's file again)."""
        with self._lock:
            if body is None:
                self.replaced.pop(name, None)
            else:
                self.replaced[name] = body

    def route(self, method, path, query, headers):
        name = unquote(path.lstrip("/"))
        if not name.endswith(".xlsx"):
            return "other", None
        return "workbook", name[: -len(".xlsx")]

    def bodies_served(self, name: str | None = None) -> tuple[int, int]:
        """(distinct bodies, their bytes) sent with 200 since the last clear_requests()."""
        with self._lock:
            seen = {(n, sha): size for n, sha, size in self._bodies if name in (None, n)}
        return len(seen), sum(seen.values())

    def clear_requests(self) -> None:
        super().clear_requests()
        with self._lock:
            self._bodies.clear()

    def _send(self, name: str, body: bytes, content_type: str, headers: dict) -> Response:
        with self._lock:
            self._bodies.append((name, hashlib.sha256(body).hexdigest(), len(body)))
        return Response(200, body, content_type, headers)

    def _path(self, name: str) -> Path | None:
        editions = [self.edition]
        if self.earlier:
            older = (p.name for p in self.root.iterdir() if p.name[0].isdigit())
            editions += sorted((e for e in older if e < self.edition), reverse=True)
        for edition in editions:
            path = self.root / edition / f"{name}.xlsx"
            if path.exists():
                return path
        return None

    def respond(self, request: Request, fault: str | None) -> Response:
        if request.kind != "workbook":
            return Response(404, b"Not Found", "text/plain")
        name = unquote(request.path.lstrip("/"))[: -len(".xlsx")]
        if fault == "maintenance":
            return self._send(name, MAINTENANCE_PAGE, "text/html; charset=utf-8", {})
        with self._lock:
            body = self.replaced.get(name)
        modified = edition_date(self.edition)
        if body is None:
            path = self._path(name)
            if path is None:
                return Response(404, b"Not Found", "text/plain")
            modified = edition_date(path.parent.name)
            body = path.read_bytes()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
        asked = {k.lower(): v for k, v in request.headers.items()}
        if "if-none-match" in asked:
            if asked["if-none-match"] == etag:
                return Response(304, b"", XLSX, headers)
        elif "if-modified-since" in asked:
            try:
                since = parsedate_to_datetime(asked["if-modified-since"])
            except (TypeError, ValueError):
                since = None
            if since is not None and modified <= since:
                return Response(304, b"", XLSX, headers)
        return self._send(name, body, XLSX, headers)
