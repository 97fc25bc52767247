"""Poster resizing (anihome/artwork/resize.py): time per poster and disk saved.

Posters like Kodik's (JPEG, 600-1000 px wide, 2:3, photo-like detail: a gradient under
noise and shapes) are generated with a fixed seed, then each is shrunk to the stored card
size; the baseline (stored as fetched) costs no time and keeps every byte.
Run: python3 bench/poster_resize_bench.py [--count 60]
"""
from __future__ import annotations

import argparse
import io
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def poster(rng: random.Random) -> bytes:
    from PIL import Image, ImageDraw, ImageFilter

    width = rng.choice((600, 700, 800, 1000))
    size = (width, width * 3 // 2)
    base = Image.merge("RGB", [Image.linear_gradient("L").resize(size).rotate(rng.randint(0, 359))
                               for _ in range(3)])
    noise = Image.effect_noise(size, rng.randint(20, 60)).convert("RGB")
    image = Image.blend(base, noise, 0.35)
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.ellipse((x, y, x + rng.randint(20, 200), y + rng.randint(20, 200)),
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=60)
    args = parser.parse_args()
    from anihome.artwork.resize import shrink

    rng = random.Random(5)
    posters = [poster(rng) for _ in range(args.count)]
    shrink(posters[0])  # warm-up: Pillow's plugins load once
    times, before, after = [], 0, 0
    for data in posters:
        start = time.perf_counter()
        small, _ = shrink(data)
        times.append((time.perf_counter() - start) * 1000)
        before += len(data)
        after += len(small)
    times.sort()
    imported = subprocess.run([sys.executable, "-X", "importtime", "-c", "import PIL.Image"],
                              capture_output=True, text=True).stderr.strip().splitlines()[-1]
    print(f"posters: {args.count}, as fetched {before / args.count / 1024:.0f} KiB each, "
          f"stored {after / args.count / 1024:.1f} KiB each ({100 * (1 - after / before):.0f}% saved)")
    print(f"shrink per poster: p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * .95) - 1]:.1f} ms, "
          f"max {times[-1]:.1f} ms; baseline (stored as fetched): 0 ms")
    print(f"import PIL.Image (cumulative us, last line of -X importtime): {imported}")


if __name__ == "__main__":
    main()
