"""The top-level COUNT of a thread reads only an index (m0024's comment_thread_count)."""
import pytest
from peewee import JOIN, fn

from anihome.models import Comment, User
from anihome.social import comments, rules


def _plan(db, query) -> str:
    sql, params = query.sql()
    return " | ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def _count_query(release_id: int, viewer, state, season=None, episode=None):
    """The query ``comments._count_top`` runs, rebuilt to read its plan."""
    conditions, needs_author = comments._conditions(viewer, state)
    query = Comment.select(fn.COUNT(Comment.id))
    if needs_author:
        query = query.join(User, JOIN.INNER, on=(Comment.user == User.id))
    query = comments._same_place(query.where((Comment.release == release_id) & Comment.parent.is_null()),
                                 season, episode)
    return query.where(*conditions)


@pytest.mark.sqlite_only("reads SQLite's query plan")
def test_a_members_thread_count_is_answered_from_the_covering_index(db, cat, people):
    comments.post(people.alice, cat.serial.id, "first words")
    state = rules.switches()
    for viewer in (people.alice, people.mod):
        for place in ((None, None), (1, 2)):
            plan = _plan(db, _count_query(cat.serial.id, viewer, state, *place))
            assert "USING COVERING INDEX comment_thread_count" in plan, plan
    assert comments._count_top(cat.serial.id, None, None, people.alice, state) == 1
