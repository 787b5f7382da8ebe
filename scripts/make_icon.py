#!/usr/bin/env python3
"""Draws the studio's icon, assets/icon.png (256 x 256): a ring of eight Gaussian
modes, as the 2-D lab shows them, over a soft heat map of the discriminator, the
generated points (purple) settling on the real ones (green). Standard library only."""
import math, os, struct, zlib

N = 256
modes = [(N / 2 + 78 * math.cos(2 * math.pi * k / 8), N / 2 + 78 * math.sin(2 * math.pi * k / 8)) for k in range(8)]

def pixel(x, y):
    # Rounded square: outside it, transparent.
    r, m = 46, 10
    cx, cy = min(max(x, m + r), N - m - r), min(max(y, m + r), N - m - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return (0, 0, 0, 0)
    d = min(math.hypot(x - mx, y - my) for mx, my in modes)
    heat = math.exp(-(d / 26) ** 2)
    base = (40, 30, 60)
    glow = (205, 175, 235)
    c = [int(b + (g - b) * heat) for b, g in zip(base, glow)]
    # A real point (green) at each mode, generated points (purple) around it.
    if d < 7:
        c = [60, 200, 90]
    for k, (mx, my) in enumerate(modes):
        for j in range(3):
            a = 2 * math.pi * (k * 3 + j) / 24
            px, py = mx + 15 * math.cos(a + k), my + 15 * math.sin(a + k)
            if math.hypot(x - px, y - py) < 4.5:
                c = [150, 60, 200]
    return (*c, 255)

rows = b"".join(b"\x00" + bytes(v for x in range(N) for v in pixel(x + 0.5, y + 0.5)) for y in range(N))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
out = os.path.join(os.path.dirname(__file__), "..", "assets", "icon.png")
open(out, "wb").write(png)
print(f"wrote {out} ({len(png)} bytes)")
