"""Collections over the API: the caller's own (read and write) and the household's shared
ones (read only). Another member's private collection answers 404."""
from __future__ import annotations

from flask import jsonify, request

from ..library import collections
from ..library import serialize as shape
from ..models.library import VISIBILITIES
from .blueprint import api_route
from .serialize import titled
from .params import get_json, parse_enum, parse_int
from .routes_library import me
from .spec import array, boolean, datetime_string, integer, obj, query, ref, string, text

SCHEMAS = {
    "Collection": obj({
        "id": integer(), "name": string(), "description": string(),
        "visibility": string(enum=VISIBILITIES), "position": integer(),
        "owner": string("The member who owns it."), "mine": boolean(),
        "item_count": integer(), "created_at": datetime_string(), "updated_at": datetime_string(),
    }, required=["id", "name", "description", "visibility", "position", "owner", "mine"]),
    "CollectionDetail": obj({
        "collection": ref("Collection"),
        "items": array(obj({"release": ref("ReleaseRef"), "position": integer(),
                            "added_at": datetime_string()})),
    }, required=["collection", "items"]),
    "CollectionCreate": obj({
        "name": text(max_length=collections.NAME_MAX),
        "description": string(maxLength=collections.DESCRIPTION_MAX),
        "visibility": string(enum=VISIBILITIES, default="private"),
    }, required=["name"]),
    "CollectionUpdate": obj({
        "name": text(max_length=collections.NAME_MAX),
        "description": string(maxLength=collections.DESCRIPTION_MAX),
        "visibility": string(enum=VISIBILITIES),
    }),
    "IdOrder": obj({"order": array(integer(minimum=1))}, required=["order"],
                   description="Every id exactly once, in the new order."),
    "CollectionItemAdd": obj({"release_id": integer(minimum=1)}, required=["release_id"]),
}


@api_route("/collections", methods=["GET"], tags=["collections"],
           summary="My collections, or the household's shared ones",
           params=[query("scope", "string", "mine (default) or shared.", enum=["mine", "shared"],
                         default="mine")],
           responses={200: obj({"items": array(ref("Collection"))}, required=["items"])})
def collections_list():
    """The caller's collections in their order, or others' shared with the household."""
    scope = parse_enum(request.args, "scope", ("mine", "shared"), default="mine")
    rows = collections.for_user(me()) if scope == "mine" else collections.shared_with(me())
    return jsonify({"items": [shape.collection(c, me()) for c in rows]})


@api_route("/collections", methods=["POST"], tags=["collections"], summary="Create a collection",
           body=ref("CollectionCreate"), responses={201: ("Created.", ref("Collection"))})
def collections_create():
    """A new collection at the end of the caller's list."""
    data = get_json(allowed={"name", "description", "visibility"})
    row = collections.create(me(), data.get("name"), data.get("description"),
                             data.get("visibility", "private"))
    return jsonify(shape.collection(row, me(), 0)), 201


@api_route("/collections/order", methods=["PUT"], tags=["collections"],
           summary="Reorder my collections", body=ref("IdOrder"), responses={204: "Reordered."})
def collections_order():
    """Put the caller's collections in the given order."""
    collections.reorder(me(), get_json(allowed={"order"}).get("order"))
    return "", 204


@api_route("/collections/<int:collection_id>", methods=["GET"], tags=["collections"],
           summary="One collection with its releases", responses={200: ref("CollectionDetail")})
def collections_get(collection_id: int):
    """A collection the caller owns or that is shared with the household."""
    row, items = collections.view(me(), collection_id)
    return jsonify(titled(shape.collection_detail(row, items, me())))


@api_route("/collections/<int:collection_id>", methods=["PATCH"], tags=["collections"],
           summary="Rename, describe or share one of my collections",
           body=ref("CollectionUpdate"), responses={200: ref("Collection")})
def collections_update(collection_id: int):
    """Change one of the caller's collections."""
    row = collections.update(me(), collection_id,
                             get_json(allowed={"name", "description", "visibility"}))
    return jsonify(shape.collection(row, me(), len(collections.items(row, me()))))


@api_route("/collections/<int:collection_id>", methods=["DELETE"], tags=["collections"],
           summary="Delete one of my collections", responses={204: "Deleted."})
def collections_delete(collection_id: int):
    """Delete one of the caller's collections."""
    collections.delete(me(), collection_id)
    return "", 204


@api_route("/collections/<int:collection_id>/items", methods=["POST"], tags=["collections"],
           summary="Add a release to one of my collections", body=ref("CollectionItemAdd"),
           responses={201: ("Added (or already there).", ref("CollectionDetail"))})
def collections_add_item(collection_id: int):
    """Add a release at the end of one of the caller's collections."""
    data = get_json(allowed={"release_id"})
    collections.add_item(me(), collection_id, parse_int(data, "release_id", required=True, minimum=1))
    row, items = collections.view(me(), collection_id)
    return jsonify(titled(shape.collection_detail(row, items, me()))), 201


@api_route("/collections/<int:collection_id>/items/<int:release_id>", methods=["DELETE"],
           tags=["collections"], summary="Take a release out of one of my collections",
           responses={204: "Removed."})
def collections_remove_item(collection_id: int, release_id: int):
    """Remove a release from one of the caller's collections."""
    collections.remove_item(me(), collection_id, release_id)
    return "", 204


@api_route("/collections/<int:collection_id>/items/order", methods=["PUT"], tags=["collections"],
           summary="Reorder the releases of one of my collections", body=ref("IdOrder"),
           responses={204: "Reordered."})
def collections_order_items(collection_id: int):
    """Put a collection's releases in the given order."""
    collections.reorder_items(me(), collection_id, get_json(allowed={"order"}).get("order"))
    return "", 204
