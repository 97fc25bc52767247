"""The admin Kodik page and its status API: masked token, sync now, live progress, history."""
import time

from anihome.kodik import settings as kodik_settings
from anihome.kodik.fake.server import FakeKodik
from tests.support.kodik import Fault
from anihome.models import AppSetting, JobRun, Release
from tests.conftest import make_app

TOKEN = "kodik-secret-token-abcd1234"


def _wait_finished(app, timeout=60):
    deadline = time.monotonic() + timeout
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        while time.monotonic() < deadline:
            if not JobRun.select().where(JobRun.status == "running").exists():
                return list(JobRun.select().order_by(JobRun.id))
            time.sleep(0.05)
    raise AssertionError("the Kodik job did not finish")


def test_the_kodik_page_is_for_admins_only(client, member, login):
    login(client, "member")
    assert client.get("/admin/kodik/").status_code == 403
    assert client.get("/api/v1/admin/kodik/status").status_code == 403


def test_a_saved_token_is_only_ever_shown_masked(app, client, admin, login, csrf):
    login(client, "admin")
    with FakeKodik(items=5, seed=3, token=TOKEN) as fake:
        app.config["KODIK_URL"] = fake.base_url
        response = client.post("/admin/kodik/token", data={"csrf_token": csrf(client, "/admin/kodik/"), "token": TOKEN})
    assert response.status_code == 302
    page = client.get("/admin/kodik/").get_data(as_text=True)
    assert TOKEN not in page and "1234" in page
    status = client.get("/api/v1/admin/kodik/status").get_json()
    assert status["token"] == {"present": True, "masked": "••••••••1234", "source": "admin"}
    assert TOKEN not in client.get("/api/v1/admin/kodik/status").get_data(as_text=True)


def test_a_bad_token_is_a_form_error_and_changes_nothing(app, client, admin, login, csrf):
    login(client, "admin")
    response = client.post("/admin/kodik/token", data={"csrf_token": csrf(client, "/admin/kodik/"),
                                                       "token": "bad token!"})
    assert response.status_code == 400
    assert "8 to 200" in response.get_data(as_text=True)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        assert AppSetting.get_or_none(AppSetting.key == "kodik.token") is None


def test_forms_without_csrf_are_refused(client, admin, login):
    login(client, "admin")
    assert client.post("/admin/kodik/token", data={"token": TOKEN}).status_code == 400
    assert client.post("/admin/kodik/sync", data={"mode": "full"}).status_code == 400


def test_sync_now_runs_in_the_background_and_the_status_shows_progress_then_history(tmp_path, fake, login, csrf):
    from tests.conftest import make_user

    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN=fake.token, KODIK_MAX_RPS=0,
                   API_RATE_LIMIT=100000)
    make_user(app, "owner", "owner")
    client = app.test_client()
    login(client, "owner")
    fake.set_faults(Fault("slow", count=None, seconds=0.3, path="/list"))

    response = client.post("/admin/kodik/sync", data={"csrf_token": csrf(client, "/admin/kodik/"), "mode": "full"})
    assert response.status_code == 302
    seen_running = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        running = client.get("/api/v1/admin/kodik/status").get_json()["running"]
        if running and running["items"] > 0:
            seen_running = running
            break
        time.sleep(0.05)
    assert seen_running and seen_running["job_id"] == "kodik-full-sync"
    assert seen_running["total"] > 300 and seen_running["items_per_second"] > 0
    assert seen_running["eta_seconds"] is not None
    page = client.get("/admin/kodik/").get_data(as_text=True)
    assert 'data-running="true"' in page
    fake.clear_faults()
    runs = _wait_finished(app)
    assert runs[-1].status == "succeeded"
    status = client.get("/api/v1/admin/kodik/status").get_json()
    assert status["running"] is None and status["history"][0]["status"] == "succeeded"
    assert status["catalog"]["releases"] > 50 and status["watermark"]


def test_a_failed_sync_shows_its_readable_error_in_the_history(tmp_path, fake, login, csrf):
    from tests.conftest import make_user

    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN="wrong-token-5678", KODIK_MAX_RPS=0)
    make_user(app, "owner", "owner")
    client = app.test_client()
    login(client, "owner")
    client.post("/admin/kodik/sync", data={"csrf_token": csrf(client, "/admin/kodik/"), "mode": "incremental"})
    _wait_finished(app)
    history = client.get("/api/v1/admin/kodik/status").get_json()["history"]
    assert history[0]["status"] == "failed"
    assert "Kodik token rejected" in history[0]["error"] and "wrong-token-5678" not in history[0]["error"]
    assert "Kodik token rejected" in client.get("/admin/kodik/").get_data(as_text=True)


def test_the_demo_catalog_loads_from_the_admin_page_and_a_real_sync_replaces_it(tmp_path, fake, login, csrf):
    from tests.conftest import make_user

    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_MAX_RPS=0)
    make_user(app, "owner", "owner")
    client = app.test_client()
    login(client, "owner")
    assert "Load the demo catalog" in client.get("/admin/kodik/").get_data(as_text=True)
    client.post("/admin/kodik/demo", data={"csrf_token": csrf(client, "/admin/kodik/")})
    assert _wait_finished(app)[-1].status == "succeeded"
    status = client.get("/api/v1/admin/kodik/status").get_json()
    assert status["demo"] is True and status["catalog"]["releases"] > 500
    assert status["watermark"] is None

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        kodik_settings.save_token(fake.token, app.config["ANIHOME_SETTINGS"])
    client.post("/admin/kodik/sync", data={"csrf_token": csrf(client, "/admin/kodik/"), "mode": "incremental"})
    runs = _wait_finished(app)
    assert runs[-1].status == "succeeded" and runs[-1].counts_dict["demo_releases_removed"] > 500
    status = client.get("/api/v1/admin/kodik/status").get_json()
    assert status["demo"] is False
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        assert Release.select().count() < 400  # only the fake's 400-item catalog is left
        from anihome.db import database

        indexed = database.execute_sql("SELECT COUNT(*) FROM release_search").fetchone()[0]
        assert indexed == Release.select().count()  # no search rows left behind by the demo


def test_the_empty_home_page_offers_the_demo_catalog_to_admins_only(client, owner, member, login):
    login(client, "owner")
    page = client.get("/").get_data(as_text=True)
    assert "/admin/kodik/demo" in page and "Load the demo catalog" in page
    other = client.application.test_client()
    login(other, "member")
    assert "/admin/kodik/demo" not in other.get("/").get_data(as_text=True)


def test_the_kodik_page_speaks_russian(client, admin, login):
    login(client, "admin")
    client.set_cookie("lang", "ru")
    page = client.get("/admin/kodik/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Токен" in page and "Загрузить демо-каталог" in page


def test_the_kodik_page_says_its_times_and_how_a_run_started_in_the_pages_language(app, client, admin, login):
    from datetime import datetime

    from anihome.kodik import state

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        state.put(state.LAST_FULL_KEY, "2026-03-08 09:15:00")
        state.advance_watermark("2026-03-07T22:05:00Z")
        JobRun.create(job_id="kodik-full-sync", trigger="manual", status="succeeded",
                      started_at=datetime(2026, 3, 8, 9, 0), finished_at=datetime(2026, 3, 8, 9, 15), counts="{}")
    login(client, "admin")
    client.set_cookie("lang", "ru")
    page = client.get("/admin/kodik/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "8\u00a0марта" in page and "2026-03-08T09" not in page and "T22:05:00Z" not in page
    assert "вручную" in page and ">manual<" not in page


# --- "Test connection": a token is tested against Kodik (here the project's fake) first ------

def _stored_token(app):
    """The admin page's token as kept (a 0600 file in the data dir, never the database)."""
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        assert AppSetting.get_or_none(AppSetting.key == "kodik.token") is None
    info = kodik_settings.current_token(app.config["ANIHOME_SETTINGS"])
    return info.token if info.source == "admin" else None


def test_a_wrong_token_is_refused_with_kodiks_reason_and_not_saved(app, client, admin, login, csrf):
    login(client, "admin")
    with FakeKodik(items=5, seed=3, token=TOKEN) as fake:
        app.config["KODIK_URL"] = fake.base_url
        response = client.post("/admin/kodik/token", data={"csrf_token": csrf(client, "/admin/kodik/"),
                                                           "token": "wrong-token-5678"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kodik refused this token: Отсутствует или неверный токен" in page
    assert 'name="untested"' not in page  # a refused token cannot be saved "anyway"
    assert "wrong-token-5678" not in page and _stored_token(app) is None


def test_a_good_token_is_saved_with_what_kodik_answered(app, client, admin, login, csrf):
    login(client, "admin")
    with FakeKodik(items=5, seed=3, token=TOKEN) as fake:
        app.config["KODIK_URL"] = fake.base_url
        response = client.post("/admin/kodik/token", data={"csrf_token": csrf(client, "/admin/kodik/"),
                                                           "token": TOKEN}, follow_redirects=True)
    assert "The Kodik token was saved. Kodik accepted the token: 5 titles are available." in \
        response.get_data(as_text=True)
    assert _stored_token(app) == TOKEN


def test_an_unreachable_kodik_refuses_the_save_but_offers_saving_untested(app, client, admin, login, csrf):
    login(client, "admin")
    with FakeKodik(items=1) as fake:
        closed = fake.base_url  # the port is closed once the fake stops
    app.config["KODIK_URL"] = closed
    token = csrf(client, "/admin/kodik/")
    response = client.post("/admin/kodik/token", data={"csrf_token": token, "token": TOKEN})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Kodik could not be reached" in page and 'name="untested"' in page
    assert _stored_token(app) is None
    response = client.post("/admin/kodik/token", data={"csrf_token": token, "token": TOKEN, "untested": "1"},
                           follow_redirects=True)
    assert "saved without testing" in response.get_data(as_text=True) and _stored_token(app) == TOKEN


def test_test_connection_checks_the_token_in_use_without_saving_anything(app, client, admin, login, csrf):
    login(client, "admin")
    with FakeKodik(items=5, seed=3, token=TOKEN) as fake:
        app.config["KODIK_URL"] = fake.base_url
        app.config["KODIK_TOKEN"] = TOKEN
        ok = client.post("/admin/kodik/token", data={"csrf_token": csrf(client, "/admin/kodik/"),
                                                     "token": "", "action": "test"}, follow_redirects=True)
        wrong = client.post("/admin/kodik/token", data={"csrf_token": csrf(client, "/admin/kodik/"),
                                                        "token": "another-wrong-1", "action": "test"})
    assert "Kodik accepted the token: 5 titles are available." in ok.get_data(as_text=True)
    assert wrong.status_code == 400 and "Kodik refused this token" in wrong.get_data(as_text=True)
    assert _stored_token(app) is None


def test_the_token_form_speaks_russian(app, client, admin, login, csrf):
    login(client, "admin")
    client.set_cookie("lang", "ru")
    with FakeKodik(items=5, seed=3, token=TOKEN) as fake:
        app.config["KODIK_URL"] = fake.base_url
        response = client.post("/admin/kodik/token", data={"csrf_token": csrf(client, "/admin/kodik/"),
                                                           "token": "wrong-token-5678"})
    page = response.get_data(as_text=True)
    assert "Kodik отклонил этот токен: Отсутствует или неверный токен" in page
    assert "Проверить соединение" in page
