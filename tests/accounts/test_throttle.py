"""Sign-in throttling per account and per client address, on a fake clock."""
import threading

from anihome.accounts import passwords
from anihome.accounts.throttle import WINDOW_SECONDS, LoginThrottle, delay_after

from .conftest import FakeClock, sign_in


def test_failures_for_one_account_from_one_address_make_that_pair_wait_longer_each_time():
    clock = FakeClock()
    throttle = LoginThrottle(account_limit=3, address_limit=100, clock=clock)
    waits = []
    for _ in range(8):
        assert throttle.retry_after("alice", "10.0.0.1") == 0
        throttle.record_failure("alice", "10.0.0.1")
        waits.append(throttle.retry_after("alice", "10.0.0.1"))
        clock.advance(waits[-1])
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32]


def test_the_delay_stops_growing_at_fifteen_minutes():
    assert [delay_after(n, 5) for n in (4, 5, 6, 14, 15, 500)] == [0, 1, 2, 512, WINDOW_SECONDS, WINDOW_SECONDS]
    assert delay_after(1000, 0) == 0  # a limit of 0 turns the delays off


def test_a_member_hammering_the_owners_account_does_not_lock_the_owner_out():
    clock = FakeClock()
    throttle = LoginThrottle(account_limit=5, address_limit=10_000, clock=clock)
    for _ in range(40):
        throttle.record_failure("owner", "10.0.0.66")  # the attacker's device
    assert throttle.retry_after("owner", "10.0.0.66") == WINDOW_SECONDS
    assert throttle.retry_after("owner", "10.0.0.2") == 0  # the owner's own device


def test_fifteen_quiet_minutes_forget_a_pairs_failures():
    clock = FakeClock()
    throttle = LoginThrottle(account_limit=2, address_limit=100, clock=clock)
    for _ in range(6):
        throttle.record_failure("alice", "ip")
    clock.advance(WINDOW_SECONDS)
    assert throttle.retry_after("alice", "ip") == 0
    throttle.record_failure("alice", "ip")
    assert throttle.retry_after("alice", "ip") == 0  # counting starts again


def test_an_address_is_locked_after_its_limit_whatever_the_usernames():
    clock = FakeClock()
    throttle = LoginThrottle(account_limit=100, address_limit=4, clock=clock)
    for name in ("a", "b", "c", "d"):
        throttle.record_failure(name, "10.0.0.9")
    assert throttle.retry_after("e", "10.0.0.9") == WINDOW_SECONDS
    assert throttle.retry_after("e", "10.0.0.10") == 0


def test_success_clears_the_pair_but_not_the_address():
    throttle = LoginThrottle(account_limit=2, address_limit=3, clock=FakeClock())
    throttle.record_failure("alice", "ip")
    throttle.record_failure("alice", "ip")
    assert throttle.retry_after("alice", "ip") > 0
    throttle.record_success("alice", "ip")
    assert throttle.retry_after("alice", "ip") == 0
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
    assert throttle.retry_after("alice", "ip") > 0
    assert throttle._pairs.pairs[("alice", "ip")][0] == 1600


def test_login_page_slows_repeated_failures_from_one_device_only(app, client, member, throttle, clock):
    limit = app.config["LOGIN_ACCOUNT_LIMIT"]
    for _ in range(limit + 3):
        assert sign_in(client, "member", "wrong-password").status_code == 401
        clock.advance(throttle.retry_after("member", "127.0.0.1"))
    assert sign_in(client, "member", "wrong-password").status_code == 401
    refused = sign_in(client, "member")  # the right password, but this device must wait
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 16
    assert "Try again in 1 min." in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302
    other_device = app.test_client()
    other_device.environ_base["REMOTE_ADDR"] = "192.168.1.20"
    assert sign_in(other_device, "member").status_code == 302
    clock.advance(16)
    assert sign_in(client, "member").status_code == 302


def test_a_throttled_attempt_does_not_check_the_password(app, client, member, throttle, monkeypatch):
    for _ in range(app.config["LOGIN_ACCOUNT_LIMIT"] + 1):
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
    assert (throttle._pairs.free, throttle._addresses.limit) == (2, 7)
    assert login_throttle(app) is throttle
    app.extensions["anihome.db"].close()
