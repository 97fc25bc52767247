"""The caller's own API tokens: list, create (from a browser session only) and revoke."""
from __future__ import annotations

from flask import jsonify

from ..accounts import tokens
from ..errors import Forbidden
from ..models import ApiToken
from .auth import current_api_token, current_api_user
from .blueprint import api_route
from .pagination import paginate_request, pagination_params
from .params import get_json, parse_str
from .serialize import iso
from .spec import datetime_string, integer, obj, page_of, ref, string

SCHEMAS = {
    "ApiToken": obj({
        "id": integer(),
        "label": string(),
        "prefix": string("The first characters of the token, to tell tokens apart."),
        "created_at": datetime_string(),
        "last_used_at": datetime_string("Recorded at most once a minute.", nullable=True),
    }, required=["id", "label", "prefix", "created_at", "last_used_at"]),
    "NewApiToken": obj({
        "token": string("The token itself. It is shown only in this answer: store it now."),
        "api_token": ref("ApiToken"),
    }, required=["token", "api_token"]),
    "NewApiTokenRequest": obj({"label": string("What the token is for, e.g. Kodi.", maxLength=tokens.LABEL_MAX)}),
}


def serialize_token(token: ApiToken) -> dict:
    return {"id": token.id, "label": token.label, "prefix": token.prefix,
            "created_at": iso(token.created_at), "last_used_at": iso(token.last_used_at)}


@api_route("/tokens", methods=["GET"], access="token", tags=["tokens"], summary="My live API tokens",
           params=pagination_params(), responses={200: page_of(ref("ApiToken"))})
def list_tokens():
    """The caller's tokens that are not revoked, newest first."""
    return jsonify(paginate_request(tokens.for_user_query(current_api_user()), serialize_token))


@api_route("/tokens", methods=["POST"], access="token", tags=["tokens"], summary="Create an API token",
           description="Only from a signed-in browser session (with X-CSRFToken): a token cannot mint "
                       "tokens, so a leaked token cannot outlive its revocation.",
           body=ref("NewApiTokenRequest"), body_required=False,
           responses={201: ("Created; the token is shown only here.", ref("NewApiToken")),
                      403: {"$ref": "#/components/responses/Forbidden"}})
def create_token():
    """Create a token for the signed-in member and show it once."""
    if current_api_token() is not None:
        raise Forbidden("Tokens can be created only from a signed-in browser session or the CLI.")
    data = get_json(required=False, allowed={"label"})
    label = parse_str(data, "label", default="", max_length=tokens.LABEL_MAX)
    plaintext, token = tokens.create(current_api_user(), label)
    response = jsonify({"token": plaintext, "api_token": serialize_token(token)})
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@api_route("/tokens/<int:token_id>", methods=["DELETE"], access="token", tags=["tokens"],
           summary="Revoke one of my API tokens", responses={204: "Revoked (also when it already was)."})
def revoke_token(token_id: int):
    """Revoke one of the caller's tokens; another member's token is a 404."""
    tokens.revoke_for_user(current_api_user(), token_id)
    return "", 204
