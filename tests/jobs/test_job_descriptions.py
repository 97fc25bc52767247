"""The Jobs page describes every job in plain words: translated into Russian, without setting
names, code words or folder paths (those belong in docs/configuration.md)."""
import re

from anihome.i18n import catalog
from anihome.jobs.registry import build_registry

SETTING_NAME = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
CODE_WORDS = re.compile(r"<data dir>|quick_check|'degraded'|\w+\.py\b")


def test_every_job_description_is_plain_words_in_both_languages(app):
    russian = catalog("ru")
    specs = build_registry(app.config["ANIHOME_SETTINGS"]).values()
    assert len(specs) >= 8
    for spec in specs:
        assert not SETTING_NAME.search(spec.description), spec.id
        assert not CODE_WORDS.search(spec.description), spec.id
        translated = russian.get(spec.description)
        assert translated, f"no Russian for the {spec.id} job"
        assert not SETTING_NAME.search(translated) and not CODE_WORDS.search(translated), spec.id
