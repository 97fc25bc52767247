"""Sign-in throttling per account and per client address, on a fake clock."""
import threading

from anihome.accounts import passwords
from anihome.accounts.throttle import WINDOW_SECONDS, LoginThrottle

from .conftest import FakeClock, sign_in


def test_an_account_is_locked_after_its_limit_until_the_oldest_failure_ages_out():
    clock = FakeClock()
    throttle = LoginThrottle(account_limit=3, address_limit=100, clock=clock)
    for _ in range(3):
        assert throttle.retry_after("alice", "10.0.0.1") == 0
        throttle.record_failure("alice", "10.0.0.1")
        clock.advance(60)
    assert throttle.retry_after("alice", "10.0.0.2") == WINDOW_SECONDS - 180
    assert throttle.retry_after("bob", "10.0.0.1") == 0
    clock.advance(WINDOW_SECONDS - 180)
    assert throttle.retry_after("alice", "10.0.0.1") == 0


def test_an_address_is_locked_after_its_limit_whatever_the_usernames():
    clock = FakeClock()
    throttle = LoginThrottle(account_limit=100, address_limit=4, clock=clock)
    for name in ("a", "b", "c", "d"):
        throttle.record_failure(name, "10.0.0.9")
    assert throttle.retry_after("e", "10.0.0.9") == WINDOW_SECONDS
    assert throttle.retry_after("e", "10.0.0.10") == 0


def test_success_clears_the_account_but_not_the_address():
    throttle = LoginThrottle(account_limit=2, address_limit=3, clock=FakeClock())
    throttle.record_failure("alice", "ip")
    throttle.record_failure("alice", "ip")
    throttle.record_success("alice")
    assert throttle.retry_after("alice", "other-ip") == 0
    throttle.record_failure("bob", "ip")
    assert throttle.retry_after("carol", "ip") > 0


def test_counting_is_thread_safe():
    throttle = LoginThrottle(account_limit=1000, address_limit=10_000, clock=FakeClock())

    def hammer():
        for _ in range(200):
            throttle.record_failure("alice", "ip")

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.retry_after("alice", "x") > 0
    assert len(throttle._accounts.failures["alice"]) == 1000


def test_login_page_locks_an_account_after_repeated_failures(app, client, member, throttle, clock):
    limit = app.config["LOGIN_ACCOUNT_LIMIT"]
    for _ in range(limit):
        assert sign_in(client, "member", "wrong-password").status_code == 401
    refused = sign_in(client, "member")  # the right password, but locked
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == WINDOW_SECONDS
    assert "Try again in 15 min." in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302
    clock.advance(WINDOW_SECONDS)
    assert sign_in(client, "member").status_code == 302


def test_a_throttled_attempt_does_not_check_the_password(app, client, member, throttle, monkeypatch):
    for _ in range(app.config["LOGIN_ACCOUNT_LIMIT"]):
        sign_in(client, "MEMBER", "wrong-password")
    checked = []
    monkeypatch.setattr(passwords, "check_password_hash",
                        lambda *args: checked.append(args) or False)
    assert sign_in(client, "member").status_code == 429
    assert checked == []


def test_login_page_locks_an_address_trying_many_usernames(app, member, throttle):
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for i in range(app.config["LOGIN_RATE_LIMIT"]):
        assert sign_in(attacker, f"guess{i}", "wrong-password").status_code == 401
    assert sign_in(attacker, "member").status_code == 429
    neighbour = app.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "203.0.113.8"
    assert sign_in(neighbour, "member").status_code == 302


def test_limits_come_from_settings(tmp_path):
    from tests.conftest import make_app
    from anihome.accounts.throttle import login_throttle

    app = make_app(tmp_path, LOGIN_ACCOUNT_LIMIT=2, LOGIN_RATE_LIMIT=7)
    throttle = login_throttle(app)
    assert (throttle._accounts.limit, throttle._addresses.limit) == (2, 7)
    assert login_throttle(app) is throttle
    app.extensions["anihome.db"].close()
