"""Blinker signals that let domains react to each other without importing each other.

Senders pass plain values (ids, names), never request objects. The cache listens to
``catalog_changed`` (and other signals) to drop tagged entries.
"""
from blinker import Namespace

signals = Namespace()

#: The catalog changed (a sync wrote releases). kwargs: release_ids (list[int] | None = all).
catalog_changed = signals.signal("catalog-changed")
#: A translation gained an episode. kwargs: release_id, translation_id, season, episode.
episode_added = signals.signal("episode-added")
#: A member's account changed (role, age cap, disabled). kwargs: user_id.
user_changed = signals.signal("user-changed")
#: A member's own data changed (lists, progress). kwargs: user_id, kind.
member_data_changed = signals.signal("member-data-changed")
#: A job run finished. kwargs: job_id, status.
job_finished = signals.signal("job-finished")
#: A member replied to a comment. kwargs: comment_id, parent_id, release_id, user_id (who
#: replied), parent_user_id (whom to tell).
comment_replied = signals.signal("comment-replied")
#: A member posted (or rewrote) a review. kwargs: review_id, release_id, user_id, score.
review_posted = signals.signal("review-posted")
#: The analytics roll-up wrote new daily rows. kwargs: full (bool).
analytics_rolled_up = signals.signal("analytics-rolled-up")
#: A sync chunk is about to commit (sent INSIDE its write transaction, so receivers can write
#: an outbox in the same transaction; they must be quick and must not commit). kwargs:
#: sync_id (str, one per sync run), new_episodes (list of (release_id, translation_id, season,
#: episode) new to existing translations), status_changes (list of (release_id, old, new)).
catalog_written = signals.signal("catalog-written")
#: A member's list entry got a new status. kwargs: user_id, release_id, status, previous (or None).
list_status_changed = signals.signal("list-status-changed")
#: Server-side sessions ended (signed out, revoked, expired ones dropped at a sign-in, everyone
#: after a restore). kwargs: user_id (or None: any member). Cached sign-ins are dropped.
sessions_ended = signals.signal("sessions-ended")
#: Comments, reviews or moderation changed what a release page's social part shows.
#: kwargs: release_id (or None: any release, e.g. a member muted).
social_changed = signals.signal("social-changed")
