"""Browse by household score: reviewed releases only, best mean first, filters and age cap kept."""
from anihome.catalog.params import parse_browse
from anihome.social import ranking, reviews

from .conftest import NOW, signed_in

TEXT = "A quiet, careful story that pays off."


def test_reviewed_releases_come_best_mean_first_with_their_score(cat, people):
    reviews.save(people.alice, cat.serial.id, 6, TEXT, now=NOW)
    reviews.save(people.bob, cat.serial.id, 8, TEXT, now=NOW)
    reviews.save(people.alice, cat.movie.id, 9, TEXT, now=NOW)
    page = ranking.browse(parse_browse({"sort": "household"}), None)
    assert [item["id"] for item in page["items"]] == [cat.movie.id, cat.serial.id]
    assert page["items"][1]["household_score"] == {"mean": 7.0, "count": 2}
    assert page["total"] == 2


def test_filters_and_the_age_cap_still_apply(cat, people):
    reviews.save(people.alice, cat.serial.id, 6, TEXT, now=NOW)
    reviews.save(people.alice, cat.movie.id, 9, TEXT, now=NOW)
    reviews.save(people.alice, cat.ongoing.id, 10, TEXT, now=NOW)
    only_tv = ranking.browse(parse_browse({"sort": "household", "kind": "tv"}), None)
    assert [i["id"] for i in only_tv["items"]] == [cat.ongoing.id, cat.serial.id]
    capped = ranking.browse(parse_browse({"sort": "household"}), 12)
    assert [i["id"] for i in capped["items"]] == [cat.serial.id]


def test_the_browse_page_and_the_api_sort_by_household_score(app, client, cat, people):
    from anihome.accounts import tokens

    reviews.save(people.alice, cat.serial.id, 6, TEXT, now=NOW)
    reviews.save(people.bob, cat.movie.id, 9, TEXT, now=NOW)
    html = signed_in(app, people.bob).get("/browse?sort=household").get_data(as_text=True)
    assert html.index(cat.movie.title) < html.index(cat.serial.title)
    assert cat.ongoing.title not in html
    plaintext, _ = tokens.create(people.bob, "t")
    body = client.get("/api/v1/releases?sort=household", headers={"Authorization": f"Bearer {plaintext}"}).get_json()
    assert [i["id"] for i in body["items"]] == [cat.movie.id, cat.serial.id]
    assert body["items"][0]["household_score"] == {"mean": 9.0, "count": 1}
    reviews.save(people.bob, cat.movie.id, 5, TEXT, now=NOW)  # a rewrite shows at once: no cache
    body = client.get("/api/v1/releases?sort=household", headers={"Authorization": f"Bearer {plaintext}"}).get_json()
    assert [i["id"] for i in body["items"]] == [cat.serial.id, cat.movie.id]
