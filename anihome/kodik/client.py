"""HTTP client for the Kodik catalog API (shared/kodik/API.md).

Polite (at most `max_rps` requests per second across threads), patient (retries with
exponential backoff and jitter on timeouts, refused connections, 429 and bare 5xx answers),
and honest about failure (errors.py). Kodik's own `{"error": ...}` answers are never
retried: a bad token or a bad type stays bad.

The token travels only in POST form bodies, never in a URL we build, so it cannot leak
through a requests exception or an access log. Kodik puts the token inside `next_page`;
the client turns those URLs into token-free *cursors* (the rest of the query string),
which the sync may store to resume a walk, and re-adds the token when it follows one.
The client never follows an absolute URL Kodik sends: it only ever talks to `base_url`.
"""

import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from .errors import KodikBadResponse, KodikRequestError, KodikTokenRejected, KodikUnavailable, redact

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://kodik-api.com"
ANIME_TYPES = ("anime", "anime-serial")


def _transport_errors() -> tuple[type[Exception], ...]:
    # requests (with urllib3 and charset_normalizer) adds megabytes of RSS (docs/benchmarks.md):
    # the serving process pays it only once a sync actually talks to Kodik.
    import requests

    return (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError)


def _parse_json(content):
    """Parse a response body: orjson when installed (2.8x faster than json on Kodik's ~0.5 MB
    /list pages, about 4 s of CPU per 100k-item full sync: docs/benchmarks.md), json otherwise.

    Anything orjson refuses goes through json too, so both accept exactly what json accepts."""
    global _fast_loads
    if _fast_loads is None:
        try:
            from orjson import loads as fast
        except ImportError:  # orjson is a dependency (setup.cfg); json still works without it
            fast = json.loads
        _fast_loads = fast
    try:
        return _fast_loads(content)
    except ValueError:
        return json.loads(content)


_fast_loads = None


# --- cursors -------------------------------------------------------------------------------

def cursor_from_next_page(url):
    """The token-free cursor of a `next_page` URL: its query string without `token`; None for None."""
    if not url:
        return None
    return _query_without_token(urlsplit(url).query)


def params_from_cursor(cursor):
    """The request parameters a cursor stands for (a full URL is accepted too); never the token."""
    query = urlsplit(cursor).query if "?" in cursor else cursor
    return [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "token"]


def _query_without_token(query):
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "token"]
    return urlencode(pairs, safe=",")


def _url_without_token(url):
    if not url:
        return url
    split = urlsplit(url)
    return urlunsplit(split._replace(query=_query_without_token(split.query)))


# --- values --------------------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class Page:
    """One /list page: its items, Kodik's `total`, and the cursor that resumes *after* it."""

    items: list
    total: int
    cursor: str | None  # None on the last page
    number: int  # 1 for the first page of this walk
    ahead: int = 0  # pages already fetched behind this one when the prefetching walker handed it out

    @property
    def is_last(self):
        return self.cursor is None

    def __repr__(self):
        return f"Page(number={self.number}, items={len(self.items)}, total={self.total}, cursor={self.cursor!r})"


class RequestPacer:
    """Spaces calls at least 1/max_rps seconds apart, across threads (0 or None: no limit)."""

    def __init__(self, max_rps, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / max_rps if max_rps else 0.0
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._next_slot = None

    def wait(self):
        """Block until this caller may send a request."""
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            slot = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


class _Retry:
    """A failed attempt worth retrying: why, and how long the server asked us to wait."""

    __slots__ = ("reason", "delay")

    def __init__(self, reason, delay=None):
        self.reason, self.delay = reason, delay


# --- the client ----------------------------------------------------------------------------

class KodikClient:
    """A Kodik API client bound to one base URL and token.

    `session`, `sleep` and `clock` are injectable for tests. `timeout` is requests'
    (connect, read) pair. `retries` is the number of retries after the first attempt.
    """

    def __init__(self, base_url, token, timeout=(5, 30), max_rps=4.0, retries=4, backoff=0.5, session=None,
                 sleep=time.sleep, clock=time.monotonic, max_backoff=30.0, max_retry_after=120.0):
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff, self.max_backoff, self.max_retry_after = backoff, max_backoff, max_retry_after
        self._owns_session = session is None
        import requests

        self._transport_errors = _transport_errors()
        self._session = session if session is not None else requests.Session()
        if self._owns_session:
            self._session.headers["User-Agent"] = "AniHome (self-hosted; kodik sync)"
        self._sleep = sleep
        self._pacer = RequestPacer(max_rps, clock, sleep)
        self._jitter = random.Random()

    def __repr__(self):
        return f"KodikClient(base_url={self.base_url!r}, retries={self.retries}, interval={self._pacer.interval:g}s)"

    def close(self):
        """Close the HTTP session if the client made it."""
        if self._owns_session:
            self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- endpoints ------------------------------------------------------------------------
    def list_page(self, cursor=None, **params):
        """One /list page as Kodik's envelope; from `cursor` if given (then `params` are ignored).

        `next_page`/`prev_page` come back without the token; pass them to cursor_from_next_page.
        """
        pairs = params_from_cursor(cursor) if cursor else _encode(params)
        envelope = self._request("list", pairs)
        envelope["next_page"] = _url_without_token(envelope.get("next_page"))
        envelope["prev_page"] = _url_without_token(envelope.get("prev_page"))
        return envelope

    def iter_list(self, types=ANIME_TYPES, *, with_material_data=True, limit=100, cursor=None, start_url=None,
                  **filters):
        """Yield /list Pages, following next_page until Kodik has no more.

        Resume a walk with `cursor=` (a Page.cursor) or `start_url=` (a next_page URL); the
        cursor already holds every parameter of the walk, so the others are then ignored.
        """
        if start_url:
            cursor = cursor_from_next_page(start_url)
        if cursor:
            pairs = params_from_cursor(cursor)
        else:
            pairs = _encode({"types": types, "with_material_data": with_material_data, "limit": limit, **filters})
        number = 0
        while True:
            envelope = self._request("list", pairs)
            number += 1
            next_cursor = cursor_from_next_page(envelope.get("next_page"))
            yield Page(envelope["results"], envelope.get("total", 0), next_cursor, number)
            if next_cursor is None:
                return
            next_pairs = params_from_cursor(next_cursor)
            if next_pairs == pairs:
                raise KodikBadResponse("Kodik sent the same next_page twice; stopping instead of looping")
            pairs = next_pairs

    def search(self, **params):
        """/search envelope: by title or external id (at least one is required), plus filters."""
        return self._request("search", _encode(params))

    def translations(self, **filters):
        """/translations/v2: [{id, title, count}] per translation team."""
        return self._request("translations/v2", _encode(filters))

    def genres(self, **filters):
        """/genres: [{title, count}]; `genres_type` = kinopoisk | shikimori | mydramalist | all."""
        return self._request("genres", _encode(filters))

    def countries(self, **filters):
        """/countries: [{title, count}]."""
        return self._request("countries", _encode(filters))

    def years(self, **filters):
        """/years: [{year, count}], newest first."""
        return self._request("years", _encode(filters))

    def qualities(self, **filters):
        """/qualities/v2: [{title, count}]."""
        return self._request("qualities/v2", _encode(filters))

    # --- transport ------------------------------------------------------------------------
    def _request(self, endpoint, pairs):
        """POST one request with retries; the parsed envelope, or a KodikError."""
        url = f"{self.base_url}/{endpoint}"
        data = [("token", self._token), *pairs]
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            self._pacer.wait()
            started = time.perf_counter()
            try:
                response = self._session.post(url, data=data, timeout=self.timeout)
            except self._transport_errors as exc:
                outcome = _Retry(self._redact(f"{type(exc).__name__}: {exc}")[:300])
            else:
                outcome = self._interpret(endpoint, response)
            if not isinstance(outcome, _Retry):
                log.debug("kodik request endpoint=%s attempt=%d ms=%d results=%d", endpoint, attempt,
                          (time.perf_counter() - started) * 1000, len(outcome["results"]))
                return outcome
            if attempt == attempts:
                break
            delay = self._backoff_delay(attempt) if outcome.delay is None else outcome.delay
            log.warning("kodik retry endpoint=%s attempt=%d/%d reason=%r delay=%.2fs", endpoint, attempt, attempts,
                        outcome.reason, delay)
            self._sleep(delay)
        log.warning("kodik unavailable endpoint=%s attempts=%d reason=%r", endpoint, attempts, outcome.reason)
        raise KodikUnavailable(f"Kodik unavailable: /{endpoint} failed {attempts} times; last: {outcome.reason}",
                               attempts, outcome.reason)

    def _interpret(self, endpoint, response):
        """Envelope dict of a good answer, _Retry for a transient failure; raises otherwise."""
        status = response.status_code
        if status == 429:
            return _Retry("HTTP 429", self._retry_after(response))
        try:
            body = _parse_json(response.content)
        except ValueError as exc:
            body, parse_error = None, exc
        if isinstance(body, dict) and "error" in body:
            self._raise_kodik_error(endpoint, body["error"])
        if status >= 500:
            return _Retry(f"HTTP {status}")
        if status != 200:
            raise KodikRequestError(f"HTTP {status}", endpoint)
        if body is None:
            raise KodikBadResponse(f"Kodik sent invalid JSON from /{endpoint} ({len(response.content)} bytes): "
                                   f"{self._redact(parse_error)}")
        if not isinstance(body, dict) or not isinstance(body.get("results"), list) \
                or endpoint == "list" and "next_page" not in body:
            raise KodikBadResponse(f"Kodik sent an unexpected envelope from /{endpoint}")
        return body

    def _raise_kodik_error(self, endpoint, message):
        # Kodik errors carry only Russian text, no code; the token one must be told apart (AP wrappers
        # match the same text), so look for the word "токен"/"token" rather than the whole sentence.
        text = self._redact(message)
        log.warning("kodik error endpoint=%s message=%r", endpoint, text)
        if "токен" in text.lower() or "token" in text.lower():
            raise KodikTokenRejected(text)
        raise KodikRequestError(text, endpoint)

    def _retry_after(self, response):
        """Seconds asked by a Retry-After header (delta or HTTP date), capped; None without one."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                return None
        return min(max(seconds, 0.0), self.max_retry_after)

    def _backoff_delay(self, attempt):
        delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return delay * (1 + 0.1 * self._jitter.random())

    def _redact(self, text):
        return redact(text, (self._token, quote_plus(self._token)))


def _encode(params):
    """Request parameters as (name, text) pairs: lists comma-joined, booleans true/false, None dropped."""
    pairs = []
    for name, value in params.items():
        if name == "token":
            raise ValueError("give the token to KodikClient, not as a request parameter")
        if value is not None:
            pairs.append((name, _text(value)))
    return pairs


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return ",".join(sorted(_text(v) for v in value))
    return str(value)
