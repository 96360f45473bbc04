"""Build the offline world map outlines shipped in ``web/static/world-110m.json``.

Source: Natural Earth 1:110m admin-0 countries (public domain), as found in the
``naturalearth_lowres`` shapefile that geopandas 0.14 wheels carry
(``pip download geopandas==0.14.4 --no-deps`` then unzip). The shapefile and
dBASE readers below are minimal (polygon shapes only) so no GIS stack is needed.

Usage: ``python -m dragoman.web.build_outlines naturalearth_lowres.shp [out.json]``

Output: ``{"source": ..., "countries": {ISO3: {"name": str, "d": svg_path}}}`` with
coordinates already projected equirectangularly (x = lon + 180, y = 90 - lat).
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

TOLERANCE = 0.25  # degrees: Douglas-Peucker tolerance; 110m data needs little more


def read_dbf(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    num_records, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0", 1)[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(num_records):
        rec = data[header_len + i * record_len: header_len + (i + 1) * record_len]
        off = 1  # deletion flag
        row = {}
        for name, length in fields:
            row[name] = rec[off:off + length].decode("utf-8", "replace").strip()
            off += length
        rows.append(row)
    return rows


def read_polygons(path: Path) -> list[list[list[tuple[float, float]]]]:
    """Each record -> list of rings -> list of (lon, lat)."""
    data = path.read_bytes()
    pos = 100
    shapes = []
    while pos < len(data):
        _num, length = struct.unpack(">ii", data[pos:pos + 8])
        content = data[pos + 8: pos + 8 + length * 2]
        pos += 8 + length * 2
        shape_type = struct.unpack("<i", content[:4])[0]
        if shape_type not in (5, 15, 25):
            shapes.append([])
            continue
        num_parts, num_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{num_parts}i", content[44:44 + 4 * num_parts]))
        pts_off = 44 + 4 * num_parts
        coords = struct.unpack(f"<{2 * num_points}d", content[pts_off:pts_off + 16 * num_points])
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        bounds = parts + [num_points]
        shapes.append([points[bounds[k]:bounds[k + 1]] for k in range(num_parts)])
    return shapes


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Iterative Douglas-Peucker."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, idx = 0.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm else ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if d > best:
                best, idx = d, i
        if best > tol and idx > 0:
            keep[idx] = True
            stack.extend(((a, idx), (idx, b)))
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_path(ring: list[tuple[float, float]]) -> str:
    pts = simplify(ring, TOLERANCE)
    if len(pts) < 4:
        return ""
    coords = [f"{lon + 180:.1f} {90 - lat:.1f}" for lon, lat in pts[:-1]]
    return "M" + "L".join(coords) + "Z"


def build(shp: Path) -> dict:
    rows = read_dbf(shp.with_suffix(".dbf"))
    shapes = read_polygons(shp)
    countries: dict[str, dict[str, str]] = {}
    for row, rings in zip(rows, shapes, strict=True):
        iso = row.get("iso_a3") or row.get("ISO_A3") or ""
        name = row.get("name") or row.get("NAME") or iso
        if not iso or iso == "-99":
            iso = "X" + name[:2].upper()  # unrecognised territory: keep the shape, mark the code
        d = "".join(ring_path(r) for r in rings)
        if d:
            prev = countries.get(iso)
            countries[iso] = {"name": name, "d": (prev["d"] if prev else "") + d}
    return {
        "source": "Natural Earth 1:110m admin-0 countries (public domain), simplified by dragoman",
        "projection": "equirectangular: x = lon + 180, y = 90 - lat, viewBox 0 0 360 180",
        "countries": countries,
    }


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write(__doc__ or "")
        return 2
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).parent / "static" / "world-110m.json"
    out.write_text(json.dumps(build(Path(argv[0])), separators=(",", ":"), sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
