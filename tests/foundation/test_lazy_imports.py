"""The serving process imports only what serving needs: modules used by imports, exports and
migrations are imported when that work runs (issue 17; memory in docs/benchmarks.md)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Built as run.py builds it, without pytest (which imports xml.etree itself).
SERVING = """
import json, sys
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
print(json.dumps({"pages": pages, "imported": sorted(m for m in watched if m in sys.modules)}))
"""

NOT_FOR_SERVING = ("xml.etree.ElementTree", "pyexpat", "anihome.migrations.m0001_foundation",
                   "anihome.migrations.m0016_analytics", "anihome.migrations.schema", "sklearn")


def test_serving_pages_imports_no_xml_parser_and_keeps_no_migration_module(tmp_path):
    done = subprocess.run([sys.executable, "-c", SERVING, str(tmp_path / "data"), ",".join(NOT_FOR_SERVING)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer == {"pages": [200, 200, 200, 200], "imported": []}


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
