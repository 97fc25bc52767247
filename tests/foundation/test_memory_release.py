"""Long work gives memory back: the job runner after every job, and the import, export and
report routes once their answer is sent (``ops.memory``; numbers in docs/benchmarks.md)."""
from __future__ import annotations

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
