"""A member's watching life: progress, history, list statuses, favorites, collections,
continue watching, and MyAnimeList/JSON import and export. Services only; no Flask here."""
