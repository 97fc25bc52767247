"""KodikClient against the fake Kodik over real HTTP: paging, retries, errors, cursors, secrecy."""

import logging
import socket
import threading

import pytest

from anihome.kodik.client import KodikClient, Page, RequestPacer, cursor_from_next_page, params_from_cursor
from anihome.kodik.errors import (
    KodikBadResponse, KodikError, KodikRequestError, KodikTokenRejected, KodikUnavailable, redact,
)
from tests.support.kodik import Fault, FaultyKodik

SECRET = "s3cret-Token-4711"


@pytest.fixture
def fake():
    with FaultyKodik(items=250, seed=11, token=SECRET) as server:
        yield server


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(fake, sleeps):
    with KodikClient(fake.base_url, SECRET, timeout=(2, 2), max_rps=0, retries=3, backoff=0.01,
                     sleep=sleeps.append) as kodik:
        yield kodik


def walk_ids(pages):
    return [item["id"] for page in pages for item in page.items]


def test_iter_list_follows_next_page_to_the_end(client, fake):
    pages = list(client.iter_list(types=None, limit=100))
    assert [len(p.items) for p in pages] == [100, 100, 50]
    assert [p.number for p in pages] == [1, 2, 3]
    assert all(p.total == 250 for p in pages)
    assert pages[-1].is_last and not pages[0].is_last
    ids = walk_ids(pages)
    assert len(set(ids)) == 250
    stamps = [item["updated_at"] for page in pages for item in page.items]
    assert stamps == sorted(stamps, reverse=True)
    assert fake.count("/list") == 3


def test_iter_list_defaults_to_anime_with_material_data(client, fake):
    items = [item for page in client.iter_list() for item in page.items]
    assert {item["type"] for item in items} <= {"anime", "anime-serial"}
    assert any("material_data" in item for item in items)
    assert fake.requests[0].params == {"types": "anime,anime-serial", "with_material_data": "true", "limit": "100"}


def test_parameters_are_encoded_as_kodik_expects(client, fake):
    client.list_page(types=["anime", "anime-serial"], with_episodes=True, camrip=False, year=None, limit=5)
    assert fake.requests[-1].params == {"types": "anime,anime-serial", "with_episodes": "true", "camrip": "false",
                                        "limit": "5"}
    assert fake.requests[-1].method == "POST"


def test_token_is_not_accepted_as_a_parameter(client):
    with pytest.raises(ValueError):
        client.search(token="other", title="x")


def test_502_is_retried_then_succeeds(client, fake, sleeps):
    fake.add_fault("status", count=2, status=502)
    envelope = client.list_page(limit=10)
    assert len(envelope["results"]) == 10
    assert fake.count("/list") == 3
    assert len(sleeps) == 2


def test_backoff_grows_exponentially_with_small_jitter(client, fake, sleeps):
    fake.add_fault("status", count=3, status=503)
    client.list_page(limit=1)
    assert [round(s / 0.01) for s in sleeps] == [1, 2, 4]
    assert all(0.01 * 2 ** k <= s <= 0.01 * 2 ** k * 1.1 for k, s in enumerate(sleeps))


def test_429_honours_retry_after(client, fake, sleeps):
    fake.add_fault("rate_limit", retry_after=7)
    client.list_page(limit=1)
    assert sleeps == [7.0]
    assert fake.count("/list") == 2


def test_429_without_retry_after_backs_off(client, fake, sleeps):
    fake.add_fault("rate_limit", retry_after=None)
    client.list_page(limit=1)
    assert len(sleeps) == 1 and sleeps[0] < 0.02


def test_timeout_is_retried_then_succeeds(fake, sleeps):
    fake.add_fault("hang", seconds=3)
    client = KodikClient(fake.base_url, SECRET, timeout=(1, 0.3), max_rps=0, retries=2, backoff=0.01,
                         sleep=sleeps.append)
    assert client.list_page(limit=3)["results"]
    assert fake.count("/list") == 2


def test_dropped_connection_is_retried(client, fake):
    fake.add_fault("drop")
    assert client.list_page(limit=3)["results"]
    assert fake.count("/list") == 2


def test_gives_up_with_kodik_unavailable_after_retries(client, fake, sleeps):
    fake.add_fault("status", count=None, status=502)
    with pytest.raises(KodikUnavailable) as caught:
        client.list_page(limit=3)
    assert caught.value.attempts == 4
    assert "HTTP 502" in str(caught.value)
    assert fake.count("/list") == 4
    assert len(sleeps) == 3


def test_connection_refused_is_unavailable(sleeps):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = KodikClient(f"http://127.0.0.1:{port}", SECRET, max_rps=0, retries=1, backoff=0.01, sleep=sleeps.append)
    with pytest.raises(KodikUnavailable) as caught:
        client.genres()
    assert caught.value.attempts == 2
    assert "ConnectionError" in caught.value.reason


def test_bad_token_is_rejected_without_retry(fake, sleeps):
    client = KodikClient(fake.base_url, "wrong-" + SECRET, max_rps=0, retries=3, sleep=sleeps.append)
    with pytest.raises(KodikTokenRejected) as caught:
        client.list_page()
    assert str(caught.value) == "Kodik token rejected"
    assert caught.value.kodik_message == "Отсутствует или неверный токен"
    assert fake.request_count == 1
    assert sleeps == []


def test_error_json_with_http_500_is_never_retried(client, fake, sleeps):
    fake.add_fault("error_json")
    with pytest.raises(KodikTokenRejected):
        client.years()
    assert fake.request_count == 1 and sleeps == []


def test_bad_type_is_a_request_error_with_kodiks_message(client, fake):
    with pytest.raises(KodikRequestError) as caught:
        client.list_page(types="film")
    assert caught.value.kodik_message == "Неправильный тип"
    assert "Неправильный тип" in str(caught.value)
    assert fake.request_count == 1


def test_search_without_a_search_key_is_a_request_error(client):
    with pytest.raises(KodikRequestError) as caught:
        client.search(types="anime")
    assert caught.value.kodik_message == "Не указан хотя бы один параметр для поиска"


def test_truncated_json_is_a_bad_response(client, fake):
    fake.add_fault("truncate")
    with pytest.raises(KodikBadResponse) as caught:
        client.list_page(limit=20, with_material_data=True)
    assert "invalid JSON" in str(caught.value)
    assert fake.request_count == 1
    assert isinstance(caught.value, KodikError)


def test_cursor_has_no_token_and_resumes_the_walk(client, fake):
    everything = walk_ids(client.iter_list(types=None, limit=60))
    walk = client.iter_list(types=None, limit=60)
    first_two = [next(walk), next(walk)]
    cursor = first_two[-1].cursor
    assert "token" not in cursor and SECRET not in cursor
    assert dict(params_from_cursor(cursor))["limit"] == "60"
    assert "next" in dict(params_from_cursor(cursor))

    fresh = KodikClient(fake.base_url, SECRET, max_rps=0)
    rest = list(fresh.iter_list(cursor=cursor))
    assert walk_ids(first_two) + walk_ids(rest) == everything
    assert fake.requests[-1].params["limit"] == "60"


def test_start_url_with_token_resumes_like_a_cursor(client, fake):
    envelope = client.list_page(types="anime-serial", limit=40)
    url = envelope["next_page"].replace("/list?", f"/list?token={SECRET}&")
    assert cursor_from_next_page(url) == cursor_from_next_page(envelope["next_page"])
    from_url = walk_ids(client.iter_list(start_url=url))
    from_cursor = walk_ids(client.iter_list(cursor=cursor_from_next_page(url)))
    assert from_url == from_cursor and from_url
    assert envelope["results"][0]["id"] not in from_url


def test_list_page_returns_page_links_without_token(client):
    envelope = client.list_page(limit=10)
    assert envelope["next_page"].startswith(client.base_url + "/list?")
    assert "token" not in envelope["next_page"]
    second = client.list_page(cursor=cursor_from_next_page(envelope["next_page"]))
    assert "token" not in second["prev_page"]
    assert {i["id"] for i in second["results"]}.isdisjoint(i["id"] for i in envelope["results"])


def test_cursor_helpers_round_trip():
    url = f"https://kodik-api.com/list?token={SECRET}&limit=2&types=anime-serial&next=WzE3NzcsInNlcmlhbC0xIl0%3D"
    cursor = cursor_from_next_page(url)
    assert cursor == "limit=2&types=anime-serial&next=WzE3NzcsInNlcmlhbC0xIl0%3D"
    assert params_from_cursor(cursor) == [("limit", "2"), ("types", "anime-serial"),
                                          ("next", "WzE3NzcsInNlcmlhbC0xIl0=")]
    assert params_from_cursor(url) == params_from_cursor(cursor)
    assert cursor_from_next_page(None) is None


def test_token_never_appears_in_errors_logs_or_reprs(fake, sleeps, caplog):
    caplog.set_level(logging.DEBUG)
    client = KodikClient(fake.base_url, SECRET, timeout=(1, 0.3), max_rps=0, retries=1, backoff=0.01,
                         sleep=sleeps.append)
    texts = [repr(client)]
    page = next(client.iter_list(limit=5))
    texts += [repr(page), repr(client.list_page(limit=5))]
    scripted = [Fault("status", count=None), Fault("truncate"), Fault("error_json"), Fault("hang", count=2, seconds=2),
                Fault("drop", count=2), Fault("error_json", message="Неправильный тип")]
    for fault in scripted:
        fake.set_faults(fault)
        with pytest.raises(KodikError) as caught:
            client.list_page(limit=5)
        texts += [str(caught.value), repr(caught.value), str(caught.value.__cause__), str(caught.value.__context__)]
    wrong = KodikClient(fake.base_url, "wrong-" + SECRET, max_rps=0)
    with pytest.raises(KodikTokenRejected) as caught:
        wrong.search(title="x")
    texts += [str(caught.value), repr(caught.value), repr(wrong)]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    refused = KodikClient(f"http://127.0.0.1:{port}", SECRET, max_rps=0, retries=0)
    with pytest.raises(KodikUnavailable) as caught:
        refused.list_page()
    texts += [str(caught.value), repr(caught.value), caplog.text]
    assert "kodik retry" in caplog.text  # the log really was captured
    for text in texts:
        assert SECRET not in text


def test_redact_hides_token_parameters_and_secrets():
    text = f"GET /list?token={SECRET}&limit=1 {{'token': '{SECRET}'}} and {SECRET}"
    cleaned = redact(text, secrets=(SECRET,))
    assert SECRET not in cleaned
    assert "token=REDACTED&limit=1" in cleaned
    assert SECRET not in redact(f'{{"token": "{SECRET}"}}')


def test_rate_limiter_spaces_calls_by_the_injected_clock():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limiter = RequestPacer(4.0, clock=lambda: now[0], sleep=sleep)
    sent = []
    for _ in range(5):
        limiter.wait()
        sent.append(now[0])
    assert [round(b - a, 9) for a, b in zip(sent, sent[1:])] == [0.25] * 4
    now[0] += 10  # idle for a while: no waiting afterwards
    limiter.wait()
    assert len(slept) == 4


def test_rate_limiter_gives_each_thread_its_own_slot():
    slept = []
    lock = threading.Lock()

    def sleep(seconds):
        with lock:
            slept.append(seconds)

    limiter = RequestPacer(2.0, clock=lambda: 0.0, sleep=sleep)
    threads = [threading.Thread(target=limiter.wait) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slept) == [0.5 * k for k in range(1, 8)]


def test_client_requests_respect_max_rps(fake):
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    client = KodikClient(fake.base_url, SECRET, max_rps=2.0, sleep=sleep, clock=lambda: now[0])
    pages = list(client.iter_list(types=None, limit=50))
    assert len(pages) == 5
    assert slept == [0.5] * 4


def test_reference_endpoints_return_envelopes(client):
    assert {"id", "title", "count"} == set(client.translations()["results"][0])
    assert {"title", "count"} == set(client.genres(genres_type="shikimori")["results"][0])
    assert {"title", "count"} == set(client.countries()["results"][0])
    assert {"year", "count"} == set(client.years()["results"][0])
    assert {"title", "count"} == set(client.qualities()["results"][0])


def test_search_finds_every_translation_of_a_title(client):
    item = client.list_page(types="anime-serial", has_field="shikimori_id", limit=1)["results"][0]
    found = client.search(shikimori_id=item["shikimori_id"], with_episodes=True)
    assert item["id"] in {i["id"] for i in found["results"]}
    assert {i["shikimori_id"] for i in found["results"]} == {item["shikimori_id"]}
    assert found["total"] == len(found["results"])


def test_page_repr_is_short():
    page = Page(items=[{"id": "serial-1"}] * 3, total=9, cursor="limit=3&next=abc", number=2)
    assert repr(page) == "Page(number=2, items=3, total=9, cursor='limit=3&next=abc')"
