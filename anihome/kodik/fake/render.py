"""Render catalog rows as the JSON objects Kodik sends (API.md §5.2–5.4).

Key order follows the captures; a value Kodik does not know is left out, never null.
Every detail comes from a random stream seeded by (catalog seed, record index), so an
item renders identically on every call and in every process.
"""

import functools
import time

from .catalog import (
    BLOCK_ALL, BLOCK_EPISODES, BLOCK_SEASON, BLOCKED_COUNTRIES, HAS_DESCRIPTION, HAS_MATERIAL_DATA,
    HAS_SPECIALS, LGBT, LICENSED, SPACE_EPISODES, SPACE_FRANCHISE, SPACE_ITEM, SPACE_TITLE, STATUS_ONGOING,
    sub_rng,
)
from .vocab import (
    ANIME_GENRES, ANIME_KINDS, COUNTRIES, EN_WORDS, JP_PARTS, KP_GENRES, LICENSORS, PERSON_FIRST, PERSON_LAST,
    QUALITIES, RATINGS, ROMAJI, ROMAJI_LINK, RU_ADJ, RU_NOUN, RU_SUB, SENTENCES, STATUSES, STUDIOS, TAGLINES, TEAMS,
)

PLAYER = "//kodikplayer.com"
SCREENS = "https://i.kodikres.com/screenshots"
DAY = 86400
SEASON_MODES = (None, "seasons", "episodes", "episodes_data")
PEOPLE_ROLES = (("actors", 0, 7), ("directors", 1, 3), ("producers", 0, 4), ("writers", 1, 2), ("composers", 0, 2),
                ("editors", 0, 2), ("designers", 0, 2), ("operators", 0, 1))
def iso(ts):
    """Kodik's timestamp format: ISO 8601 UTC without milliseconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _date(ts):
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def _hex(rng, bits=128):
    return "%0*x" % (bits // 4, rng.getrandbits(bits))


# Rendering runs per item served, so it draws with getrandbits (fast) instead of choice/randint;
# the slight modulo bias does not matter for fake data.
def _pick(rng, seq):
    return seq[rng.getrandbits(24) % len(seq)]


def _between(rng, low, high):
    return low + rng.getrandbits(24) % (high - low + 1)


def _chance(rng, p):
    return rng.getrandbits(24) < p * (1 << 24)


def franchise_names(seed, franchise):
    """(Russian, romaji, English, Japanese) base names of a franchise."""
    rng = sub_rng(seed, SPACE_FRANCHISE, franchise)
    adj, noun, other = _pick(rng, RU_ADJ), _pick(rng, RU_NOUN), _pick(rng, RU_NOUN)
    pattern = rng.getrandbits(2)
    if pattern == 0:
        ru = f"{noun.capitalize()} и {other}"
    elif pattern == 1:
        ru = f"{adj} {noun}: {_pick(rng, RU_SUB)}"
    else:
        ru = f"{adj} {noun}"
    romaji = f"{_pick(rng, ROMAJI)} {_pick(rng, ROMAJI_LINK)} {_pick(rng, ROMAJI).lower()}"
    en = f"{_pick(rng, EN_WORDS)} {_pick(rng, EN_WORDS)}"
    jp = _pick(rng, JP_PARTS) + "の" + _pick(rng, JP_PARTS)
    return ru, romaji, en, jp


def title_names(catalog, t):
    """Dict of the names of title t: title, anime_title, title_orig, title_en, other_titles[...]."""
    titles = catalog.titles
    ru, romaji, en, jp = franchise_names(catalog.seed, titles.franchise[t])
    season = titles.entry[t]
    if not titles.nseasons[t]:
        part = f"Фильм {season}" if season > 1 else "Фильм"
        names = {"title": f"{ru}: {part}", "anime_title": f"{ru}. {part}",
                 "title_orig": f"Gekijouban {romaji}", "title_en": f"{en}: The Movie"}
    elif season > 1:
        sub = RU_SUB[(titles.franchise[t] + season) % len(RU_SUB)]
        names = {"title": f"{ru} [ТВ-{season}]", "anime_title": f"{ru}: {sub}",
                 "title_orig": f"{romaji} {season}", "title_en": f"{en} Season {season}"}
    else:
        names = {"title": ru, "anime_title": ru, "title_orig": romaji, "title_en": en}
    names["franchise_title"] = ru
    names["other_titles"] = [f"{ru} {season}" if season > 1 else ru.replace("ё", "е"), names["title_en"]]
    names["other_titles_en"] = [names["title_en"]]
    names["other_titles_jp"] = [jp + (f" {season}" if season > 1 else "")]
    return names


def render_item(catalog, i, *, material_data=False, seasons=None):
    """The Kodik JSON object of item i. `seasons` is one of SEASON_MODES."""
    items, titles = catalog.items, catalog.titles
    t = items.title[i]
    names = title_names(catalog, t)
    rng = sub_rng(catalog.seed, SPACE_ITEM, i)
    link_hash = _hex(rng)
    first_episode_id, first_season_id = _between(rng, 100_000, 1_900_000), _between(rng, 10_000, 99_000)
    movie = catalog.is_movie(i)
    num = items.num[i]
    team = TEAMS[items.team[i]]
    out = {"id": catalog.item_id(i), "type": catalog.type_name(i),
           "link": f"{PLAYER}/{'video' if movie else 'serial'}/{num}/{link_hash}/720p",
           "title": names["title"], "title_orig": names["title_orig"]}
    if i % 9:  # most items carry alternative titles, a few do not
        out["other_title"] = " / ".join(names["other_titles"][1:] + names["other_titles_jp"])
    out["translation"] = {"id": team[0], "title": team[1], "type": team[2]}
    out["year"] = titles.year[t]
    last_season = titles.entry[t] + titles.nseasons[t] - 1
    if not movie:
        last_episode = catalog.last_episode(i)
        out["last_season"] = last_season
        out["last_episode"] = last_episode
        out["episodes_count"] = (titles.nseasons[t] - 1) * titles.eps[t] + last_episode
    if titles.kp[t]:
        out["kinopoisk_id"] = str(titles.kp[t])
    if titles.imdb[t]:
        out["imdb_id"] = "tt%07d" % titles.imdb[t]
    if titles.worldart[t]:
        out["worldart_link"] = f"http://www.world-art.ru/animation/animation.php?id={titles.worldart[t]}"
    if titles.shiki[t]:
        out["shikimori_id"] = str(titles.shiki[t])
    quality = QUALITIES[items.quality[i]][0]
    out["quality"] = quality
    out["camrip"] = quality == "CAMRip"
    out["lgbt"] = bool(titles.flags[t] & LGBT)
    out["blocked_countries"] = ["UA"] if items.block[i] & BLOCKED_COUNTRIES else []
    if not movie:
        out["blocked_seasons"] = _blocked_seasons(items.block[i] & ~BLOCKED_COUNTRIES, last_season)
    out["created_at"] = iso(items.created[i])
    out["updated_at"] = iso(items.updated[i])
    if seasons and not movie:
        out["seasons"] = _seasons(catalog, i, seasons, link_hash, first_episode_id, first_season_id)
    if material_data and titles.flags[t] & HAS_MATERIAL_DATA:
        out["material_data"] = render_material_data(catalog, t, names)
    shot = f"{SCREENS}/video/{num}" if movie else f"{SCREENS}/seria/{first_episode_id}"
    out["screenshots"] = [f"{shot}/{k}.jpg" for k in range(1, 6)]
    return out


def _blocked_seasons(kind, last_season):
    if kind == BLOCK_ALL:
        return "all"
    if kind == BLOCK_SEASON:
        return {str(last_season): "all"}
    if kind == BLOCK_EPISODES:
        return {str(last_season): ["1", "2", "3"]}
    return {}


def _seasons(catalog, i, mode, link_hash, episode_id, season_id):
    """The `seasons` object: links only, episode links, or episode objects (API.md §5.3)."""
    titles = catalog.titles
    t = catalog.items.title[i]
    rng = sub_rng(catalog.seed, SPACE_EPISODES, i)
    first, count = titles.entry[t], titles.nseasons[t]
    plan = [(0, 1 + t % 3)] if titles.flags[t] & HAS_SPECIALS else []
    plan += [(s, titles.eps[t]) for s in range(first, first + count - 1)]
    plan.append((first + count - 1, catalog.last_episode(i)))
    out = {}
    for offset, (season, episodes) in enumerate(plan):
        entry = {"link": f"{PLAYER}/season/{season_id + offset}/{link_hash}/720p"}
        if season == 0 and t % 2:
            entry = {"title": "Спецвыпуски", **entry}
        if mode != "seasons":
            entry["episodes"] = {}
            for number in range(1, episodes + 1):
                link = f"{PLAYER}/seria/{episode_id}/{_hex(rng)}/720p"
                if mode == "episodes_data":
                    shots = [f"{SCREENS}/seria/{episode_id}/{k}.jpg" for k in range(1, 6)]
                    value = {"title": f"{number} серия", "link": link, "screenshots": shots}
                    if number % 4 == 0:
                        del value["title"]
                    link = value
                entry["episodes"][str(number)] = link
                episode_id += 1
        out[str(season)] = entry
    return out


def render_material_data(catalog, t, names):
    """The `material_data` object of title t, with anime_* keys for anime (API.md §5.4)."""
    titles = catalog.titles
    rng = sub_rng(catalog.seed, SPACE_TITLE, t)
    type_name, flags = catalog.type_name_of_title(t), titles.flags[t]
    anime = type_name in ANIME_KINDS
    kp, shiki, year = titles.kp[t], titles.shiki[t], titles.year[t]
    first = t
    while first and titles.franchise[first - 1] == titles.franchise[t] and titles.kp[first - 1] == kp:
        first -= 1  # KinoPoisk data is franchise-level: an entry that shares the kp id shows its title and year
    people = _people(rng)
    first_sentence = _between(rng, 0, len(SENTENCES) - 1)
    description = f"{SENTENCES[first_sentence]} {SENTENCES[first_sentence - 1]}"
    md = {"title": names["franchise_title"] if kp and first != t else names["title"]}
    if anime:
        md["anime_title"] = names["anime_title"]
    md["title_en"] = names["title_en"]
    if anime:
        md.update(other_titles=names["other_titles"], other_titles_en=names["other_titles_en"],
                  other_titles_jp=names["other_titles_jp"])
        if flags & LICENSED:
            md["anime_license_name"] = names["anime_title"]
            md["anime_licensed_by"] = [_pick(rng, LICENSORS)]
        status = STATUSES[titles.status[t]]
        md.update(anime_kind=ANIME_KINDS[type_name][titles.akind[t]], all_status=status, anime_status=status)
    md["year"] = titles.year[first] if kp else year
    if anime and _chance(rng, 0.2):
        md["tagline"] = _pick(rng, TAGLINES)
    if flags & HAS_DESCRIPTION:
        md["description"] = description
        if anime and shiki:
            md["anime_description"] = description + " [character=1]Главный герой[/character] не сдаётся."
    if kp:
        md["poster_url"] = f"https://st.kp.yandex.net/images/film_big/{kp}.jpg"
    if shiki:
        md["anime_poster_url"] = f"https://shikimori.io/uploads/poster/animes/{shiki}/{_hex(rng)}.jpeg"
        md["screenshots"] = [f"https://shikimori.io/system/screenshots/original/{_hex(rng, 160)}.jpg"
                             for _ in range(_between(rng, 2, 5))]
    md["duration"] = titles.duration[t]
    md["countries"] = [COUNTRIES[titles.country[t]]]
    genres = sorted(name for bit, name in enumerate(KP_GENRES) if titles.genres[t] >> bit & 1)
    anime_genres = sorted(name for bit, name in enumerate(ANIME_GENRES) if titles.agenres[t] >> bit & 1)
    md["all_genres"] = genres + anime_genres
    md["genres"] = genres
    if anime:
        md["anime_genres"] = anime_genres
        md["anime_studios"] = [_pick(rng, STUDIOS)]
    for key, column, votes in (("kinopoisk", titles.kp_rating, 120_000), ("imdb", titles.imdb_rating, 190_000),
                               ("shikimori", titles.shiki_rating, 100_000)):
        if column[t]:
            md[f"{key}_rating"] = column[t] / 100
            md[f"{key}_votes"] = _between(rng, 10, votes)
    aired = titles.aired_ts[t]
    if _chance(rng, 0.3):
        md["premiere_ru"] = _date(aired + _between(rng, 30, 400) * DAY)
    md["premiere_world"] = _date(aired)
    ongoing = titles.status[t] == STATUS_ONGOING
    if anime:
        md["aired_at"] = _date(aired)
        if not ongoing:
            md["released_at"] = _date(aired + max(titles.eps[t] - 1, 0) * 7 * DAY)
        else:
            weeks = -(-(catalog.now - aired) // (7 * DAY))
            md["next_episode_at"] = iso(aired - aired % DAY + weeks * 7 * DAY + 52200)  # 14:30 UTC
    if titles.rating[t] < len(RATINGS):
        md["rating_mpaa"], md["minimal_age"] = RATINGS[titles.rating[t]]
    if anime:
        eps = titles.eps[t] or 1
        md["episodes_total"] = eps
        md["episodes_aired"] = titles.aired[t] if ongoing else (0 if t % 10 == 3 else eps)
    md.update(people)
    return md


@functools.cache
def _full_names():
    return tuple(f"{first} {last}" for first in PERSON_FIRST for last in PERSON_LAST)


def _people(rng):
    """{role: [names]} for the crew lists of material_data; empty roles left out.

    One random draw per role (not per name): this runs for every item served.
    """
    pool = _full_names()
    people = {}
    for role, low, high in PEOPLE_ROLES:
        bits = rng.getrandbits(96)
        count, bits = low + bits % (high - low + 1), bits >> 4
        names = []
        for _ in range(count):
            bits, index = divmod(bits, len(pool))
            names.append(pool[index])
        if names:
            people[role] = names
    return people
