"""Checks of a PostgreSQL household's database, for ``doctor``, start-up and the ``integrity-check`` job.

SQLite's ``quick_check`` reads the file page by page. PostgreSQL looks after its own pages,
so what is worth checking is what a copy, restore or upgrade can leave behind:

- the server answers (``connect``: a plain reason and fix, never the password);
- its version (``pg_trgm`` search and AniHome's SQL want PostgreSQL 13 or newer);
- the schema: at this AniHome's migration, with every table, column and index the
  migrations create (``ops.guards.verify_schema``);
- the ``pg_trgm`` extension catalog search uses;
- every id sequence ahead of its table's highest id (``sequences_behind``): a dump restored
  without its sequence values, or rows copied by hand, leaves a sequence behind and every
  new row then fails with a duplicate key. ``anihome db fix-sequences`` moves them on;
- no index left invalid (an interrupted ``CREATE INDEX``) in the catalog;
- ``amcheck``'s B-tree checks of every index, only when that extension is installed in
  the database and this role may run it; otherwise that part is skipped and the result
  says so (installing it needs a superuser).

Every check reads only and takes a ``db`` with Peewee's ``execute_sql(sql, params)``: the
app's pooled database, or ``Reader`` over doctor's own read-only connection.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .findings import Finding

log = logging.getLogger(__name__)

#: the oldest server AniHome supports (docs/operations.md#postgresql)
MIN_SERVER_VERSION = 130000
CONNECT_TIMEOUT_SECONDS = 5


class Unreachable(RuntimeError):
    """The server cannot be used: ``message`` says why, ``fix`` what to do (no password in either)."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message, self.fix = message, fix


class Reader:
    """A psycopg2 connection seen through Peewee's ``execute_sql``."""

    def __init__(self, connection):
        self.connection = connection

    def execute_sql(self, sql: str, params=None):
        cursor = self.connection.cursor()
        cursor.execute(sql, params)
        return cursor


def _where(url: str) -> tuple[str, str, str]:
    """(``host:port``, user, database name) of ``url``."""
    parts = urlsplit(url)
    host = parts.hostname or "the local socket"
    try:
        port = parts.port or 5432
    except ValueError:
        port = 5432
    user = unquote(parts.username or "") or "(your login name)"
    name = unquote(parts.path.lstrip("/")) or user
    return f"{host}:{port}", user, name


def _scrub(text: str, url: str) -> str:
    password = urlsplit(url).password
    for secret in {password, unquote(password or "")} - {None, ""}:
        text = text.replace(secret, "***")
    return text


def explain_connect_error(url: str, error: Exception) -> Unreachable:
    """What a failed connection means, in one line, with the fix."""
    where, user, name = _where(url)
    text = _scrub(str(error), url)
    low = text.lower()
    if "connection refused" in low or "no such file or directory" in low:
        return Unreachable(f"no PostgreSQL server answers at {where} (connection refused)",
                           "start it (sudo systemctl start postgresql), or correct the host and port in DATABASE_URL")
    if "password authentication failed" in low or "no password supplied" in low or "authentication failed" in low:
        return Unreachable(f"the server at {where} refused the login of user {user} (authentication failed)",
                           "correct the user and password in DATABASE_URL, or set the role's password on the "
                           f"server: sudo -u postgres psql -c \"ALTER ROLE {user} PASSWORD 'new password'\"")
    if "does not exist" in low and "database" in low:
        return Unreachable(f"the server at {where} has no database {name}",
                           f"sudo -u postgres createdb --owner {user} {name}, or correct the name in DATABASE_URL")
    if "role" in low and "does not exist" in low:
        return Unreachable(f"the server at {where} has no role {user}",
                           f"sudo -u postgres createuser --pwprompt {user}, or correct the user in DATABASE_URL")
    if "could not translate host name" in low or "name or service not known" in low:
        return Unreachable(f"the host in DATABASE_URL ({where}) is unknown", "correct the host in DATABASE_URL")
    if "timeout" in low or "timed out" in low:
        return Unreachable(f"no answer from {where} within {CONNECT_TIMEOUT_SECONDS} s",
                           "is the server up and reachable from here (firewall, listen_addresses)?")
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(error).__name__)
    return Unreachable(f"cannot connect to {where}: {first[:200]}", "check DATABASE_URL and the server's log")


def connect(url: str):
    """A read-only, autocommit psycopg2 connection to ``url``; raises ``Unreachable``."""
    try:
        import psycopg2
    except ImportError:
        raise Unreachable("DATABASE_URL points to PostgreSQL but its driver is not installed",
                          "pip install -e '.[postgres]' (psycopg2-binary)") from None
    try:
        connection = psycopg2.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS, application_name="anihome doctor")
    except psycopg2.Error as exc:
        raise explain_connect_error(url, exc) from None
    connection.set_session(readonly=True, autocommit=True)
    return connection


def _one(db, sql: str, params=None):
    row = db.execute_sql(sql, params).fetchone()
    return row[0] if row else None


def server_version(db) -> Finding:
    number = int(_one(db, "SHOW server_version_num"))
    text = str(_one(db, "SHOW server_version")).split(" ")[0]
    if number < MIN_SERVER_VERSION:
        return Finding("pg version", "warn", f"PostgreSQL {text}: AniHome needs 13 or newer (catalog search, "
                       "pg_trgm)", "upgrade the server (Debian: a newer postgresql package, then pg_upgradecluster)")
    return Finding("pg version", "ok", f"PostgreSQL {text}")


def schema(db) -> Finding:
    """The schema version against this AniHome, and every migration-made object present."""
    from ..migrations import head_version
    from .guards import verify_schema

    head = head_version()
    if _one(db, "SELECT to_regclass('schema_version')") is None:
        return Finding("schema", "warn", "no AniHome tables in this database yet (a new install)",
                       "start AniHome once, or copy the household in: anihome db copy --to URL")
    version = _one(db, "SELECT MAX(version) FROM schema_version") or 0
    if version > head:
        return Finding("schema", "fail", f"written by a newer AniHome (schema {version}, this one knows {head})",
                       "upgrade AniHome, or restore a backup (pg_restore, docs/operations.md)")
    if version < head:
        return Finding("schema", "warn", f"schema {version}, this AniHome is at {head}",
                       "the next start migrates it (after a pg_dump backup if you want one)")
    missing = verify_schema(db, postgres=True)
    if missing:
        return Finding("schema", "fail", f"says it is at schema {version} but lacks {', '.join(missing[:6])}"
                       f"{' ...' if len(missing) > 6 else ''}",
                       "restore a backup (pg_restore, docs/operations.md), or copy the household again")
    return Finding("schema", "ok", f"schema {version}, every table, column and index there")


def trigram(db) -> Finding:
    version = _one(db, "SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm'")
    if version:
        return Finding("pg_trgm", "ok", f"extension pg_trgm {version} (catalog search)")
    available = _one(db, "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    name = _one(db, "SELECT current_database()")
    fix = (f"sudo -u postgres psql -d {name} -c 'CREATE EXTENSION pg_trgm'" if available
           else "install the server's contrib package (Debian: apt install postgresql-contrib), then "
                f"sudo -u postgres psql -d {name} -c 'CREATE EXTENSION pg_trgm'")
    return Finding("pg_trgm", "fail", "the pg_trgm extension is missing: catalog search cannot work", fix)


@dataclass(frozen=True)
class Sequence:
    table: str       # schema-qualified, quoted as needed
    column: str      # quoted as needed
    sequence: str    # schema-qualified, quoted as needed
    next_value: int  # what nextval() would hand out
    max_id: int | None

    @property
    def behind(self) -> bool:
        return self.max_id is not None and self.next_value <= self.max_id

    @property
    def fix_sql(self) -> str:
        return f"SELECT setval('{self.sequence}', (SELECT MAX({self.column}) FROM {self.table}));"

    def describe(self) -> str:
        return f"{self.sequence} would hand out {self.next_value}, {self.table}.{self.column} is already at {self.max_id}"


_OWNED_SEQUENCES = """
SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.relname), quote_ident(a.attname),
       quote_ident(sn.nspname) || '.' || quote_ident(s.relname)
FROM pg_class s
JOIN pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE s.relkind = 'S' AND tn.nspname = current_schema()
ORDER BY t.relname, a.attname
"""


def sequences(db) -> list[Sequence]:
    """Every id sequence of the household's tables with its next value and its table's highest id
    (one catalog query, then one query for all of them: ``MAX`` of a primary key reads its index)."""
    owned = db.execute_sql(_OWNED_SEQUENCES).fetchall()
    if not owned:
        return []
    parts = [f"SELECT {i}, s.last_value, s.is_called, (SELECT MAX({column}) FROM {table}) FROM {sequence} AS s"
             for i, (table, column, sequence) in enumerate(owned)]
    rows = {row[0]: row[1:] for row in db.execute_sql(" UNION ALL ".join(parts)).fetchall()}
    found = []
    for i, (table, column, sequence) in enumerate(owned):
        last, called, highest = rows[i]
        found.append(Sequence(table, column, sequence, last + 1 if called else last,
                              None if highest is None else int(highest)))
    return found


def sequences_behind(db) -> list[Sequence]:
    return [s for s in sequences(db) if s.behind]


FIX_SEQUENCES = "anihome db fix-sequences"


def sequence_finding(db) -> Finding:
    found = sequences(db)
    behind = [s for s in found if s.behind]
    if behind:
        return Finding("sequences", "fail", f"{len(behind)} id sequence(s) behind their table (new rows would fail "
                       f"with a duplicate key): {'; '.join(s.describe() for s in behind[:3])}"
                       f"{' ...' if len(behind) > 3 else ''}",
                       f"{FIX_SEQUENCES} (or in psql: {' '.join(s.fix_sql for s in behind)})")
    return Finding("sequences", "ok", f"{len(found)} id sequences ahead of their tables")


def reset_sequences(db) -> list[Sequence]:
    """Move every sequence that is behind to its table's highest id (the next row gets that + 1).
    Sequences ahead are left alone: they never go backwards. Returns those moved."""
    behind = sequences_behind(db)
    for item in behind:
        db.execute_sql("SELECT setval(%s, %s)", [item.sequence, item.max_id])
        log.warning("sequence_fixed sequence=%s was=%s now=%s", item.sequence, item.next_value, item.max_id + 1)
    return behind


_INVALID_INDEXES = """
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready AND i.indislive)
ORDER BY 1
"""


def invalid_indexes(db) -> list[str]:
    """Indexes the catalog marks unusable (a ``CREATE INDEX`` that failed or was interrupted)."""
    return [row[0] for row in db.execute_sql(_INVALID_INDEXES).fetchall()]


def index_finding(db) -> Finding:
    bad = invalid_indexes(db)
    if bad:
        return Finding("indexes", "fail", f"{len(bad)} index(es) marked invalid in the catalog: {', '.join(bad[:5])}",
                       "in psql: " + " ".join(f"REINDEX INDEX {name};" for name in bad))
    count = _one(db, "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema()")
    return Finding("indexes", "ok", f"{count} indexes, none marked invalid")


_BTREE_INDEXES = """
SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = c.relam
WHERE n.nspname = current_schema() AND am.amname = 'btree' AND i.indisvalid AND i.indisready
ORDER BY 2
"""


@dataclass(frozen=True)
class AmcheckResult:
    checked: int | None  # None: skipped
    problems: list[str] = field(default_factory=list)
    note: str = ""


def amcheck(db) -> AmcheckResult:
    """``bt_index_check`` on every B-tree index of the household, when amcheck is installed in
    this database and this role may run it; else skipped, with the reason."""
    function = _one(db, "SELECT to_regprocedure('bt_index_check(regclass)')")
    if function is None:
        return AmcheckResult(None, note="amcheck skipped: the extension is not installed in this database "
                                        "(a superuser may run CREATE EXTENSION amcheck)")
    if not _one(db, "SELECT has_function_privilege(to_regprocedure('bt_index_check(regclass)'), 'EXECUTE')"):
        return AmcheckResult(None, note="amcheck skipped: this role may not run bt_index_check "
                                        "(a superuser may GRANT EXECUTE ON FUNCTION bt_index_check(regclass) TO it)")
    problems, checked = [], 0
    for oid, name in db.execute_sql(_BTREE_INDEXES).fetchall():
        try:
            db.execute_sql("SELECT bt_index_check(%s::oid::regclass)", [oid]).fetchall()
        except Exception as exc:  # a corrupt index raises; reported, and the other indexes still checked
            problems.append(f"{name}: {str(exc).strip().splitlines()[0][:200]}")
        checked += 1
    return AmcheckResult(checked, problems, f"amcheck: {checked} B-tree indexes checked")


def amcheck_finding(db) -> Finding:
    result = amcheck(db)
    if result.checked is None:
        return Finding("amcheck", "ok", result.note.replace("amcheck skipped: ", "skipped: "))
    if result.problems:
        return Finding("amcheck", "fail", f"{len(result.problems)} damaged index(es): {'; '.join(result.problems[:3])}",
                       "in psql: " + " ".join(f"REINDEX INDEX {p.split(':', 1)[0]};" for p in result.problems)
                       + " Then look at the server's disk and log.")
    return Finding("amcheck", "ok", f"{result.checked} B-tree indexes pass bt_index_check")


def doctor_findings(url: str) -> list[Finding]:
    """The database lines of ``anihome doctor`` on PostgreSQL; one ``fail`` line when unreachable."""
    from .dbcopy import describe

    try:
        connection = connect(url)
    except Unreachable as exc:
        return [Finding("database", "fail", exc.message, exc.fix)]
    try:
        db = Reader(connection)
        findings = [Finding("database", "ok", f"{describe(url)} answers ({_one(db, 'SELECT current_user')} on "
                                              f"{_one(db, 'SELECT current_database()')})"),
                    server_version(db), schema(db)]
        if _one(db, "SELECT to_regclass('schema_version')") is not None:
            findings += [trigram(db), sequence_finding(db), index_finding(db), amcheck_finding(db)]
        return findings
    except Exception as exc:  # a query the role may not run: one plain line, never a traceback
        first = _scrub(str(exc), url).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        return [Finding("database", "fail", f"{describe(url)}: a check failed: {first}",
                        "check the role's rights on the database (it should own it)")]
    finally:
        connection.close()


@dataclass(frozen=True)
class LiveVerdict:
    """The periodic check of a running PostgreSQL household (start-up and ``integrity-check``)."""

    ok: bool
    detail: str
    fix: str
    counts: dict
    note: str


def live_check(db, use_amcheck: bool = True) -> LiveVerdict:
    """Sequences, invalid indexes and (when allowed) amcheck: a few catalog queries and one
    ``MAX(id)`` per table; amcheck reads every B-tree index once."""
    problems, fixes = [], []
    found = sequences(db)
    behind = [s for s in found if s.behind]
    if behind:
        problems.append("id sequence(s) behind their table: " + "; ".join(s.describe() for s in behind[:3]))
        fixes.append(FIX_SEQUENCES)
    bad = invalid_indexes(db)
    if bad:
        problems.append(f"index(es) marked invalid: {', '.join(bad[:5])}")
        fixes.append("in psql: " + " ".join(f"REINDEX INDEX {name};" for name in bad))
    counts = {"sequences": len(found), "sequences_behind": len(behind), "invalid_indexes": len(bad)}
    note = "amcheck not run"
    if use_amcheck:
        result = amcheck(db)
        note = result.note
        counts["amcheck_indexes"] = result.checked or 0
        if result.problems:
            problems.append(f"damaged index(es): {'; '.join(result.problems[:3])}")
            fixes.append("in psql: " + " ".join(f"REINDEX INDEX {p.split(':', 1)[0]};" for p in result.problems))
    if problems:
        return LiveVerdict(False, "; ".join(problems), "; ".join(fixes), counts, note)
    return LiveVerdict(True, "ok", "", counts, note)
