"""The poster cache against a local fake image server: what is stored, what is refused, what
pages and /posters/<id> serve."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from anihome.artwork.fetch import PosterRefused, fetch_image, image_extension
from anihome.artwork.posters import fill_poster_cache, poster_store
from anihome.models import Release
from tests.catalog.catalog_data import build_catalog
from tests.catalog.conftest import signed_in
from tests.conftest import make_user



def _picture(fmt: str, size: tuple[int, int]) -> bytes:
    """A real picture (a gradient) of ``size`` in ``fmt``."""
    import io

    from PIL import Image

    image = Image.merge("RGB", [Image.linear_gradient("L").resize(size)] * 3)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that announces ``width`` x ``height`` pixels in a few bytes (a decompression bomb's
    calling card); its data is never meant to be decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


JPEG = _picture("JPEG", (900, 1350))
PNG = _picture("PNG", (200, 300))
BOMB = _png_header_only(20_000, 20_000)
NEAR_BOMB = _png_header_only(6_000, 5_000)  # 30 Mpx: over the limit, under Pillow's own 2x error
BROKEN = JPEG[:400]  # a JPEG cut short


class _Images(BaseHTTPRequestHandler):
    """/ok.jpg, /ok.png, /missing (404), /slow (stalls), /huge (announced), /endless (no
    length, keeps sending), /page (HTML), /moved (302 to /ok.jpg)."""

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", kind="image/jpeg", length=True, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for key, value in extra:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.hits.append(self.path)
        path = self.path.split("?")[0]
        if path == "/ok.jpg":
            self._send(200, JPEG)
        elif path == "/ok.png":
            self._send(200, PNG, "image/png")
        elif path == "/bomb.png":
            self._send(200, BOMB, "image/png")
        elif path == "/near-bomb.png":
            self._send(200, NEAR_BOMB, "image/png")
        elif path == "/broken.jpg":
            self._send(200, BROKEN)
        elif path == "/slow":
            time.sleep(2)
            self._send(200, JPEG)
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(JPEG)
        elif path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            try:
                self.wfile.write(JPEG)
                for _ in range(2000):
                    self.wfile.write(b"\x00" * 4096)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/page":
            self._send(200, b"<html><body>not a picture</body></html>", "text/html")
        elif path == "/svg":
            self._send(200, b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
                       "image/svg+xml")
        elif path == "/moved":
            self._send(302, extra=[("Location", "/ok.jpg")])
        else:
            self._send(404, b"nope", "text/plain")


@pytest.fixture(scope="module")
def images():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    server.daemon_threads = True
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server
    server.shutdown()
    server.server_close()


@pytest.fixture
def session():
    import requests

    with requests.Session() as s:
        yield s


def test_a_jpeg_and_a_png_are_fetched_with_their_extension(images, session):
    base, _ = images
    assert fetch_image(base + "/ok.jpg", session, 100_000, 2) == (JPEG, "jpg")
    assert fetch_image(base + "/ok.png", session, 100_000, 2)[1] == "png"


@pytest.mark.parametrize("path, reason", [
    ("/missing", "http-status"), ("/slow", "timeout"), ("/huge", "too-large"), ("/endless", "too-large"),
    ("/page", "not-an-image"), ("/svg", "not-an-image"), ("/moved", "http-status"),
])
def test_bad_answers_are_refused_with_a_reason(images, session, path, reason):
    base, _ = images
    with pytest.raises(PosterRefused) as refused:
        fetch_image(base + path, session, 100_000, 0.5)
    assert refused.value.reason == reason


def test_only_http_urls_are_fetched(session):
    with pytest.raises(PosterRefused) as refused:
        fetch_image("file:///etc/passwd", session, 100_000, 0.5)
    assert refused.value.reason == "bad-url"


def test_webp_is_recognised_and_text_is_not():
    assert image_extension(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert image_extension(b"<html>") is None


def _setup(app, base, urls):
    """The fixture catalog with the given poster URLs (by release name); returns its ids."""
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        ns = build_catalog()
        for name, path in urls.items():
            Release.update(poster_url=base + path).where(Release.id == getattr(ns, name)).execute()
    return ns


def _fill(app, **kwargs):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return fill_poster_cache(app.config["ANIHOME_SETTINGS"], sleep=lambda s: None, **kwargs)


@pytest.fixture
def poster_app(tmp_path):
    from tests.conftest import make_app
    from anihome.db import close_all

    app = make_app(tmp_path, POSTER_TIMEOUT=0.5, POSTER_MAX_KB=64)
    yield app
    close_all(app.extensions["anihome.db"])


def test_the_job_stores_good_posters_once_and_marks_bad_ones(poster_app, images):
    base, server = images
    ns = _setup(poster_app, base, {"aot": "/ok.jpg", "opm": "/ok.png", "star": "/missing",
                                    "death_note": "/page", "aot2": "/huge"})
    counts = _fill(poster_app)
    assert (counts["stored"], counts["refused"]) == (2, 3)
    store = poster_store(poster_app.config["ANIHOME_SETTINGS"])
    with poster_app.app_context(), poster_app.extensions["anihome.db"].connection_context():
        aot = Release.get_by_id(ns.aot)
    path, mimetype = store.find(ns.aot, aot.poster_url)
    assert mimetype == "image/webp" and _size(path.read_bytes()) == (300, 450)  # resized, aspect kept
    assert path.stat().st_size < len(JPEG) and counts["bytes"] == path.stat().st_size + _stored_size(store, ns.opm)
    server.hits.clear()
    again = _fill(poster_app)
    assert again["stored"] == again["refused"] == 0 and server.hits == []  # fetched once; misses wait


def test_the_job_stops_when_the_cache_is_full(poster_app, images):
    base, _ = images
    _setup(poster_app, base, {"aot": "/ok.jpg", "opm": "/ok.jpg", "star": "/ok.jpg"})
    poster_app.config["ANIHOME_SETTINGS"]["POSTER_CACHE_MB"] = 0
    counts = _fill(poster_app)
    assert counts == {"stored": 0, "refused": 0, "bytes": 0, "full": 1}


def test_a_new_poster_url_replaces_the_stored_copy(poster_app, images):
    base, _ = images
    ns = _setup(poster_app, base, {"aot": "/ok.jpg"})
    _fill(poster_app)
    with poster_app.app_context(), poster_app.extensions["anihome.db"].connection_context():
        Release.update(poster_url=base + "/ok.png?v=2").where(Release.id == ns.aot).execute()
    assert _fill(poster_app)["stored"] == 1
    files = [p.name for p in poster_store(poster_app.config["ANIHOME_SETTINGS"]).root.rglob(f"{ns.aot}-*")]
    assert len(files) == 1 and files[0].endswith(".webp") and "-" in files[0]


def test_the_poster_route_serves_the_stored_copy_else_a_tile_and_a_neutral_tile_above_the_age_cap(poster_app, images):
    base, _ = images
    ns = _setup(poster_app, base, {"aot": "/ok.jpg", "opm": "/missing"})
    _fill(poster_app)
    owner = make_user(poster_app, "owner", "owner")
    kid = make_user(poster_app, "kid", "member", age_cap=12)
    client = signed_in(poster_app, owner)
    stored = client.get(f"/posters/{ns.aot}")
    assert stored.status_code == 200 and stored.mimetype == "image/webp" and _size(stored.data) == (300, 450)
    assert "private" in stored.headers["Cache-Control"] and stored.headers.get("ETag")
    tile = client.get(f"/posters/{ns.opm}")
    assert tile.status_code == 200 and tile.mimetype == "image/svg+xml"
    assert "Ванпанчмен" in tile.get_data(as_text=True) and "<script" not in tile.get_data(as_text=True)
    assert client.get(f"/posters/{ns.html}").get_data(as_text=True).count("<script") == 0  # title escaped
    capped = signed_in(poster_app, kid).get(f"/posters/{ns.aot}")  # 16+ over the cap: a neutral tile
    assert capped.status_code == 200 and capped.mimetype == "image/svg+xml" and capped.data != stored.data
    assert "Атака" not in capped.get_data(as_text=True)
    assert poster_app.test_client().get(f"/posters/{ns.aot}").status_code in (302, 401)
    assert client.get("/posters/999999").status_code == 404


def test_pages_point_only_at_posters_on_this_box(poster_app, images):
    base, _ = images
    ns = _setup(poster_app, base, {"aot": "/ok.jpg"})
    client = signed_in(poster_app, make_user(poster_app, "owner", "owner"))
    for path in ("/", "/browse", f"/releases/{ns.aot}"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert base not in html, path
        assert f"/posters/{ns.aot}" in html, path
        assert "; img-src 'self' data:;" in response.headers["Content-Security-Policy"]


def test_the_demo_catalog_is_never_fetched(poster_app, images):
    from anihome.kodik import state
    from anihome.db import write_transaction

    base, server = images
    _setup(poster_app, base, {"aot": "/ok.jpg"})
    with poster_app.app_context(), poster_app.extensions["anihome.db"].connection_context():
        with write_transaction():
            state.put("kodik.demo", "2026-01-01")
    server.hits.clear()
    assert _fill(poster_app)["stored"] == 0 and server.hits == []


def _size(data: bytes) -> tuple[int, int]:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        return picture.size


def _stored_size(store, release_id) -> int:
    return sum(p.stat().st_size for p in store.root.rglob(f"{release_id}-*.webp"))


def test_a_small_poster_is_stored_as_webp_without_being_enlarged():
    from anihome.artwork.resize import shrink

    data, ext = shrink(PNG)
    assert ext == "webp" and _size(data) == (200, 300)


@pytest.mark.parametrize("data, reason", [(BOMB, "too-many-pixels"), (NEAR_BOMB, "too-many-pixels"),
                                          (BROKEN, "not-an-image"), (b"GIF89a" + b"\x00" * 20, "not-an-image")])
def test_bombs_and_broken_pictures_are_refused_before_they_are_stored(data, reason):
    from anihome.artwork.resize import shrink

    with pytest.raises(PosterRefused) as refused:
        shrink(data)
    assert refused.value.reason == reason


def test_the_job_refuses_a_decompression_bomb_and_a_broken_picture(poster_app, images):
    base, _ = images
    ns = _setup(poster_app, base, {"aot": "/bomb.png", "opm": "/broken.jpg", "star": "/near-bomb.png"})
    counts = _fill(poster_app)
    assert (counts["stored"], counts["refused"]) == (0, 3)
    store = poster_store(poster_app.config["ANIHOME_SETTINGS"])
    assert not list(store.root.rglob(f"{ns.aot}-*.webp"))
