"""GET /api/v1/health: public liveness with version and schema version; 503 when the database fails."""
from __future__ import annotations

from peewee import OperationalError

from anihome.migrations import head_version
from anihome.version import __version__


def test_health_is_public_and_reports_version_and_schema(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {"status": "ok", "version": __version__, "database": "ok",
                    "schema_version": head_version(), "disk_free_mb": body["disk_free_mb"], "problems": []}


def test_health_answers_503_when_the_database_cannot_be_read(client, monkeypatch):
    import anihome.api.routes_system as routes

    def broken(db):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(routes, "current_version", broken)
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "error" and body["schema_version"] is None


def test_health_is_reachable_before_first_run_setup(client):
    assert client.get("/api/v1/health").status_code == 200
