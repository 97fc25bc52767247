"""JSON shapes of comments, reviews, the moderation queue and the audit log (one place)."""
from __future__ import annotations

from .serialize import iso


def comment_json(view, with_replies: bool = False) -> dict:
    """A ``CommentView``: ``body`` is null when the text is withheld (gated, deleted, hidden)."""
    data = {"id": view.id, "release_id": view.release_id, "parent_id": view.parent_id,
            "season": view.season, "episode": view.episode, "spoiler_episode": view.spoiler_episode,
            "author": view.author, "mine": view.mine, "status": view.status, "body": view.body,
            "html": str(view.html) if view.html is not None else None,
            "gated": view.gated, "gated_for_others": view.gated_for_others,
            "gate": {"season": view.gate[0], "episode": view.gate[1]} if view.gate else None,
            "created_at": iso(view.created_at), "edited_at": iso(view.edited_at),
            "replies_count": view.replies_count, "can_edit": view.can_edit}
    if with_replies:
        data["replies"] = [comment_json(r) for r in view.replies]
    return data


def review_json(view) -> dict:
    return {"id": view.id, "release_id": view.release_id, "author": view.author, "mine": view.mine,
            "score": view.score, "status": view.status, "body": view.body,
            "html": str(view.html) if view.html is not None else None,
            "gated": view.gated, "gated_for_others": view.gated_for_others,
            "spoiler_episode": view.spoiler_episode,
            "progress": {"watched": view.watched_episodes, "total": view.total_episodes},
            "helpful_count": view.helpful_count, "voted_helpful": view.voted,
            "created_at": iso(view.created_at), "updated_at": iso(view.updated_at)}


def queue_item_json(item) -> dict:
    return {"kind": item.kind, "id": item.target_id, "release_id": item.release_id,
            "release_title": item.release_title, "author": item.author, "status": item.status,
            "excerpt": item.excerpt, "reports": item.reports, "reasons": item.reasons,
            "first_reported_at": iso(item.first_reported_at), "season": item.season,
            "episode": item.episode}


def audit_json(entry) -> dict:
    return {"id": entry.id, "actor": entry.actor_name, "action": entry.action, "kind": entry.kind,
            "target_id": entry.target_id, "target_user": entry.target_user_name,
            "reason": entry.reason, "created_at": iso(entry.created_at)}
