"""The built-in For-you experiment converts on "started an episode of the title opened from the
For-you row within 24 h": the open is attributed (member, title, variant, time), and only the
player's saved progress on that title within the window counts. Times are set explicitly
(every service takes ``now``), so the 24 h edge is tested exactly."""
from __future__ import annotations

from datetime import datetime, timedelta

from anihome.db import write_transaction
from anihome.learn import experiments
from anihome.library import progress
from anihome.library.episodes import EpisodeRef
from anihome.models import Experiment, ExperimentOutcome, ForYouOpen, Translation, User
from tests.support.web import sign_in_as

T0 = datetime(2026, 11, 2, 20, 0)


def _translation(release) -> Translation:
    with write_transaction():
        return Translation.create(kodik_id=f"serial-{release.id}", release=release, kodik_type="anime-serial",
                                  team_id=1, team="Dub", link="//kodik.example/x", kodik_created_at=T0,
                                  kodik_updated_at=T0, synced_at=T0)


def _start(user, translation, when):
    ref = EpisodeRef(translation.release_id, translation.id, 1, 1, None, False)
    progress.save(user.id, ref, 30, 1440, now=when)


def _members(n):
    with write_transaction():
        return [User.create(username=f"m{i}", username_key=f"m{i}", password_hash="x", role="member",
                            created_at=T0) for i in range(n)]


def test_a_start_within_24_hours_of_a_for_you_open_converts_and_a_later_one_does_not(app, house):
    experiment = experiments.ensure_builtin(now=T0)
    assert experiment.metric == "foryou_start"
    title = house.releases["action"][8]
    dub = _translation(title)
    other = _translation(house.releases["comedy"][4])
    alice, bob, kid = house.alice, house.bob, house.kid
    for member in (alice, bob, kid):
        experiments.expose(experiments.BUILTIN, member.id, now=T0)
        experiments.opened_from_for_you(member.id, title.id, now=T0)
    assert ForYouOpen.select().count() == 3
    assert {o.variant for o in ForYouOpen.select()} <= {"a", "b"}
    assert not ExperimentOutcome.select().exists()  # an open alone is not a conversion

    _start(alice, dub, T0 + timedelta(hours=23, minutes=59))   # inside the window
    _start(bob, dub, T0 + timedelta(hours=24, minutes=1))      # just too late
    _start(kid, other, T0 + timedelta(hours=1))                # another title
    result = experiments.results(experiment.id, now=T0 + timedelta(days=2))
    converted = sum(v.conversions for v in result["variants"])
    members = sum(v.members for v in result["variants"])
    assert (converted, members) == (1, 3)
    alice_variant = experiments.variant_for(experiment, alice.id)
    assert next(v for v in result["variants"] if v.name == alice_variant).conversions == 1


def test_an_episode_started_before_the_open_or_without_one_does_not_convert(app, house):
    experiment = experiments.ensure_builtin(now=T0)
    title = house.releases["romance"][3]
    dub = _translation(title)
    experiments.expose(experiments.BUILTIN, house.alice.id, now=T0)
    experiments.expose(experiments.BUILTIN, house.bob.id, now=T0)
    _start(house.alice, dub, T0 - timedelta(hours=1))             # before opening it
    experiments.opened_from_for_you(house.alice.id, title.id, now=T0)
    _start(house.bob, dub, T0 + timedelta(hours=2))               # never opened from For-you
    result = experiments.results(experiment.id, now=T0 + timedelta(days=1))
    assert sum(v.conversions for v in result["variants"]) == 0


def test_opens_are_attributed_only_while_the_experiment_runs_and_only_to_exposed_members(app, house):
    experiment = experiments.ensure_builtin(now=T0)
    title = house.releases["action"][9]
    assert experiments.opened_from_for_you(house.bob.id, title.id, now=T0) == 0   # never exposed
    experiments.expose(experiments.BUILTIN, house.bob.id, now=T0)
    assert experiments.opened_from_for_you(house.bob.id, 987654, now=T0) == 0      # no such title
    experiments.stop(experiment.id, now=T0 + timedelta(minutes=1))
    assert experiments.opened_from_for_you(house.bob.id, title.id, now=T0 + timedelta(minutes=2)) == 0
    assert not ForYouOpen.select().exists()


def test_the_conversion_statistics_over_many_members_match_a_hand_count(app, house):
    experiment = experiments.ensure_builtin(now=T0)
    Experiment.update(min_sample=2).where(Experiment.id == experiment.id).execute()
    title = house.releases["comedy"][9]
    dub = _translation(title)
    expected = {"a": [0, 0], "b": [0, 0]}
    for i, member in enumerate(_members(24)):
        variant = experiments.expose(experiments.BUILTIN, member.id, now=T0)
        experiments.opened_from_for_you(member.id, title.id, now=T0 + timedelta(minutes=i))
        starts = (variant == "b" and i % 3 != 0) or (variant == "a" and i % 4 == 0)
        if starts:
            _start(member, dub, T0 + timedelta(hours=3, minutes=i))
        expected[variant][0] += 1
        expected[variant][1] += int(starts)
    result = experiments.results(experiment.id, now=T0 + timedelta(days=1))
    got = {v.name: [v.members, v.conversions] for v in result["variants"]}
    assert got == expected and result["enough_data"] and 0 <= result["p_value"] <= 1


def test_the_for_you_link_records_the_attribution_over_http(app, house):
    experiments.ensure_builtin()
    client = sign_in_as(app.test_client(), house.alice)
    assert client.get("/").status_code == 200       # the row exposes alice
    target = house.releases["action"][8].id
    answer = client.get(f"/foryou/open/{target}")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/releases/{target}")
    opened = ForYouOpen.get(ForYouOpen.user == house.alice.id)
    assert opened.release_id == target and opened.experiment.name == experiments.BUILTIN
    assert client.get("/foryou/open/987654").status_code in (302, 404)


def test_the_learning_page_names_the_built_in_experiments_metric_in_russian(app, house):
    experiments.ensure_builtin()
    client = sign_in_as(app.test_client(), house.owner)
    html = client.get("/admin/learn", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Метрика: Начал серию тайтла, открытого из ряда «Для вас», в течение 24 ч" in html
    assert "Ряд «Для вас»: смесь" in html and "content-led" not in html


def test_an_experiment_measuring_the_click_alone_converts_on_the_open(app, house):
    clicks = experiments.create("row-click", [{"name": "x", "weight": 1}, {"name": "y", "weight": 1}], "foryou_open",
                                min_sample=2, now=T0)
    experiments.expose("row-click", house.alice.id, now=T0)
    assert experiments.opened_from_for_you(house.alice.id, house.releases["action"][8].id, now=T0) == 1
    assert experiments.opened_from_for_you(house.alice.id, house.releases["action"][9].id, now=T0) == 1
    outcome = ExperimentOutcome.get(ExperimentOutcome.experiment == clicks.id)
    assert outcome.user_id == house.alice.id and outcome.value == 1.0
    assert not ForYouOpen.select().exists()
