"""Incremental sync, wrong tokens and every fault mode of the fake: finish or fail cleanly, then resume."""
import threading
import time

import pytest

from anihome.clock import utcnow
from anihome.db import write_transaction
from anihome.kodik import state, sync
from tests.support.kodik import Fault
from anihome.models import AppSetting, Translation

from .conftest import catalog_dump, fast_client


def test_incremental_sync_stores_only_what_changed_since_the_watermark(db, fake, kodik):
    sync.run_full(kodik)
    mark = state.watermark()
    touched = fake.touch(25)
    fake.reset_requests()

    report = sync.run_incremental(kodik)

    assert fake.count("/list") == 1
    anime = Translation.select().where(Translation.kodik_id.in_(touched)).count()
    assert anime and report.items >= anime
    assert state.watermark() > mark
    for translation in Translation.select().where(Translation.kodik_id.in_(touched)):
        assert str(translation.kodik_updated_at) >= state.watermark()[:16]


def test_incremental_sync_without_a_watermark_runs_a_full_sync(db, fake, kodik):
    report = sync.run_incremental(kodik)
    assert report.mode == "full"
    assert Translation.select().count() > 300 and state.watermark()


def test_a_wrong_token_fails_naming_the_token_and_changes_nothing(db, fake, kodik):
    sync.run_full(kodik)
    before = catalog_dump()
    settings = {"KODIK_URL": fake.base_url, "KODIK_MAX_RPS": 0}

    for mode in ("full", "incremental"):
        with pytest.raises(sync.SyncError, match="token") as caught:
            sync.run_sync(settings, mode, "wrong-token-123", client=fast_client(fake, token="wrong-token-123"))
        assert "wrong-token-123" not in str(caught.value)

    assert catalog_dump() == before


def test_no_token_is_a_readable_error(db):
    with pytest.raises(sync.SyncError, match="No Kodik token"):
        sync.run_sync({"KODIK_URL": "http://127.0.0.1:9"}, "full", "")


TRANSIENT = [
    Fault("slow", count=3, seconds=0.1, path="/list"),
    Fault("status", count=2, status=502, path="/list"),
    Fault("rate_limit", count=2, retry_after=0, path="/list"),
    Fault("hang", count=1, seconds=2.5, path="/list"),
    Fault("drop", count=1, path="/list"),
    Fault("truncate", count=1, path="/list"),
]
PERSISTENT = [
    Fault("status", count=None, status=503, after=2, path="/list"),
    Fault("rate_limit", count=None, retry_after=0, after=2, path="/list"),
    Fault("hang", count=None, seconds=2.5, after=2, path="/list"),
    Fault("drop", count=None, after=2, path="/list"),
    Fault("truncate", count=None, after=2, path="/list"),
    Fault("error_json", count=None, message="Отсутствует или неверный токен", after=2, path="/list"),
    Fault("error_json", count=None, message="Неправильный тип", after=2, path="/list"),
]


@pytest.mark.parametrize("fault", TRANSIENT, ids=lambda f: f"transient-{f.kind}")
def test_a_sync_completes_after_retrying_transient_faults(db, fake, kodik, fault):
    sync.run_full(kodik)
    before = catalog_dump()
    fake.set_faults(fault)

    report = sync.run_sync({}, "full", fake.token, client=kodik)

    assert report.items > 300
    assert catalog_dump() == before


@pytest.mark.parametrize("fault", PERSISTENT, ids=lambda f: f"persistent-{f.kind}-{f.message[:6]}")
def test_a_sync_that_keeps_failing_keeps_the_old_catalog_and_resumes_later(db, fake, kodik, fault):
    sync.run_full(kodik)
    before = catalog_dump()
    fake.set_faults(fault)

    with pytest.raises(sync.SyncError) as caught:
        sync.run_sync({}, "full", fake.token, client=kodik)

    reason = str(caught.value)
    assert reason and fake.token not in reason
    assert any(word in reason for word in ("token", "unreachable", "broken", "rejected"))
    assert catalog_dump() == before
    assert state.load_full() is not None and state.load_full().pages == 2
    fake.clear_faults()
    report = sync.run_sync({}, "full", fake.token, client=kodik)
    assert report.resumed
    assert catalog_dump() == before


def test_members_can_write_while_a_sync_runs(db, app, fake):
    slow = fast_client(fake)
    fake.set_faults(Fault("slow", count=None, seconds=0.05, path="/list"))
    errors, waits = [], []

    def run_sync():
        try:
            with app.app_context(), app.extensions["anihome.db"].connection_context():
                sync.run_full(slow, chunk_items=100)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=run_sync)
    thread.start()
    try:
        while thread.is_alive():
            started = time.monotonic()
            with write_transaction():
                AppSetting.insert(key="member.write", value=str(started), updated_at=utcnow()).on_conflict(
                    conflict_target=[AppSetting.key], update={AppSetting.value: str(started)}).execute()
            waits.append(time.monotonic() - started)
            time.sleep(0.01)
    finally:
        thread.join()
    assert not errors
    assert len(waits) > 5
    assert max(waits) < 1.0
