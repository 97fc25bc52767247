"""Text normalisation for search: NFKC, case-folded, ё -> е, punctuation to spaces.

Plain LIKE folds only ASCII case, so titles and queries both go through ``normalize``
before they meet in the index.
"""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalize(text: str | None) -> str:
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(_NON_WORD.sub(" ", folded).split())
