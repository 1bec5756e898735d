"""SEC EDGAR over HTTP: companyfacts and the submissions index (data.sec.gov, as parsed JSON)
and filing documents (www.sec.gov/Archives, as bytes). I/O only: answers are returned untouched.

SEC's fair-access rules: a User-Agent naming a person or company and an email, and at most
10 requests per second (shared by every client in the process).
"""

from __future__ import annotations

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

SEC_REQUESTS_PER_SECOND = 10
SEC_LIMITER = RateLimiter(SEC_REQUESTS_PER_SECOND)


class SecClient:
    """Fetches companyfacts, submissions and filing documents; SourceError with a plain reason."""

    def __init__(
        self,
        base_url: str,
        user_agent: str,
        policy: RetryPolicy = DEFAULT_POLICY,
        limiter: RateLimiter = SEC_LIMITER,
        archives_url: str = "https://www.sec.gov",
    ):
        if not user_agent:
            raise ValueError("SEC requires a User-Agent with a name and an email")
        self.base_url = base_url.rstrip("/")
        self.archives_url = archives_url.rstrip("/")
        self.policy = policy
        self.limiter = limiter
        self.session = BoundedSession(policy.timeout_s)
        self.session.headers.update(
            {
                "User-Agent": user_agent,
                "Accept-Encoding": "gzip, deflate",
                "Accept": "application/json",
            }
        )

    def companyfacts_url(self, cik: int) -> str:
        """Where the companyfacts of a CIK live."""
        return f"{self.base_url}/api/xbrl/companyfacts/CIK{int(cik):010d}.json"

    def submissions_url(self, cik: int) -> str:
        """Where the filing index of a CIK lives."""
        return f"{self.base_url}/submissions/CIK{int(cik):010d}.json"

    def document_url(self, cik: int, accession: str, document: str) -> str:
        """Where a filing's document lives under the EDGAR archives."""
        folder = accession.replace("-", "")
        return f"{self.archives_url}/Archives/edgar/data/{int(cik)}/{folder}/{document}"

    def companyfacts(self, cik: int) -> dict:
        """The companyfacts response for a CIK, as parsed JSON."""
        url = self.companyfacts_url(cik)
        return self._get(url, f"companyfacts for CIK {int(cik):010d}", parse=_json)

    def submissions(self, cik: int) -> dict:
        """The submissions index (filing list) of a CIK, as parsed JSON."""
        url = self.submissions_url(cik)
        return self._get(url, f"submissions index for CIK {int(cik):010d}", parse=_json)

    def document(self, url: str) -> bytes:
        """A filing document's bytes, as EDGAR serves them."""
        what = f"document {url.rsplit('/', 1)[-1]}"
        return self._get(url, what, accept="text/html", parse=lambda r: r.content)

    def _get(self, url: str, what: str, parse, accept: str | None = None):
        """GET with the limiter and retries; `parse(response)` inside them, as before."""
        headers = {"Accept": accept} if accept else None

        def once():
            self.limiter.wait()
            response = self.session.get(url, timeout=self.policy.timeout_s, headers=headers)
            status = response.status_code
            if status in RETRY_STATUS:
                raise HTTPStatusError(status, url)
            if status == 404:
                raise SourceError(f"SEC has no {what} (HTTP 404)")
            if status == 403:
                raise SourceError(
                    "HTTP 403 from SEC (it refuses clients whose User-Agent does "
                    "not name a person or company and an email)"
                )
            if status >= 400:
                raise SourceError(f"HTTP {status} from SEC")
            return parse(response)

        return with_retries(once, self.policy)


def _json(response):
    return response.json()


def sec_client(settings) -> SecClient:
    """A client configured from the settings (base URL, User-Agent, timeout, retries)."""
    return SecClient(
        settings.sec_url,
        settings.sec_user_agent or "",
        RetryPolicy.from_settings(settings),
        archives_url=settings.sec_archives_url,
    )
