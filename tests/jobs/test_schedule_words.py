"""Schedules in plain words and local time, never a cron line or a setting name on a page."""
import pytest

from anihome.jobs.registry import JobSpec
from anihome.jobs.schedule_words import words


def spec(**kw):
    return JobSpec(id="j", function=lambda ctx: None, description="d", **kw)


@pytest.mark.parametrize("kw, text, values", [
    ({}, "On demand only", {}),
    ({"interval_minutes": 30}, "Every %(minutes)s min", {"minutes": 30}),
    ({"interval_minutes": 60}, "Every hour", {}),
    ({"interval_minutes": 180}, "Every %(hours)s hours", {"hours": 3}),
    ({"cron": "30 3 * * *"}, "Daily at %(time)s", {"time": "03:30"}),
    ({"cron": "0 5 * * 0"}, "%(days)s at %(time)s", {"days": "Sundays", "time": "05:00", "translate": ["days"]}),
    ({"cron": "15 22 * * sat"}, "%(days)s at %(time)s", {"days": "Saturdays", "time": "22:15", "translate": ["days"]}),
    ({"cron": "0 7 * * 1-5"}, "Weekdays at %(time)s", {"time": "07:00"}),
    ({"cron": "0 9 * * 6,0"}, "Weekends at %(time)s", {"time": "09:00"}),
    ({"cron": "0 9 * * 1,3"}, "%(days)s at %(time)s", {"days": ["Mondays", "Wednesdays"], "time": "09:00",
                                                        "translate": ["days"]}),
    ({"cron": "5 * * * *"}, "Every hour at %(minute)s minutes past", {"minute": "05"}),
    ({"cron": "0 4 1 * *"}, "On day %(day)s of every month at %(time)s", {"day": 1, "time": "04:00"}),
    ({"cron": "*/5 1-3 * * *"}, "On a custom schedule", {}),
    ({"cron": "0 5 * 6 0"}, "On a custom schedule", {}),
])
def test_every_schedule_shape_has_plain_words(kw, text, values):
    assert words(spec(**kw)) == (text, values)


def test_the_pages_say_sundays_at_five_in_english_and_russian(app):
    from anihome.web.schedules import schedule_words

    weekly = spec(cron="0 5 * * 0")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert schedule_words(weekly) == "Sundays at 05:00"
    with app.test_request_context("/", headers={"Accept-Language": "ru"}):
        assert schedule_words(weekly) == "По воскресеньям в 05:00"
        assert schedule_words(spec(cron="0 9 * * 1,3")) == "По понедельникам, по средам в 09:00"


def test_the_jobs_and_kodik_pages_show_no_cron_line_or_setting_name(client, owner, login):
    login(client, "owner")
    for path in ("/admin/jobs/", "/admin/kodik/"):
        page = client.get(path).get_data(as_text=True)
        assert "* * *" not in page and "cron " not in page, path
        assert "_SCHEDULE" not in page and "SYNC_INTERVAL_MINUTES" not in page and "KODIK_TOKEN" not in page, path
    assert "Sundays at 05:00" in client.get("/admin/kodik/").get_data(as_text=True)
