"""Dyad-period aggregates: the panels analysts build (counts by type and quad class, Goldstein)."""

from __future__ import annotations

from typing import Any

import duckdb

from dragoman.errors import StoreError
from dragoman.schema import PLOVER_TYPES
from dragoman.store.filters import EventFilter

PERIODS = ("day", "week", "month", "year")
QUAD_NAMES = {1: "verbal_coop", 2: "material_coop", 3: "verbal_conflict", 4: "material_conflict"}


def dyads(con: duckdb.DuckDBPyConnection, *, by: str = "month", filters: EventFilter | None = None,
          side: str = "country", level: str = "events") -> list[dict[str, Any]]:
    """One row per directed dyad (actor -> recipient) and period.

    ``side`` = "country" (ISO3 of each participant) or "code" (full actor code); compound
    participants give one dyad per actor x recipient pair; a missing side is "-".
    ``level`` = "events" counts deduplicated events, "mentions" counts reports.
    Weeks start on Monday; a period is named by its first day.
    """
    if by not in PERIODS:
        raise StoreError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}", code="E307")
    if side not in ("country", "code"):
        raise StoreError(f"unknown dyad side {side!r}; use country or code", code="E307")
    if level not in ("events", "mentions"):
        raise StoreError(f"unknown level {level!r}; use events or mentions", code="E307")
    filters = filters or EventFilter()
    table = "events" if level == "events" else "mentions"
    where, params = filters.where("e", level)
    col = "countries" if side == "country" else "codes"
    counts = [f"count(*) FILTER (WHERE quad_class = {q}) AS {name}" for q, name in QUAD_NAMES.items()]
    counts += [f"count(*) FILTER (WHERE type = '{t}') AS {t.lower()}" for t in PLOVER_TYPES]
    pair_filter = []
    pair_params: list = []
    for name, value in (("a", filters.actor), ("r", filters.recipient)):
        if value:
            value = value.upper()
            pair_filter.append(f"({name} = ? OR {name} = ?)")
            pair_params += [value, value[:3] if side == "country" else value]
    sql = f"""
        WITH base AS (
            SELECT CAST(date_trunc('{by}', e.date) AS DATE) AS period, e.type, e.quad_class, e.goldstein,
                   CASE WHEN len(e.actor_{col}) = 0 THEN ['-'] ELSE e.actor_{col} END AS a_list,
                   CASE WHEN len(e.recipient_{col}) = 0 THEN ['-'] ELSE e.recipient_{col} END AS r_list
            FROM {table} e WHERE e.date IS NOT NULL AND {where}
        ), one_side AS (
            SELECT period, type, quad_class, goldstein, unnest(a_list) AS a, r_list FROM base
        ), pairs AS (
            SELECT period, type, quad_class, goldstein, a, unnest(r_list) AS r FROM one_side
        )
        SELECT a AS actor, r AS recipient, period, count(*) AS events, {', '.join(counts)},
               round(sum(goldstein), 3) AS goldstein_sum, round(avg(goldstein), 3) AS goldstein_mean
        FROM pairs WHERE {' AND '.join(pair_filter) or 'TRUE'}
        GROUP BY a, r, period ORDER BY a, r, period
    """
    cur = con.execute(sql, [*params, *pair_params])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def plot_dyads(rows: list[dict[str, Any]], path: str, *, top: int = 6, title: str | None = None) -> None:
    """Line chart of event counts per period for the ``top`` busiest dyads (Agg backend, PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    totals: dict[tuple[str, str], int] = {}
    for r in rows:
        totals[(r["actor"], r["recipient"])] = totals.get((r["actor"], r["recipient"]), 0) + r["events"]
    chosen = sorted(totals, key=lambda k: (-totals[k], k))[:top]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for key in chosen:
        pts = sorted((r["period"], r["events"]) for r in rows if (r["actor"], r["recipient"]) == key)
        ax.plot([p for p, _ in pts], [n for _, n in pts], marker="o", label=f"{key[0]} → {key[1]}")
    ax.set_ylabel("events")
    ax.set_title(title or "Events per dyad")
    if chosen:
        ax.legend(fontsize="small")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
