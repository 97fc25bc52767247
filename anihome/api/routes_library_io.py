"""Import and export over the API: MyAnimeList XML both ways, and the full JSON export of
the caller's own data."""
from __future__ import annotations

from typing import BinaryIO

from flask import Response, jsonify, request
from werkzeug.wsgi import wrap_file

from ..errors import AppError
from ..library import export_json, mal
from ..ops import memory
from .blueprint import api_route
from .params import get_json, parse_bool
from .routes_library import me
from .spec import array, boolean, integer, obj, query, string, text

XML_TYPES = ("application/xml", "text/xml", "application/gzip", "application/x-gzip")

SCHEMAS = {
    "MalImportRequest": obj({
        "xml": text("The MyAnimeList export file's text."),
        "dry_run": boolean("Only report what would change (the dry_run query parameter also works)."),
    }, required=["xml"]),
    "MalImportResult": obj({
        "dry_run": boolean(),
        "summary": obj({"create": integer(), "update": integer(), "unchanged": integer(),
                        "unmatched": integer(), "refused": integer("Above the caller's age cap: "
                                                                   "never imported."),
                        "problems": integer()}),
        "rows": array(obj({"animedb_id": string(), "title": string(), "release_id":
                           integer(nullable=True), "status": string(), "action":
                           string(enum=list(mal.ACTIONS))})),
        "problems": array(string()),
    }, required=["dry_run", "summary", "rows", "problems"]),
}


@api_route("/export/mal", methods=["GET"], tags=["import-export"],
           summary="My lists as a MyAnimeList XML export",
           description="Entries whose release has no MyAnimeList (shikimori) id are left out; "
                       "the X-AniHome-Skipped header counts them.",
           responses={200: {"description": "MyAnimeList XML",
                            "content": {"application/xml": {"schema": {"type": "string"}}}}})
def export_mal():
    """The caller's list entries in MyAnimeList's export format."""
    body, skipped = mal.export_xml(me())
    response = Response(body, mimetype="application/xml")
    response.headers["Content-Disposition"] = 'attachment; filename="anihome-mal.xml"'
    response.headers["X-AniHome-Skipped"] = str(skipped)
    return memory.after_long_work(response)


@api_route("/export/json", methods=["GET"], tags=["import-export"],
           summary="Everything of mine as one JSON document",
           responses={200: {"description": "The full export (format anihome-member-export).",
                            "content": {"application/json": {"schema": {"type": "object"}}}}})
def export_all():
    """Lists, favorites, collections, progress, history of the caller (written to a spooled
    file row by row, then sent in blocks: a long history never sits in memory whole)."""
    return memory.after_long_work(Response(wrap_file(request.environ, export_json.spool(me())),
                                           mimetype="application/json", direct_passthrough=True))


JSON_IMPORT_MAX = 1024 * 1024  # the {"xml": ...} form; larger files go as the raw body


def _upload() -> tuple[bytes | BinaryIO, bool | None]:
    """The MAL file from a raw XML/gzip body or a multipart file (both streamed), or a JSON
    body ({"xml": ...}, at most ``JSON_IMPORT_MAX`` bytes)."""
    if request.mimetype in XML_TYPES:
        return request.stream, None
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise AppError("Send the export as the multipart field file.", "file")
        return upload.stream, None
    if (request.content_length or 0) > JSON_IMPORT_MAX:
        raise AppError(f"A JSON body may carry at most {JSON_IMPORT_MAX // 1024} KB; send larger "
                       "files as the raw body (application/xml or application/gzip).", "xml",
                       status=413, code="payload_too_large")
    data = get_json(allowed={"xml", "dry_run"})
    xml = data.get("xml")
    if not isinstance(xml, str) or not xml.strip():
        raise AppError("xml must be the MyAnimeList export's text.", "xml")
    return xml.encode("utf-8"), parse_bool(data, "dry_run")


@api_route("/import/mal", methods=["POST"], tags=["import-export"],
           summary="Import a MyAnimeList XML export into my lists",
           description="Matches series_animedb_id to the catalog's shikimori ids. With dry_run "
                       "nothing changes: the answer is the preview. The file may also be sent as "
                       "the raw body (application/xml, text/xml or application/gzip) or as the "
                       "multipart field file (both streamed); the JSON form carries at most 1 MB. "
                       "413: over 20 MB unpacked, over 10,000 entries, or over 2,000,000 characters "
                       "of titles and notes. 400: a DOCTYPE or entity declaration, over 100 tag "
                       "names, nesting deeper than 8, a tag over 64 KB, an unreadable encoding. "
                       "Releases above the caller's age cap are listed as refused, never imported.",
           params=[query("dry_run", "boolean", "Only preview.", default=False)],
           body={"$ref": "#/components/schemas/MalImportRequest"},
           responses={200: {"description": "What was (or would be) imported.",
                            "content": {"application/json": {"schema": {
                                "$ref": "#/components/schemas/MalImportResult"}}}}})
def import_mal():
    """Preview or apply a MyAnimeList import for the caller."""
    data, body_dry_run = _upload()
    dry_run = parse_bool(request.args, "dry_run", default=False) or bool(body_dry_run)
    plan = mal.plan(me(), data) if dry_run else mal.apply(me(), data)
    rows = [{"animedb_id": r.entry.animedb_id, "title": r.entry.title,
             "release_id": r.release.id if r.release else None, "status": r.entry.status,
             "action": r.action} for r in plan.rows]
    return memory.after_long_work(jsonify({"dry_run": dry_run, "summary": plan.summary(), "rows": rows,
                                           "problems": plan.problems}))
