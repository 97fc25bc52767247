"""Staged MAL uploads are bounded on disk: one per member (a new preview replaces the
previous one), a cap on all members' files together, and nothing older than the limit."""
import io
import os
import time

import pytest

from anihome.errors import AppError, NotFound
from anihome.library import import_store

from .conftest import meta_csrf, sign_in_as

SMALL = (b"<myanimelist><anime><series_animedb_id>101</series_animedb_id>"
         b"<my_status>Watching</my_status></anime></myanimelist>")


def _staged(data_dir):
    folder = data_dir / "imports"
    return sorted(p.name for p in folder.glob("*.upload")) if folder.exists() else []


def test_a_new_upload_replaces_the_members_previous_one(tmp_path):
    first = import_store.stage(str(tmp_path), 7, SMALL)
    second = import_store.stage(str(tmp_path), 7, io.BytesIO(SMALL))
    other = import_store.stage(str(tmp_path), 8, SMALL)
    assert _staged(tmp_path) == sorted([f"7-{second}.upload", f"8-{other}.upload"])
    with pytest.raises(NotFound):
        import_store.load(str(tmp_path), 7, first)
    assert import_store.load(str(tmp_path), 7, second) == SMALL
    assert oct(os.stat(tmp_path / "imports" / f"7-{second}.upload").st_mode & 0o777) == "0o600"


def test_the_households_staged_files_are_capped_in_number_and_size(tmp_path, monkeypatch):
    monkeypatch.setattr(import_store, "MAX_FILES", 3)
    for user_id in (1, 2, 3):
        import_store.stage(str(tmp_path), user_id, SMALL)
    with pytest.raises(AppError) as err:
        import_store.stage(str(tmp_path), 4, SMALL)
    assert (err.value.status, err.value.field) == (503, "file")
    import_store.stage(str(tmp_path), 3, SMALL)  # replacing one's own upload is always possible
    monkeypatch.setattr(import_store, "MAX_FILES", 10)
    monkeypatch.setattr(import_store, "MAX_TOTAL_BYTES", len(SMALL) * 3 + 10)
    with pytest.raises(AppError) as err:
        import_store.stage(str(tmp_path), 4, SMALL)
    assert err.value.status == 503
    assert len(_staged(tmp_path)) == 3


def test_a_file_over_the_size_cap_is_refused_and_not_left_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(import_store, "MAX_FILE_BYTES", 1000)
    with pytest.raises(AppError) as err:
        import_store.stage(str(tmp_path), 1, io.BytesIO(b"x" * 5000))
    assert err.value.status == 413
    assert _staged(tmp_path) == []


def test_expired_uploads_are_removed_and_cannot_be_applied(tmp_path):
    token = import_store.stage(str(tmp_path), 1, SMALL)
    path = tmp_path / "imports" / f"1-{token}.upload"
    old = time.time() - import_store.MAX_AGE_SECONDS - 5
    os.utime(path, (old, old))
    with pytest.raises(NotFound):
        import_store.load(str(tmp_path), 1, token)
    import_store.stage(str(tmp_path), 2, SMALL)
    assert not path.exists()


def test_ten_previews_by_one_member_leave_one_file(client, app, cat, alice):
    sign_in_as(client, alice)
    token = meta_csrf(client)
    for _ in range(10):
        answer = client.post("/import", data={"csrf_token": token,
                                              "file": (io.BytesIO(SMALL), "mal.xml")},
                             content_type="multipart/form-data")
        assert answer.status_code == 200
    data_dir = app.config["DATA_DIR"]
    from pathlib import Path
    assert len(_staged(Path(data_dir))) == 1


def test_a_refused_upload_is_not_kept(client, app, cat, alice):
    sign_in_as(client, alice)
    answer = client.post("/import", data={"csrf_token": meta_csrf(client),
                                          "file": (io.BytesIO(b"<html/>"), "mal.xml")},
                         content_type="multipart/form-data")
    assert answer.status_code == 400
    from pathlib import Path
    assert _staged(Path(app.config["DATA_DIR"])) == []
