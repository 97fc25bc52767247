"""The catalog domain: queries for browse, release pages, search, calendar; the search index."""
