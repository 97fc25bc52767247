"""Social: a covering index for a thread's top-level COUNT.

``comments._count_top`` counts the top-level comments of one place (release, season,
episode) a viewer may see: it tests ``status``, ``live_replies`` and, for hidden text, the
author. The thread index ``(release_id, season, episode, parent_id, created_at)`` finds the
rows but holds none of those, so SQLite read every row of the thread from the table. This
index holds them all (the rowid is the comment id), so the count is index-only.
"""


def up(db):
    db.execute_sql("CREATE INDEX comment_thread_count ON comment "
                   "(release_id, season, episode, parent_id, status, live_replies, user_id)")
