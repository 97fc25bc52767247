"""View events: opening a release page or the player records one row after the response,
in batches; errors and other pages record nothing."""
from anihome.analytics import views
from anihome.models import ViewEvent

from .conftest import sign_in


def test_release_page_and_player_record_one_view_each(app, client, house):
    sign_in(client, house.alice)
    for url in (f"/releases/{house.a.id}", f"/watch/{house.a.id}?translation={house.a_dub.id}&season=1&episode=1"):
        response = client.get(url)
        assert response.status_code == 200
        response.close()  # the server closes the response after sending it; the view is written then
    rows = list(ViewEvent.select().where(ViewEvent.user == house.alice.id, ViewEvent.at > "2026-11-20")
                .order_by(ViewEvent.id).tuples())
    assert [(r[2], r[3], r[4]) for r in rows] == [(house.a.id, None, "release"),
                                                  (house.a.id, house.a_dub.id, "episode")]


def test_missing_pages_and_other_pages_record_nothing(app, client, house):
    before = ViewEvent.select().count()
    sign_in(client, house.alice)
    missing = client.get("/releases/99999")
    assert missing.status_code == 404
    missing.close()
    client.get("/browse").close()
    assert ViewEvent.select().count() == before


def test_views_wait_in_memory_until_due_then_go_in_one_batch(app, house):
    now = [0.0]
    recorder = views.ViewRecorder(10, clock=lambda: now[0])
    before = ViewEvent.select().count()
    recorder.add(house.alice.id, house.a.id, "release")
    recorder.add(house.alice.id, house.b.id, "episode")
    assert recorder.flush_due() == 0 and recorder.pending == 2
    now[0] = 10.0
    assert recorder.flush_due() == 2 and recorder.pending == 0
    assert ViewEvent.select().count() == before + 2
    for _ in range(views.BATCH):
        recorder.add(house.alice.id, house.a.id, "release")
    assert recorder.due()


def test_a_batch_that_cannot_be_written_is_logged_not_raised(app, house, caplog):
    recorder = views.ViewRecorder(0)
    recorder.add(house.alice.id, 99999, "release")  # no such release: the foreign key refuses it
    assert recorder.flush() == 0
    assert "view events lost" in caplog.text
