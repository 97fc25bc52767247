"""A member's push channels over the API. Secrets are write-only: answers say whether one is
set, never what it is; a webhook's generated secret is in the creation answer, once."""
from __future__ import annotations

from flask import current_app, jsonify

from ..models.notify import CHANNEL_KINDS
from ..notify.channels import service as channels
from .auth import current_api_user
from .blueprint import api_route
from .params import get_json
from .serialize import iso
from .spec import array, boolean, datetime_string, integer, obj, ref, string

_FIELDS = {"kind", "name", "url", "topic", "token", "chat_id", "address", "enabled"}

SCHEMAS = {
    "Channel": obj({
        "id": integer(), "kind": string(enum=CHANNEL_KINDS), "name": string(), "enabled": boolean(),
        "url": string("ntfy server or webhook URL."), "topic": string("ntfy topic."),
        "chat_id": string("Telegram chat id."), "address": string("Email address."),
        "secret_set": boolean("Whether a token / bot token / webhook secret is stored (never shown)."),
        "created_at": datetime_string(),
    }, required=["id", "kind", "name", "enabled", "secret_set", "created_at"]),
    "ChannelCreated": obj({
        "channel": ref("Channel"),
        "secret": string("A webhook's signing secret, shown this once only; null for other kinds.", nullable=True),
    }, required=["channel", "secret"]),
    "ChannelCreate": obj({
        "kind": string(enum=CHANNEL_KINDS), "name": string(maxLength=80),
        "url": string("ntfy: the server (https://ntfy.sh); webhook: the receiving URL. http(s) only."),
        "topic": string("ntfy topic."), "token": string("ntfy access token (optional) or Telegram bot token."),
        "chat_id": string("Telegram chat id."), "address": string("Email address."),
    }, required=["kind"]),
    "ChannelUpdate": obj({
        "name": string(maxLength=80), "enabled": boolean(), "url": string(), "topic": string(),
        "token": string("A new secret; omit to keep the stored one."), "chat_id": string(), "address": string(),
    }),
    "ChannelTest": obj({"ok": boolean(), "detail": string("\"sent\" or why it failed.")}, required=["ok", "detail"]),
}


def me() -> int:
    return current_api_user().id


def channel_json(c) -> dict:
    return {"id": c.id, "kind": c.kind, "name": c.name, "enabled": c.enabled, "url": c.url, "topic": c.topic,
            "chat_id": c.chat_id, "address": c.address, "secret_set": bool(c.secret), "created_at": iso(c.created_at)}


def _settings():
    return current_app.config["ANIHOME_SETTINGS"]


@api_route("/channels", methods=["GET"], tags=["notifications"], summary="My push channels",
           responses={200: obj({"items": array(ref("Channel"))}, required=["items"])})
def channels_list():
    return jsonify({"items": [channel_json(c) for c in channels.for_user(me())]})


@api_route("/channels", methods=["POST"], tags=["notifications"], summary="Add a push channel",
           body=ref("ChannelCreate"), responses={201: ("Created.", ref("ChannelCreated"))})
def channels_create():
    """Add a channel of a kind the owner allows; a webhook's secret comes back once."""
    row, secret = channels.create(me(), get_json(allowed=_FIELDS - {"enabled"}), _settings())
    return jsonify({"channel": channel_json(row), "secret": secret}), 201


@api_route("/channels/<int:channel_id>", methods=["PATCH"], tags=["notifications"], summary="Change a channel",
           body=ref("ChannelUpdate"), responses={200: ref("Channel")})
def channels_update(channel_id: int):
    return jsonify(channel_json(channels.update(me(), channel_id, get_json(allowed=_FIELDS - {"kind"}), _settings())))


@api_route("/channels/<int:channel_id>", methods=["DELETE"], tags=["notifications"], summary="Remove a channel",
           responses={204: "Removed."})
def channels_delete(channel_id: int):
    channels.delete(me(), channel_id)
    return "", 204


@api_route("/channels/<int:channel_id>/test", methods=["POST"], tags=["notifications"],
           summary="Send a test push now", body_required=False,
           responses={200: ref("ChannelTest")})
def channels_test(channel_id: int):
    """Push a test message through the channel and say how it went (a failure is still 200)."""
    ok, detail = channels.send_test(me(), channel_id, _settings())
    return jsonify({"ok": ok, "detail": detail})
