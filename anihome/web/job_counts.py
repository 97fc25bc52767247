"""The words for a job run's counters on the admin pages (Admin → Jobs, a run's page, the
Kodik history). Jobs count under short code names (``releases_new``, ``peak_rss_mb``), which the
API keeps; pages say them in the reader's language. A name without a label (a new job's) is
shown with spaces for underscores until it gets one; a test runs the jobs and holds every name
they count to a label and its Russian."""
from __future__ import annotations

from ..i18n import N_
from .templating import gettext


LABELS = {
    # Kodik syncs and the demo catalog
    "pages": N_("pages"), "items": N_("items"), "done": N_("items done"), "total": N_("total"),
    "releases_new": N_("new titles"), "translations_new": N_("new dubs"), "episodes_new": N_("new episodes"),
    "episodes_announced": N_("new episodes announced"), "retired": N_("dubs gone from Kodik"),
    "resumed": N_("resumed"), "skipped": N_("skipped"), "demo_releases_removed": N_("demo titles removed"),
    "peak_rss_mb": N_("peak memory, MB"),
    # the runner
    "idle_runs": N_("idle runs"),
    # backups, housekeeping, integrity
    "bytes": N_("bytes"), "backups_kept": N_("backups kept"), "backups_pruned": N_("backups removed"),
    "runs_deleted": N_("old runs deleted"), "backups_deleted": N_("backups deleted"),
    "notifications_deleted": N_("notifications deleted"), "demo_airings_moved": N_("demo airings moved"),
    "wal_pages_checkpointed": N_("journal pages written back"), "analyzed": N_("statistics refreshed"),
    "checked": N_("checked"), "sequences": N_("sequences"), "sequences_behind": N_("sequences behind"),
    "invalid_indexes": N_("broken indexes"), "amcheck_indexes": N_("indexes verified"),
    # notifications
    "sent": N_("sent"), "retried": N_("to retry"), "failed": N_("failures"), "held": N_("held"),
    "empty": N_("nothing to say"), "notifications": N_("notifications"),
    # posters
    "stored": N_("stored"), "refused": N_("refused"), "full": N_("full"),
    # analytics
    "members": N_("members"), "days": N_("days"), "views_pruned": N_("old views removed"),
    "built": N_("made"), "pruned": N_("removed"),
    # the nightly learning run
    "releases": N_("titles"), "evaluate_ms": N_("evaluation, ms"),
    "served_as_popularity": N_("blends served as popular titles"), "tuning_cases": N_("tuning cases"),
    "recommendations": N_("recommendations"), "similar": N_("similar titles"), "forecasts": N_("forecasts"),
}


def count_label(name: str) -> str:
    """A counter's name in the page's language."""
    text = LABELS.get(name)
    return gettext(text) if text else str(name).replace("_", " ")


def count_labels() -> dict[str, str]:
    """Every known counter's label, for the run page's script (it redraws counts while a run goes)."""
    return {name: gettext(text) for name, text in LABELS.items()}
