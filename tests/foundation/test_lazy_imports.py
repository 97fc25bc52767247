"""The serving process imports only what serving needs: modules used by imports, exports and
migrations are imported when that work runs; PostgreSQL drivers and requests' character-set
guessers not at all (issue 17; memory in docs/benchmarks.md)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Built as run.py builds it (run_server hides the PostgreSQL drivers first), without pytest
# (which imports xml.etree itself).
SERVING = """
import json, sys
from anihome.serving.lean_imports import hide_unused_modules
hidden = hide_unused_modules({"DATA_DIR": sys.argv[1]})
from anihome import create_app
from anihome.accounts.users import create_user
from anihome.security.login import session_id_for
from anihome.serving.startup import prepare_database
app = create_app({"DATA_DIR": sys.argv[1], "SECRET_KEY": "test-secret"})
prepare_database(app)
with app.app_context(), app.extensions["anihome.db"].connection_context():
    owner = create_user("owner", "a long password 123", "owner")
client = app.test_client()
with client.session_transaction() as session:
    session["_user_id"] = session_id_for(owner)
pages = [client.get(path).status_code for path in ("/", "/browse", "/api/v1/releases", "/lists")]
watched = sys.argv[2].split(",")
print(json.dumps({"hidden": hidden, "pages": pages,
                  "imported": sorted(m for m in watched if sys.modules.get(m) is not None)}))
"""

NOT_FOR_SERVING = ("xml.etree.ElementTree", "pyexpat", "anihome.migrations.m0001_foundation",
                   "anihome.migrations.m0016_analytics", "anihome.migrations.schema", "sklearn",
                   "psycopg2", "psycopg2.extensions", "psycopg2._psycopg")


def test_serving_pages_imports_no_xml_parser_no_postgres_driver_and_keeps_no_migration_module(tmp_path):
    done = subprocess.run([sys.executable, "-c", SERVING, str(tmp_path / "data"), ",".join(NOT_FOR_SERVING)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer == {"hidden": ["charset_normalizer", "chardet", "psycopg2", "psycopg"],
                      "pages": [200, 200, 200, 200], "imported": []}


HIDDEN = """
import json, sys
from anihome.serving.lean_imports import hide_unused_modules
hidden = hide_unused_modules({"DATA_DIR": sys.argv[1]})
from anihome.db import DatabaseURLError, open_postgres
try:
    open_postgres("postgresql://nobody@127.0.0.1:1/anihome")
    refused = ""
except DatabaseURLError as exc:
    refused = str(exc)
print(json.dumps({"hidden": hidden, "refused": refused}))
"""

SHOWN = """
import json, os, sys
from anihome.serving.lean_imports import hide_unused_modules
hidden = hide_unused_modules({"DATA_DIR": sys.argv[1]})
import peewee
print(json.dumps({"hidden": hidden, "driver": peewee.psycopg2 is not None}))
"""


def _run(script: str, data_dir: Path, **env) -> dict:
    import os

    done = subprocess.run([sys.executable, "-c", script, str(data_dir)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_server_started_for_sqlite_refuses_postgresql_plainly(tmp_path):
    answer = _run(HIDDEN, tmp_path / "data")
    assert "psycopg2" in answer["hidden"] and "started for SQLite" in answer["refused"]


def test_a_server_given_a_database_url_keeps_the_postgresql_driver(tmp_path):
    answer = _run(SHOWN, tmp_path / "data", ANIHOME_DATABASE_URL="postgresql://nobody@127.0.0.1:1/anihome")
    assert answer == {"hidden": ["charset_normalizer", "chardet"], "driver": True}


def test_nothing_is_hidden_once_peewee_and_requests_are_imported(tmp_path):
    from anihome.serving.lean_imports import drivers_hidden, hide_unused_modules

    assert hide_unused_modules({"DATA_DIR": str(tmp_path / "data")}) == []  # requests and peewee are in
    assert drivers_hidden() is False


FETCHING = """
import json, sys, threading, warnings
warnings.simplefilter("error")
from http.server import BaseHTTPRequestHandler, HTTPServer
from anihome.serving.lean_imports import hide_unused_modules
hidden = hide_unused_modules({"DATA_DIR": sys.argv[1]})
import requests

class Answer(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"title": "Атака титанов"}, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream" if self.path == "/raw" else "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Answer)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_port}"
answers = [requests.get(base + "/json", timeout=10).json()["title"],
           json.loads(requests.get(base + "/raw", timeout=10).text)["title"]]
server.shutdown()
print(json.dumps({"hidden": hidden, "answers": answers,
                  "guessers": [m for m in ("charset_normalizer", "chardet") if sys.modules.get(m) is not None]}))
"""


def test_requests_reads_utf8_answers_without_a_character_set_guesser(tmp_path):
    answer = _run(FETCHING, tmp_path / "data")
    assert answer == {"hidden": ["charset_normalizer", "chardet", "psycopg2", "psycopg"],
                      "answers": ["Атака титанов", "Атака титанов"], "guessers": []}


def test_a_migration_imports_its_module_when_it_runs_after_start_up_forgot_it(tmp_path):
    from peewee import SqliteDatabase

    from anihome.migrations import current_version, discover, forget_imported, head_version, migrate

    forget_imported()
    assert not any(name.startswith("anihome.migrations.m0") for name in sys.modules)
    migrations = discover()
    assert not any(name.startswith("anihome.migrations.m0") for name in sys.modules)  # found, not imported

    database = SqliteDatabase(str(tmp_path / "fresh.db"))
    with database.connection_context():
        assert migrate(database, migrations)[-1] == head_version()
        assert current_version(database) == head_version()
    assert "anihome.migrations.m0001_foundation" in sys.modules
