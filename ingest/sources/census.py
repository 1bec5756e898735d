"""Census BTOS workbooks over HTTP, asked for conditionally. I/O only: returns the bytes untouched.

Census serves each workbook at BUBBLEMETER_CENSUS_URL/<name>.xlsx. A request carries the
validators of the last answer loaded (If-None-Match, If-Modified-Since): a 304 means the
edition is already loaded, and costs a request, not a download.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ingest.sources.http import (
    DEFAULT_POLICY,
    RETRY_STATUS,
    BoundedSession,
    HTTPStatusError,
    RateLimiter,
    RetryPolicy,
    SourceError,
    with_retries,
)

CENSUS_REQUESTS_PER_SECOND = 2
CENSUS_LIMITER = RateLimiter(CENSUS_REQUESTS_PER_SECOND)


@dataclass(frozen=True)
class Validators:
    """What the last answer of a URL said about its version."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Workbook:
    """One answer: the body (None when the server said 304 Not Modified) and its validators."""

    url: str
    body: bytes | None
    validators: Validators
    content_type: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


class CensusClient:
    """Fetches one BTOS workbook per call; SourceError with a plain reason on failure."""

    def __init__(
        self,
        base_url: str,
        policy: RetryPolicy = DEFAULT_POLICY,
        limiter: RateLimiter = CENSUS_LIMITER,
    ):
        self.base_url = base_url.rstrip("/")
        self.policy = policy
        self.limiter = limiter
        self.session = BoundedSession(policy.timeout_s)
        self.session.headers.update(
            {
                "User-Agent": "bubblemeter (Census BTOS workbooks)",
                "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )

    def workbook_url(self, name: str) -> str:
        """Where a workbook lives: National -> <base>/National.xlsx."""
        return f"{self.base_url}/{quote(name)}.xlsx"

    def workbook(self, name: str, known: Validators | None = None) -> Workbook:
        """The workbook, or a Workbook without body when it has not changed since `known`."""
        url = self.workbook_url(name)
        headers = {}
        if known and known.etag:
            headers["If-None-Match"] = known.etag
        if known and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified

        def once() -> Workbook:
            self.limiter.wait()
            response = self.session.get(url, headers=headers, timeout=self.policy.timeout_s)
            status = response.status_code
            if status in RETRY_STATUS:
                raise HTTPStatusError(status, url)
            validators = Validators(
                response.headers.get("ETag"), response.headers.get("Last-Modified")
            )
            if status == 304:
                return Workbook(url, None, known or validators)
            if status == 404:
                raise SourceError(f"Census has no {name}.xlsx (HTTP 404)")
            if status >= 400:
                raise SourceError(f"HTTP {status} from Census")
            return Workbook(url, response.content, validators, response.headers.get("Content-Type"))

        return with_retries(once, self.policy)


def census_client(settings) -> CensusClient:
    """A client configured from the settings (base URL, timeout, retries)."""
    return CensusClient(settings.census_url, RetryPolicy.from_settings(settings))
