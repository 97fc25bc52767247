"""Shrink a fetched poster to card size before it is stored.

Kodik's posters are often 600-1000 px wide; cards show them at most 240 px wide (2x on dense
screens at 300 px is plenty), so a stored copy is resized to ``POSTER_WIDTH`` and written as
WebP. Pillow is imported here only, when the poster job runs, never by the serving process
at start-up. Decoding is bounded: a picture announcing more than ``MAX_PIXELS`` pixels (a
"decompression bomb": a few kilobytes that unpack to gigabytes) is refused before it is
decoded, and anything Pillow cannot read as a JPEG, PNG, GIF or WebP is refused too.
"""
from __future__ import annotations

import io
import warnings

from .fetch import PosterRefused

POSTER_WIDTH = 300
MAX_PIXELS = 25_000_000  # 5000 x 5000: far above any real poster, far below a bomb
FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
QUALITY = 80


def shrink(data: bytes, width: int = POSTER_WIDTH) -> tuple[bytes, str]:
    """``data`` as a WebP at most ``width`` px wide (aspect kept; never enlarged); raises
    ``PosterRefused`` for a bomb or an unreadable picture."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as picture:
                if picture.width * picture.height > MAX_PIXELS:
                    raise PosterRefused("too-many-pixels", f"{picture.width}x{picture.height}")
                picture.draft("RGB", (width, width * 4))  # JPEG: decode at a smaller scale, much faster
                picture.load()
                image = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PosterRefused("too-many-pixels", type(exc).__name__) from None
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's answers to a broken file
        raise PosterRefused("not-an-image", type(exc).__name__) from None
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=QUALITY, method=4)
    return out.getvalue(), "webp"


def _has_alpha(picture) -> bool:
    return picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
