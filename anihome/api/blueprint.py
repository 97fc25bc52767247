"""The /api/v1 blueprint (skeleton; the API module fills in authentication and routes)."""
from flask import Blueprint, jsonify

from ..access import access

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/health")
@access("public")
def health():
    return jsonify({"status": "ok"})
