"""Every AniHome setting, declared once with its default and help text.

Values are layered: defaults < ``<data dir>/config.toml`` < ``ANIHOME_*`` environment
variables < overrides passed to ``create_app``. docs/configuration.md documents each
setting and a test fails when one is missing there.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

ENV_PREFIX = "ANIHOME_"


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the setting."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    type: Callable[[Any], Any] = str


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"not a whole number: {value!r}") from None


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"not a number: {value!r}") from None


def _timezone(value: Any) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone: {value!r}") from None
    return str(value)


def _log_level(value: Any) -> str:
    level = str(value).upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError(f"unknown log level: {value!r}")
    return level


def _public_url(value: Any) -> str:
    """Empty, or an http(s) address with a host and no query: ``https://anime.home.lan[:port][/path]``."""
    from urllib.parse import urlsplit

    text = str(value).strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) address like https://anime.home.lan: {value!r}")
    return text


def _host_list(value: Any) -> str:
    """Comma-separated host names or addresses (no scheme, no port), or ``*`` for any host."""
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    hosts = [str(item).strip().lower() for item in items if str(item).strip()]
    for host in hosts:
        if host != "*" and not re.fullmatch(r"\.?[a-z0-9_.\-]+|\[?[0-9a-f:.]+\]?", host):
            raise ValueError(f"not a host name: {host!r}")
    return ",".join(hosts)


def _frame_sources(value: Any) -> str:
    """Space-separated CSP host sources: [scheme://]host[:port], host may start with ``*.``."""
    items = str(value).replace(",", " ").split()
    for item in items:
        if not re.fullmatch(r"(https?://)?(\*\.)?[A-Za-z0-9.\-]+(:(\d{1,5}|\*))?", item):
            raise ValueError(f"not a host like player.example.net or http://127.0.0.1:8123: {item!r}")
    return " ".join(items)


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "./data", "Folder for the database, secret key, logs, backups and config.toml."),
    Setting("HOST", "0.0.0.0", "Address the web server listens on."),
    Setting("PUBLIC_URL", "", "The address members use to reach AniHome (e.g. https://anime.home.lan); used for links in invites and calendar feeds, and its host is always allowed. Empty: links use the address of the request.", _public_url),
    Setting("ALLOWED_HOSTS", "", "Extra host names (comma-separated, no port; a leading dot allows subdomains; * allows any) accepted in the Host header, besides loopback, this machine's own names and addresses and PUBLIC_URL's host.", _host_list),
    Setting("PORT", 8080, "Port the web server listens on.", _int),
    Setting("THREADS", 4, "Worker threads of the waitress web server.", _int),
    Setting("SECRET_KEY", "", "Key that signs sessions and CSRF tokens; when empty, one is generated once into <data dir>/secret_key (mode 0600)."),
    Setting("DATABASE_URL", "", "Optional PostgreSQL database: postgresql://user:password@host:port/name (needs the postgres extra; see docs/operations.md, PostgreSQL); empty means SQLite at <data dir>/anihome.db."),
    Setting("TIMEZONE", "UTC", "The household's time zone (IANA name, e.g. Europe/Moscow) for schedules and the airing calendar.", _timezone),
    Setting("LOG_LEVEL", "INFO", "Log level for stderr and <data dir>/logs/anihome.log (DEBUG, INFO, WARNING, ERROR).", _log_level),
    Setting("KODIK_URL", "https://kodik-api.com", "Base URL of the Kodik API."),
    Setting("KODIK_TOKEN", "", "Kodik API token; may also be set on the admin Kodik page. Without one, the demo catalog is offered."),
    Setting("KODIK_PLAYER_HOSTS", "", "Extra hosts the player may be framed from (space- or comma-separated CSP sources such as player.example.net or http://127.0.0.1:8123), besides Kodik's known player hosts.", _frame_sources),
    Setting("KODIK_MAX_RPS", 4.0, "Most requests per second sent to Kodik.", _float),
    Setting("KODIK_TIMEOUT", 30.0, "Seconds to wait for one Kodik answer before retrying.", _float),
    Setting("SYNC_INTERVAL_MINUTES", 30, "Minutes between incremental Kodik syncs (0 disables the schedule).", _int),
    Setting("KODIK_FULL_SYNC_SCHEDULE", "0 5 * * 0", "Cron line (in TIMEZONE) for the weekly full Kodik sync, which also retires titles Kodik dropped; empty disables it."),
    Setting("API_RATE_LIMIT", 60, "Requests per minute allowed to one API token or client address (0 turns the limit off).", _int),
    Setting("PLAYER_LOAD_TIMEOUT", 10, "Seconds the player page waits for Kodik's player to answer before it offers a retry, another translation or Kodik's own site.", _int),
    Setting("SESSION_RATE_LIMIT", 600, "API requests per minute allowed to a signed-in browser session for each kind of call (search-as-you-type, progress saves, the rest), counted apart so one never starves another (0 turns the limit off).", _int),
    Setting("LOGIN_RATE_LIMIT", 10, "Failed sign-ins allowed per client address in 15 minutes, whatever the usernames (0 turns the cap off).", _int),
    Setting("LOGIN_ACCOUNT_LIMIT", 5, "Failed sign-ins for one account from one client address before each further try from there must wait (1 s, doubling up to 15 minutes; forgotten after a correct password or 15 quiet minutes). Other addresses are not slowed, so nobody can lock a member out. 0 turns the delays off.", _int),
    Setting("MAX_UPLOAD_MB", 8, "Largest request body accepted, in megabytes (larger bodies get 413).", _int),
    Setting("BACKUP_KEEP", 5, "How many of the newest verified backups of each kind (nightly, pre-migration) are always kept.", _int),
    Setting("BACKUP_KEEP_DAILY", 7, "Nightly backups: also keep the newest backup of each of this many recent days.", _int),
    Setting("BACKUP_KEEP_WEEKLY", 4, "Nightly backups: also keep the newest backup of each of this many recent weeks.", _int),
    Setting("BACKUP_KEEP_MONTHLY", 6, "Nightly backups: also keep the newest backup of each of this many recent months.", _int),
    Setting("STARTUP_QUICK_CHECK", True, "Check the database at start-up: SQLite's quick_check (a damaged file is refused); on PostgreSQL the id sequences and indexes (problems show on health and the admin banner).", _bool),
    Setting("INTEGRITY_CHECK_MINUTES", 60, "Minutes between checks of the live database: quick_check on SQLite, id sequences, indexes and amcheck (when allowed) on PostgreSQL (health turns 'degraded' when one fails; 0 disables).", _int),
    Setting("DISK_FREE_MIN_MB", 200, "Health warns ('degraded') when the disk holding the data dir has less free space than this, in megabytes.", _int),
    Setting("CACHE_MB", 4, "Megabytes the in-process cache may hold (rendered pages, catalog answers); the least recently used entries are dropped past it. Each entry is measured when it is stored (see docs/operations.md#cache).", _int),
    Setting("CACHE_MAX_ENTRIES", 0, "Optional extra cap on the number of cache entries (0: only CACHE_MB bounds the cache).", _int),
    Setting("CACHE_TTL_SECONDS", 300, "Default lifetime of a cache entry, in seconds.", _int),
    Setting("SQLITE_SOFT_HEAP_LIMIT_MB", 4, "Megabytes SQLite aims to stay under in the whole process (page caches of every connection, statements); past it, connections reuse their cached pages instead of growing. 0: no limit.", _int),
    Setting("MALLOC_ARENA_MAX", 2, "Most malloc arenas (glibc only; read when the server starts). glibc's default, eight per core, lets each web server thread keep its own free memory; 0 keeps glibc's default.", _int),
    Setting("MALLOC_MMAP_THRESHOLD_KB", 128, "Blocks this large or larger get their own memory mapping, handed back to the system when freed (glibc only; read when the server starts). 0 keeps glibc's sliding threshold, under which memory used by big exports and sorts can stay with the process.", _int),
    Setting("MALLOC_TRIM_SECONDS", 10, "Every this many seconds the server hands the free memory its threads left behind back to the system (glibc's malloc_trim; glibc only). 0 turns it off.", _float),
    Setting("SESSION_COOKIE_SECURE", False, "Send the session cookie over HTTPS only (enable behind a TLS proxy).", _bool),
    Setting("INVITE_TTL_HOURS", 72, "Hours an invite link stays valid.", _int),
    Setting("BACKUP_SCHEDULE", "30 3 * * *", "Cron line (minute hour day month weekday, in TIMEZONE) for the nightly database backup; empty disables it."),
    Setting("LEARN_SCHEDULE", "45 4 * * *", "Cron line (in TIMEZONE) for the nightly learning run (recommendations, similar titles, forecasts) in a separate process; empty disables it."),
    Setting("LEARN_MAX_WAIT_MINUTES", 120, "Most minutes a scheduled learning run waits while someone is watching before it runs anyway.", _int),
    Setting("HOUSEKEEPING_SCHEDULE", "15 4 * * *", "Cron line (in TIMEZONE) for housekeeping: prune job history and old backups, optimize the database; empty disables it."),
    Setting("JOB_HISTORY_DAYS", 30, "Days of job run history kept by housekeeping (the newest JOB_HISTORY_KEEP runs of each job are kept regardless).", _int),
    Setting("JOB_HISTORY_KEEP", 20, "Runs of each job always kept by housekeeping, however old.", _int),
    Setting("POSTER_CACHE_MB", 200, "Most megabytes of posters kept in <data dir>/posters; the poster job stops fetching when the folder is full.", _int),
    Setting("POSTER_MAX_KB", 1024, "Largest poster accepted, in kilobytes (larger answers are refused).", _int),
    Setting("POSTER_FETCH_INTERVAL_MINUTES", 60, "Minutes between runs of the poster job, which stores posters on the box (0 disables the schedule).", _int),
    Setting("POSTER_FETCH_BATCH", 300, "Most posters the poster job fetches in one run.", _int),
    Setting("POSTER_RETRY_DAYS", 7, "Days before a poster that could not be fetched is tried again.", _int),
    Setting("POSTER_TIMEOUT", 10.0, "Seconds to wait for a poster host to connect or send data.", _float),
    Setting("SOCIAL_RATE_LIMIT", 10, "Comments and reviews one member may post per minute (0 turns the limit off).", _int),
    Setting("ANALYTICS_ROLLUP_SCHEDULE", "45 2 * * *", "Cron line (in TIMEZONE) for the analytics-rollup job, which rolls new view and watch events into the daily analytics tables; empty disables it."),
    Setting("ANALYTICS_VIEW_RETENTION_DAYS", 400, "Days a view event (release page opened, episode started) is kept; the daily roll-ups are kept regardless.", _int),
    Setting("ANALYTICS_VIEW_FLUSH_SECONDS", 10, "View events wait in memory at most this many seconds (or until 100 are waiting) before one batched write after a response; 0 writes each one after its response.", _int),
    Setting("ANALYTICS_REPORT_KEEP_HOURS", 24, "Hours a finished analytics report stays downloadable before the analytics-reports job deletes it.", _int),
    Setting("ANALYTICS_PDF_FONT", "", "A TrueType font with Cyrillic glyphs for PDF reports; empty looks for DejaVu Sans (Debian's fonts-dejavu-core) and falls back to a Latin-only built-in font."),
    Setting("NOTIFY_ALLOWED_HOSTS", "", "Comma-separated host names that ntfy and webhook channels may reach; empty allows any host (household ntfy servers usually live on the LAN)."),
    Setting("NOTIFY_TELEGRAM_API", "https://api.telegram.org", "Base URL of the Telegram Bot API used by Telegram channels."),
    Setting("NOTIFY_RETENTION_DAYS", 90, "Days a read notification is kept; the nightly housekeeping job deletes older read ones (unread ones stay). 0 keeps them all.", _int),
    Setting("NOTIFY_DUB_STALLED_DAYS", 7, "Days a member's dub of a followed release may add nothing while another dub is ahead before they are told (and offered a switch).", _int),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any, source: str) -> Any:
    try:
        return setting.type(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{setting.name} from {source}: {exc}") from None


def load_settings(overrides: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Resolve every setting through the layers; unknown names in overrides are an error."""
    environ = os.environ if environ is None else environ
    overrides = {k.upper(): v for k, v in (overrides or {}).items()}
    unknown = sorted(set(overrides) - set(SETTINGS_BY_NAME) - _FLASK_PASSTHROUGH)
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(unknown)}")

    data_dir = overrides.get("DATA_DIR") or environ.get(ENV_PREFIX + "DATA_DIR") or SETTINGS_BY_NAME["DATA_DIR"].default
    file_values = _read_toml(Path(data_dir) / "config.toml")

    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value, source = setting.default, "default"
        if setting.name in file_values:
            value, source = file_values[setting.name], "config.toml"
        if ENV_PREFIX + setting.name in environ:
            value, source = environ[ENV_PREFIX + setting.name], ENV_PREFIX + setting.name
        if setting.name in overrides:
            value, source = overrides[setting.name], "overrides"
        values[setting.name] = _coerce(setting, value, source)
    values["DATA_DIR"] = str(Path(values["DATA_DIR"]).resolve())
    for key in _FLASK_PASSTHROUGH & set(overrides):
        values[key] = overrides[key]
    return values


# Plain Flask keys that tests may pass straight through (e.g. TESTING).
_FLASK_PASSTHROUGH = {"TESTING", "WTF_CSRF_ENABLED", "SERVER_NAME"}


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    values = {str(k).upper(): v for k, v in raw.items()}
    unknown = sorted(set(values) - set(SETTINGS_BY_NAME))
    if unknown:
        raise ConfigError(f"{path}: unknown settings: {', '.join(unknown)}")
    return values
