"""SEC EDGAR companyfacts over HTTP. I/O only: returns the parsed JSON untouched.

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
    """Fetches companyfacts for one CIK per call; SourceError with a plain reason on failure."""

    def __init__(
        self,
        base_url: str,
        user_agent: str,
        policy: RetryPolicy = DEFAULT_POLICY,
        limiter: RateLimiter = SEC_LIMITER,
    ):
        if not user_agent:
            raise ValueError("SEC requires a User-Agent with a name and an email")
        self.base_url = base_url.rstrip("/")
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

    def companyfacts(self, cik: int) -> dict:
        """The companyfacts response for a CIK, as parsed JSON."""
        url = self.companyfacts_url(cik)

        def once() -> dict:
            self.limiter.wait()
            response = self.session.get(url, timeout=self.policy.timeout_s)
            status = response.status_code
            if status in RETRY_STATUS:
                raise HTTPStatusError(status, url)
            if status == 404:
                raise SourceError(f"SEC has no companyfacts for CIK {int(cik):010d} (HTTP 404)")
            if status == 403:
                raise SourceError(
                    "HTTP 403 from SEC (it refuses clients whose User-Agent does "
                    "not name a person or company and an email)"
                )
            if status >= 400:
                raise SourceError(f"HTTP {status} from SEC")
            return response.json()

        return with_retries(once, self.policy)


def sec_client(settings) -> SecClient:
    """A client configured from the settings (base URL, User-Agent, timeout, retries)."""
    return SecClient(
        settings.sec_url, settings.sec_user_agent or "", RetryPolicy.from_settings(settings)
    )
