"""Genre names in the English interface. Kodik (Shikimori) names genres in Russian; the English
interface shows the English name Shikimori uses, keyed by the Russian name (case and ё folded).
An unknown genre keeps its Russian name."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_FILE = Path(__file__).resolve().parent / "genres_en.json"


def _key(name: str) -> str:
    return (name or "").strip().casefold().replace("ё", "е")


@lru_cache(maxsize=1)
def _english() -> dict[str, str]:
    return {_key(ru): en for ru, en in json.loads(_FILE.read_text(encoding="utf-8")).items()}


def genre_name(name: str, language: str) -> str:
    """``name`` (Russian, from Kodik) as shown in ``language``."""
    if language != "en":
        return name
    return _english().get(_key(name), name)
