"""A small catalog with known answers, inserted directly (no sync), for catalog and browser tests.

``build_catalog(now)`` returns a namespace of release ids by short name plus the translations.
Ages: aot/aot2/aot_final/death_note/opm 16, star 12, html 0, dreams 18, unknown None.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from types import SimpleNamespace

from anihome.catalog.search_index import reindex_releases
from anihome.catalog.text import normalize
from anihome.models import (Episode, Genre, Release, ReleaseGenre, ReleaseStudio, Studio,
                            Translation)

GENRES = {"action": "Экшен", "drama": "Драма", "adventure": "Приключения",
          "thriller": "Триллер", "comedy": "Комедия"}
STUDIOS = {"wit-studio": "Wit Studio", "madhouse": "Madhouse", "jc-staff": "J.C.Staff"}
TEAMS = {"anilibria": (610, "AniLibria", True), "subs": (869, "Субтитры", False),
         "anidub": (609, "AniDUB", True), "2x2": (735, "2x2", True)}

# name: (title, orig, en, others, fields, genres, studios, translations {team: episodes})
RELEASES = {
    "aot": ("Атака титанов", "Shingeki no Kyojin", "Attack on Titan", ["Вторжение гигантов"],
            dict(kind="tv", status="released", year=2013, rating=8.5, votes=5000, popularity=100,
                 age_limit=16, rating_mpaa="R", franchise="shingeki",
                 aired_on="2013-04-07", released_on="2013-09-28", episodes_total=25,
                 episodes_aired=25), ["action", "drama"], ["wit-studio"],
            {"anilibria": 25, "subs": 3}),
    "aot2": ("Атака титанов 2", "Shingeki no Kyojin Season 2", "Attack on Titan Season 2", [],
             dict(kind="tv", status="released", year=2017, rating=8.4, votes=4000, popularity=80,
                  age_limit=16, franchise="shingeki", aired_on="2017-04-01"),
             ["action"], ["wit-studio"], {"anilibria": 12}),
    "aot_final": ("Атака титанов: Финал", "Shingeki no Kyojin: The Final Season", "", [],
                  dict(kind="tv", status="released", year=2020, rating=8.0, votes=3000,
                       popularity=500, age_limit=16, franchise="shingeki", aired_on="2020-12-07"),
                  ["action"], ["wit-studio"], {"subs": 16}),
    "star": ("Звёздный странник", "Hoshi no Tabibito", "Star Wanderer", [],
             dict(kind="movie", status="released", year=2020, rating=7.2, votes=300, popularity=30,
                  age_limit=12), ["adventure"], ["madhouse"], {"anidub": None}),
    "death_note": ("Тетрадь смерти", "Death Note", "Death Note", [],
                   dict(kind="tv", status="released", year=2006, rating=8.7, votes=9000,
                        popularity=95, age_limit=16), ["thriller", "drama"], ["madhouse"],
                   {"2x2": 37}),
    "opm": ("Ванпанчмен", "One Punch Man", "One-Punch Man", [],
            dict(kind="tv", status="ongoing", year=2025, rating=8.3, votes=4000, popularity=90,
                 age_limit=16, episodes_total=12, episodes_aired=4),
            ["action", "comedy"], ["jc-staff"], {"anilibria": 4}),
    "dreams": ("Тёмные грёзы", "Yami no Yume", "", [],
               dict(kind="ova", status="ongoing", year=2019, rating=6.0, votes=50, popularity=50,
                    age_limit=18, rating_mpaa="Rx", episodes_total=6, episodes_aired=2),
               ["drama"], [], {"anidub": 2}),
    "unknown": ("Загадочная девушка Икс", "Nazo no Kanojo X", "Mysterious Girlfriend X", [],
                dict(kind="ona", status="released", year=2012, rating=7.0, votes=800,
                     popularity=10, age_limit=None), ["comedy"], [], {"2x2": 13}),
    "html": ("<script>alert(1)</script> Тест", "<b>Bold</b>", "", [],
             dict(kind="special", status="anons", year=2026, rating=None, votes=0, popularity=1,
                  age_limit=0), [], [], {"subs": 1}),
    "gone": ("Скрытый релиз", "Hidden Release", "", [],
             dict(kind="tv", status="released", year=2010, rating=9.9, votes=10, popularity=999,
                  age_limit=0, available=False), ["action"], [], {"anilibria": 1}),
}


def _translation(release_id, name, team_key, episodes, updated, index):
    team_id, team, voice = TEAMS[team_key]
    movie = episodes is None
    kodik_id = f"{'movie' if movie else 'serial'}-{release_id * 10 + index}"
    tr = Translation.create(
        kodik_id=kodik_id, release=release_id, kodik_type="anime" if movie else "anime-serial",
        team_id=team_id, team=team, voice=voice, quality="WEB-DLRip 720p" if voice else "BDRip 1080p",
        link=f"//kodik.test/{'video' if movie else 'serial'}/{release_id}{index}/h/720p",
        last_season=None if movie else 1, last_episode=episodes, episodes_count=episodes,
        kodik_created_at=updated, kodik_updated_at=updated, synced_at=updated)
    if not movie:
        Episode.insert_many([
            {"translation": tr.id, "season": 1, "number": n,
             "link": f"//kodik.test/seria/{tr.id}{n:03d}/h/720p"} for n in range(1, episodes + 1)
        ]).execute()
    return tr


def build_catalog(now: datetime | None = None) -> SimpleNamespace:
    """Insert the fixture catalog; returns ids (``ns.aot`` ...), ``ns.translations[name]`` and ``ns.now``."""
    now = now or datetime.utcnow().replace(microsecond=0)
    genres = {slug: Genre.create(slug=slug, name=name).id for slug, name in GENRES.items()}
    studios = {slug: Studio.create(slug=slug, name=name).id for slug, name in STUDIOS.items()}
    ns = SimpleNamespace(now=now, translations={}, genres=genres, studios=studios)
    for index, (name, (title, orig, en, others, fields, rgenres, rstudios, trs)) in enumerate(RELEASES.items()):
        updated = now - timedelta(hours=index)  # aot newest ... gone oldest
        values = dict(key=f"shiki:{1000 + index}", shikimori_id=str(1000 + index), title=title,
                      title_orig=orig, title_en=en, other_titles=json.dumps(others, ensure_ascii=False),
                      sort_title=normalize(title), first_seen_at=now - timedelta(days=index),
                      kodik_updated_at=updated, updated_at=updated,
                      description=f"Описание: {title}", poster_url="")
        values.update(fields)
        if name == "opm":
            values["next_episode_at"] = now + timedelta(days=2)
        if name == "dreams":
            values["next_episode_at"] = now + timedelta(days=3)
        release = Release.create(**values)
        setattr(ns, name, release.id)
        for slug in rgenres:
            ReleaseGenre.create(release=release.id, genre=genres[slug])
        for slug in rstudios:
            ReleaseStudio.create(release=release.id, studio=studios[slug])
        ns.translations[name] = [_translation(release.id, name, key, episodes, updated, i)
                                 for i, (key, episodes) in enumerate(trs.items(), start=1)]
    reindex_releases()
    return ns
