"""Rate limits: a fixed window per token, member or client address; headers on every answer; 429."""
from __future__ import annotations

import threading

from anihome.api.ratelimit import EXTENSION as LIMITER
from anihome.api.limiter import FixedWindowLimiter

from .conftest import FakeClock, assert_error, bearer, make_user, new_token


def test_the_limiter_allows_limit_hits_per_window_then_refuses():
    clock = FakeClock()
    limiter = FixedWindowLimiter(3, 60, clock=clock)
    decisions = [limiter.hit("k") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    clock.advance(20)
    refused = limiter.hit("k")
    assert not refused.allowed and refused.retry_after == 40
    clock.advance(40)
    assert limiter.hit("k").allowed


def test_keys_have_separate_windows_and_reset_forgets_one():
    limiter = FixedWindowLimiter(1, 60, clock=FakeClock())
    assert limiter.hit("a").allowed and limiter.hit("b").allowed
    assert not limiter.hit("a").allowed
    limiter.reset("a")
    assert limiter.hit("a").allowed
    assert limiter.peek("b").remaining == 0


def test_a_zero_limit_means_unlimited():
    limiter = FixedWindowLimiter(0, 60)
    assert all(limiter.hit("k").allowed for _ in range(1000))


def test_expired_windows_are_swept():
    clock = FakeClock()
    limiter = FixedWindowLimiter(5, 60, clock=clock)
    limiter.SWEEP_EVERY = 10
    for index in range(9):
        limiter.hit(f"old{index}")
    clock.advance(61)
    limiter.hit("new")
    assert len(limiter) == 1


def test_the_limiter_counts_exactly_under_threads():
    limiter = FixedWindowLimiter(500, 60, clock=FakeClock())
    allowed = []

    def worker():
        allowed.extend(limiter.hit("shared").allowed for _ in range(100))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 500 and allowed.count(False) == 300


def test_every_api_answer_carries_rate_limit_headers(limited_app):
    client = limited_app.test_client()
    response = client.get("/api/v1/health")
    assert response.headers["X-RateLimit-Limit"] == "3"
    assert response.headers["X-RateLimit-Remaining"] == "2"
    assert response.headers["X-RateLimit-Reset"] == "60"
    assert client.get("/api/v1/me").headers["X-RateLimit-Remaining"] == "1"


def test_html_pages_carry_no_rate_limit_headers(limited_app):
    assert "X-RateLimit-Limit" not in limited_app.test_client().get("/login").headers


def test_over_the_limit_answers_429_with_retry_after(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/health").status_code == 200
    limited_app.extensions[LIMITER].clock.advance(15)
    response = client.get("/api/v1/health")
    assert_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "45"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    limited_app.extensions[LIMITER].clock.advance(45)
    assert client.get("/api/v1/health").status_code == 200


def test_each_token_has_its_own_budget_apart_from_anonymous_calls(limited_app):
    make_user(limited_app, "owner", "owner")
    alice, bob = make_user(limited_app, "alice"), make_user(limited_app, "bob")
    alice_token, bob_token = new_token(limited_app, alice), new_token(limited_app, bob)
    client = limited_app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bearer(alice_token)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(alice_token)).status_code == 429
    assert client.get("/api/v1/me", headers=bearer(bob_token)).status_code == 200
    assert client.get("/api/v1/health").status_code == 200


def test_bad_tokens_count_against_the_client_address(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bearer("ah_guess")).status_code == 401
    assert client.get("/api/v1/me", headers=bearer("ah_guess")).status_code == 429
    other = client.get("/api/v1/health", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_api_rate_limit_zero_turns_limiting_off(make_client):
    app, client = make_client(API_RATE_LIMIT=0)
    responses = [client.get("/api/v1/health") for _ in range(70)]
    assert all(r.status_code == 200 for r in responses)
    assert "X-RateLimit-Limit" not in responses[-1].headers
