"""Geometry for the server-rendered SVG charts (the templates draw it, escaped).

No JavaScript charting library: bars, lines, circles and paths are computed
here so the pages work offline and without inline script.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

QUAD_COLORS = {"1": "#4c9a2a", "2": "#1f6fb2", "3": "#e09b2d", "4": "#c0392b"}
QUAD_NAMES = {"1": "verbal cooperation", "2": "material cooperation", "3": "verbal conflict",
              "4": "material conflict"}


def type_colors() -> dict[str, str]:
    """One colour per PLOVER type: shades of its quad class's colour."""
    from dragoman.schema import PLOVER_TYPES, QUAD_CLASS

    out: dict[str, str] = {}
    seen: dict[int, int] = {}
    for t in PLOVER_TYPES:
        q = QUAD_CLASS[t]
        k = seen.get(q, 0)
        seen[q] = k + 1
        base = QUAD_COLORS[str(q)]
        r, g, b = (int(base[i:i + 2], 16) for i in (1, 3, 5))
        f = 0.18 * k  # lighter for each further type of the class (at most 0.72)
        out[t] = "#{:02x}{:02x}{:02x}".format(*(round(c + (255 - c) * f) for c in (r, g, b)))
    return out


TYPE_COLORS = type_colors()


def dyad_chart(series: list[dict[str, Any]], width: int = 860, height: int = 320, stack: str = "quad"
               ) -> dict[str, Any]:
    """Stacked bars of event counts per period by quad class (or by type), with the mean Goldstein
    line (-10..10)."""
    left, right, top, bottom = 48, 48, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(series), 1)
    max_count = max([s["count"] for s in series] or [1]) or 1
    step = plot_w / n
    bar_w = min(max(step * 0.8, 1.0), 48.0)
    bars, points, labels, dots = [], [], [], []
    every = max(1, math.ceil(n / 12))
    for i, s in enumerate(series):
        x = left + i * step + (step - bar_w) / 2
        y = top + plot_h
        if stack == "type":
            parts = [(s["types"].get(t, 0), TYPE_COLORS[t], t) for t in TYPE_COLORS]
        else:
            parts = [(s["quad"].get(q, 0), QUAD_COLORS[q], QUAD_NAMES[q]) for q in ("1", "2", "3", "4")]
        for c, color, name in parts:
            if not c:
                continue
            h = plot_h * c / max_count
            y -= h
            bars.append({"x": round(x, 2), "y": round(y, 2), "w": round(bar_w, 2), "h": round(h, 2),
                         "fill": color, "title": f"{s['period']}: {c} {name}"})
        if s.get("goldstein_mean") is not None:
            gy = top + plot_h * (10 - s["goldstein_mean"]) / 20
            points.append(f"{left + i * step + step / 2:.2f},{gy:.2f}")
            dots.append({"cx": round(left + i * step + step / 2, 2), "cy": round(gy, 2),
                         "title": f"{s['period']}: mean Goldstein {s['goldstein_mean']}"})
        if i % every == 0:
            labels.append({"x": round(left + i * step + step / 2, 2), "y": top + plot_h + 16, "text": s["period"]})
    y_ticks = []
    for k in range(5):
        v = round(max_count * k / 4)
        y_ticks.append({"y": round(top + plot_h - plot_h * v / max_count, 2), "text": str(v)})
    g_ticks = [{"y": round(top + plot_h * (10 - g) / 20, 2), "text": str(g)} for g in (10, 5, 0, -5, -10)]
    return {"width": width, "height": height, "left": left, "right": width - right, "top": top,
            "bottom": top + plot_h, "bars": bars, "line": " ".join(points), "labels": labels, "dots": dots,
            "y_ticks": y_ticks, "g_ticks": g_ticks, "zero_y": round(top + plot_h / 2, 2)}


def network_layout(edges: list[dict[str, Any]], size: int = 640) -> dict[str, Any]:
    """Circular layout: nodes ordered by total weight, directed edges as curved paths."""
    weight: dict[str, int] = {}
    for e in edges:
        weight[e["source"]] = weight.get(e["source"], 0) + e["weight"]
        weight[e["target"]] = weight.get(e["target"], 0) + e["weight"]
    order = sorted(weight, key=lambda k: (-weight[k], k))
    cx = cy = size / 2
    radius = size / 2 - 60
    pos: dict[str, tuple[float, float]] = {}
    radii: dict[str, float] = {}
    nodes = []
    max_w = max(weight.values() or [1])
    for i, name in enumerate(order):
        angle = 2 * math.pi * i / max(len(order), 1) - math.pi / 2
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        pos[name] = (x, y)
        lx, ly = cx + (radius + 26) * math.cos(angle), cy + (radius + 26) * math.sin(angle)
        radii[name] = 4 + 10 * math.sqrt(weight[name] / max_w)
        nodes.append({"id": name, "x": round(x, 2), "y": round(y, 2), "r": round(radii[name], 2),
                      "lx": round(lx, 2), "ly": round(ly, 2), "weight": weight[name]})
    max_e = max([e["weight"] for e in edges] or [1])
    out_edges = []
    for e in edges:
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        # Bend each edge to the right of its direction so A->B and B->A stay apart.
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = x2 - x1, y2 - y1
        bend = 0.15
        qx, qy = mx - dy * bend, my + dx * bend
        # Stop the curve at the target's rim so the arrow head stays visible.
        tx, ty = x2 - qx, y2 - qy
        norm = math.hypot(tx, ty) or 1.0
        back = radii[e["target"]] + 2
        x2, y2 = x2 - tx / norm * back, y2 - ty / norm * back
        g = e.get("goldstein")
        color = "#4c9a2a" if g is not None and g > 1 else "#c0392b" if g is not None and g < -1 else "#777"
        out_edges.append({"d": f"M{x1:.1f} {y1:.1f} Q{qx:.1f} {qy:.1f} {x2:.1f} {y2:.1f}",
                          "w": round(0.8 + 5 * e["weight"] / max_e, 2), "color": color,
                          "title": f"{e['source']} → {e['target']}: {e['weight']} events, mean Goldstein {g}",
                          "source": e["source"], "target": e["target"], "weight": e["weight"]})
    return {"size": size, "nodes": nodes, "edges": out_edges}


@lru_cache(maxsize=1)
def world_outlines() -> dict[str, dict[str, str]]:
    """Country outlines shipped with the package (see ``build_outlines``); empty if missing."""
    try:
        raw = (resources.files("dragoman.web") / "static" / "world-110m.json").read_text(encoding="utf-8")
        return json.loads(raw)["countries"]
    except (OSError, ValueError, KeyError):
        return {}


def map_layers(points: list[dict[str, Any]], country_counts: dict[str, int]) -> dict[str, Any]:
    """Equirectangular map in a 360x180 viewBox: shaded countries and proportional circles."""
    outlines = world_outlines()
    max_c = max(country_counts.values() or [1])
    countries = []
    for iso, shape in outlines.items():
        n = country_counts.get(iso, 0)
        shade = 0 if not n else 1 + int(4 * math.sqrt(n / max_c))
        countries.append({"iso": iso, "d": shape["d"], "title": f"{shape['name']} ({iso}): {n} events",
                          "shade": min(shade, 5)})
    max_p = max([p["events"] for p in points] or [1])
    circles = [{"cx": round(p["lon"] + 180, 2), "cy": round(90 - p["lat"], 2),
                "r": round(0.6 + 3.5 * math.sqrt(p["events"] / max_p), 2),
                "title": f"{p['name'] or '?'} ({p['country'] or '?'}): {p['events']} events"} for p in points]
    graticule = [{"x1": x, "y1": 0, "x2": x, "y2": 180} for x in range(0, 361, 30)]
    graticule += [{"x1": 0, "y1": y, "x2": 360, "y2": y} for y in range(0, 181, 30)]
    return {"countries": countries, "circles": circles, "graticule": graticule, "has_outlines": bool(outlines)}


def fill_periods(series: list[dict[str, Any]], period: str, max_points: int = 1500) -> list[dict[str, Any]]:
    """Insert empty periods between the first and last so the time axis is regular."""
    if len(series) < 2:
        return series
    from datetime import date, timedelta

    def step(d: date) -> date:
        if period == "day":
            return d + timedelta(days=1)
        if period == "week":
            return d + timedelta(days=7)
        months = {"month": 1, "quarter": 3, "year": 12}[period]
        m = d.month - 1 + months
        return date(d.year + m // 12, m % 12 + 1, 1)

    have = {s["period"]: s for s in series}
    out = []
    d, end = date.fromisoformat(series[0]["period"]), date.fromisoformat(series[-1]["period"])
    while d <= end:
        key = d.isoformat()
        out.append(have.get(key) or {"period": key, "count": 0, "goldstein_sum": 0.0, "goldstein_mean": None,
                                     "quad": {"1": 0, "2": 0, "3": 0, "4": 0}, "types": {}})
        if len(out) > max_points:
            return series  # too long to draw densely: keep the non-empty periods only
        d = step(d)
    return out
