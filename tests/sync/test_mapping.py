"""Mapping one Kodik item to release, translation and episode rows."""
import json

from anihome.kodik import mapping

SERIAL = {
    "id": "serial-72881", "type": "anime-serial", "link": "//kodikplayer.com/serial/72881/3a12/720p",
    "title": "Магическая битва [ТВ-3]", "title_orig": "Jujutsu Kaisen: Shimetsu Kaiyuu - Zenpen",
    "other_title": "Магическая битва: Смертельная миграция / Jujutsu Kaisen: The Culling Game Part 1",
    "translation": {"id": 1525, "title": "AniLeague.TV", "type": "voice"}, "year": 2026,
    "last_season": 3, "last_episode": 12, "episodes_count": 12, "kinopoisk_id": "1381125",
    "shikimori_id": "57658", "quality": "WEB-DLRip 720p", "camrip": False, "lgbt": False,
    "blocked_countries": [], "blocked_seasons": {"3": ["1", "2"]},
    "created_at": "2026-01-14T16:08:41Z", "updated_at": "2026-05-02T04:54:24Z",
    "seasons": {"3": {"link": "//kodikplayer.com/season/1/a/720p",
                      "episodes": {"1": "//kodikplayer.com/seria/1/a/720p", "2": "//kodikplayer.com/seria/2/b/720p"}},
                "0": {"title": "Спецвыпуски", "link": "//kodikplayer.com/season/2/a/720p",
                      "episodes": {"1": {"title": "Рекап", "link": "//kodikplayer.com/seria/3/c/720p",
                                         "screenshots": []}}}},
    "material_data": {
        "title": "Магическая битва", "anime_title": "Магическая битва: Смертельная миграция",
        "title_en": "Jujutsu Kaisen", "anime_kind": "tv", "all_status": "released", "anime_status": "ongoing",
        "year": 2020, "description": "KP text", "anime_description": "Shiki [character=1]Юдзи[/character] text",
        "poster_url": "https://st.kp.yandex.net/1.jpg", "anime_poster_url": "https://shikimori.io/2.jpeg",
        "genres": ["аниме"], "anime_genres": ["Сёнен", "Экшен"], "anime_studios": ["MAPPA"],
        "shikimori_rating": 8.64, "shikimori_votes": 14922, "kinopoisk_rating": 8.0, "kinopoisk_votes": 100,
        "aired_at": "2026-01-09", "next_episode_at": "2026-05-05T14:30:00Z", "rating_mpaa": "PG-13",
        "minimal_age": 16, "episodes_total": 12,
    },
}


def test_release_prefers_season_specific_anime_fields():
    row = mapping.release_row(SERIAL)
    assert row["key"] == "shiki:57658"
    assert row["title"] == "Магическая битва: Смертельная миграция"
    assert row["year"] == 2026  # the item's season year, not material_data's franchise year
    assert row["status"] == "ongoing"
    assert row["poster_url"] == "https://shikimori.io/2.jpeg"
    assert row["description"] == "Shiki Юдзи text"
    assert row["kind"] == "tv"
    assert row["next_episode_at"] == "2026-05-05 14:30:00"
    assert row["rating"] == 8.64 and row["votes"] == 14922
    assert row["franchise"] == "магическая битва"
    assert "Магическая битва" in json.loads(row["other_titles"])
    assert mapping.genre_names(SERIAL) == ["Сёнен", "Экшен"]
    assert mapping.studio_names(SERIAL) == ["MAPPA"]


def test_release_key_falls_back_to_kinopoisk_then_kodik_id():
    no_shiki = {k: v for k, v in SERIAL.items() if k != "shikimori_id"}
    assert mapping.release_key(no_shiki) == "kp:1381125"
    bare = {k: v for k, v in no_shiki.items() if k != "kinopoisk_id"}
    assert mapping.release_key(bare) == "kodik:serial-72881"


def test_item_without_material_data_still_makes_a_release():
    bare = {k: v for k, v in SERIAL.items() if k != "material_data"}
    row = mapping.release_row(bare)
    assert row["title"] == "Магическая битва [ТВ-3]"
    assert row["kind"] == "tv" and row["status"] == "" and row["age_limit"] is None
    assert row["franchise"] == "магическая битва"
    assert json.loads(row["other_titles"])[0] == "Магическая битва: Смертельная миграция"
    assert mapping.genre_names(bare) == []


def test_age_limit_uses_minimal_age_then_mpaa_rating():
    assert mapping.age_limit(16, "PG-13") == 16
    assert mapping.age_limit(None, "PG-13") == 13
    assert mapping.age_limit(None, "R+") == 18
    assert mapping.age_limit(None, "G") == 0
    assert mapping.age_limit(None, "") is None


def test_popularity_grows_with_votes_and_rating():
    assert mapping.popularity(None, 0) == 0
    assert mapping.popularity(8.0, 10_000) > mapping.popularity(8.0, 100) > 0
    assert mapping.popularity(9.0, 1000) > mapping.popularity(6.0, 1000)


def test_translation_row_keeps_kodik_values():
    row = mapping.translation_row(SERIAL)
    assert row["kodik_id"] == "serial-72881" and row["team_id"] == 1525 and row["voice"] is True
    assert json.loads(row["blocked_seasons"]) == {"3": ["1", "2"]}
    assert row["kodik_updated_at"] == "2026-05-02 04:54:24"
    subs = dict(SERIAL, translation={"id": 869, "title": "Субтитры", "type": "subtitles"}, blocked_seasons="all")
    assert mapping.translation_row(subs)["voice"] is False
    assert json.loads(mapping.translation_row(subs)["blocked_seasons"]) == "all"


def test_episodes_come_from_link_strings_and_objects_including_season_zero():
    rows = sorted(mapping.episode_rows(SERIAL))
    assert rows == [(0, 1, "Рекап", "//kodikplayer.com/seria/3/c/720p"),
                    (3, 1, "", "//kodikplayer.com/seria/1/a/720p"),
                    (3, 2, "", "//kodikplayer.com/seria/2/b/720p")]


def test_movies_have_no_episode_rows():
    movie = {"id": "movie-1", "type": "anime", "link": "//kodikplayer.com/video/1/x/720p", "title": "Фильм",
             "translation": {"id": 1, "title": "T", "type": "voice"}, "updated_at": "2026-01-01T00:00:00Z"}
    assert mapping.episode_rows(movie) == []
    assert mapping.release_row(movie)["kind"] == "movie"
