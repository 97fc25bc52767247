"""Long work gives memory back: the job runner after every job, and the import, export and
report routes once their answer is sent (``ops.memory``; numbers in docs/benchmarks.md)."""
from __future__ import annotations

import pytest

from anihome.jobs.runner import run_job
from anihome.ops import memory


def test_release_shrinks_collects_and_trims_without_failing(db):
    db.execute_sql("SELECT 1")
    memory.release()  # glibc here: malloc_trim is found and called
    assert memory._trim is not None  # looked up: the libc function, or False where there is none


def test_every_job_run_gives_memory_back(app, monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "release", lambda connection=True: calls.append(connection))

    run = run_job(app, "backup")

    assert run.status == "succeeded" and calls == [True]


def test_an_export_answer_releases_memory_once_it_is_sent(app, monkeypatch):
    from anihome.accounts import tokens
    from anihome.accounts.users import create_user

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        token = tokens.create(create_user("owner", "a long password 123", "owner"), "t")[0]
    calls = []
    monkeypatch.setattr(memory, "release", lambda connection=True: calls.append(connection))
    client = app.test_client()

    response = client.get("/api/v1/export/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["member"]["username"] == "owner"
    response.close()

    assert calls == [False]


# --- malloc tuning at start, the trimming thread, SQLite's heap (issue 17) ------------------

class FakeLibc:
    """Records mallopt calls; accepts every parameter as glibc does."""

    def __init__(self):
        self.calls = []

        def mallopt(param, value):
            self.calls.append((param, value))
            return 1

        self.mallopt = mallopt


def test_tune_malloc_caps_arenas_and_fixes_the_mmap_threshold_from_settings(monkeypatch):
    libc = FakeLibc()
    monkeypatch.setattr(memory, "_glibc", lambda: libc)

    applied = memory.tune_malloc({"MALLOC_ARENA_MAX": 2, "MALLOC_MMAP_THRESHOLD_KB": 128})

    assert libc.calls == [(memory.M_ARENA_MAX, 2), (memory.M_MMAP_THRESHOLD, 128 * 1024)]
    assert applied == {"arena_max": 2, "mmap_threshold_kb": 128}


def test_tune_malloc_leaves_glibc_alone_for_settings_at_zero(monkeypatch):
    libc = FakeLibc()
    monkeypatch.setattr(memory, "_glibc", lambda: libc)

    assert memory.tune_malloc({"MALLOC_ARENA_MAX": 0, "MALLOC_MMAP_THRESHOLD_KB": 0}) == {}
    assert memory.tune_malloc({"MALLOC_ARENA_MAX": 0, "MALLOC_MMAP_THRESHOLD_KB": 256}) == {"mmap_threshold_kb": 256}
    assert libc.calls == [(memory.M_MMAP_THRESHOLD, 256 * 1024)]


def test_tune_malloc_is_skipped_where_there_is_no_glibc(monkeypatch):
    monkeypatch.setattr(memory, "_glibc", lambda: None)

    assert memory.tune_malloc({"MALLOC_ARENA_MAX": 2, "MALLOC_MMAP_THRESHOLD_KB": 128}) == {}
    assert memory.start_trimming(0.01) is None


def test_tune_malloc_applies_to_this_processes_glibc():
    # the values the server uses by default; harmless for the test process
    assert memory.tune_malloc({"MALLOC_ARENA_MAX": 2, "MALLOC_MMAP_THRESHOLD_KB": 128}) == {
        "arena_max": 2, "mmap_threshold_kb": 128}


def test_the_trimming_thread_trims_until_it_is_stopped(monkeypatch):
    import threading

    trims = threading.Semaphore(0)
    monkeypatch.setattr(memory, "_malloc_trim", lambda: trims.release())

    stop = memory.start_trimming(0.01)
    try:
        assert all(trims.acquire(timeout=10) for _ in range(3))
    finally:
        stop.set()
    assert memory.start_trimming(0) is None


def test_the_server_tunes_malloc_before_building_the_app_and_trims_while_serving(tmp_path, monkeypatch):
    import waitress

    import anihome
    from anihome.serving import server

    order = []
    monkeypatch.setenv("ANIHOME_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANIHOME_MALLOC_TRIM_SECONDS", "7")
    monkeypatch.setattr(memory, "tune_malloc", lambda settings: order.append(("tune", settings["MALLOC_ARENA_MAX"])))
    real_create_app = anihome.create_app
    monkeypatch.setattr(anihome, "create_app", lambda *a: order.append(("create_app",)) or real_create_app(*a))
    monkeypatch.setattr(memory, "start_trimming", lambda seconds: order.append(("trim", seconds)) or None)
    monkeypatch.setattr(server, "_start_logging", lambda data_dir, level: None)
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: order.append(("serve",)))

    assert server.run_server(scheduler=False) == 0

    assert order == [("tune", 2), ("create_app",), ("trim", 7.0), ("serve",)]


@pytest.mark.sqlite_only("SQLite's own process-wide heap limit")
def test_a_soft_heap_limit_setting_reaches_sqlite(tmp_path):
    from anihome import create_app, db as dbmod

    app = create_app({"DATA_DIR": str(tmp_path / "data"), "SQLITE_SOFT_HEAP_LIMIT_MB": 3})
    database = app.extensions["anihome.db"]
    default = dbmod.sqlite_pragmas(app.config["ANIHOME_SETTINGS"] | {"SQLITE_SOFT_HEAP_LIMIT_MB": 4})
    try:
        with database.connection_context():
            assert database.execute_sql("PRAGMA soft_heap_limit").fetchone()[0] == 3 * 1024 * 1024
    finally:
        with database.connection_context():  # the limit is process-wide: put the default back
            database.execute_sql(f"PRAGMA soft_heap_limit = {default['soft_heap_limit']}")
        dbmod.close_all(database)
    assert "soft_heap_limit" not in dbmod.sqlite_pragmas({"SQLITE_SOFT_HEAP_LIMIT_MB": 0})
