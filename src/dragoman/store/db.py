"""Opening the DuckDB file: clear errors for locks and bad paths, schema migrations.

DuckDB allows one writing process per file (it holds an OS file lock); a second
process gets an ``IOException`` naming the holder's PID, which we translate into
``StoreError`` E303 instead of letting a traceback through.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import duckdb

from dragoman.errors import StoreError

# Version 1 is schema.sql; each migrations/NNN_*.sql file brings the store to version NNN.
_MIGRATION_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def _migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every migration shipped with the package, in order."""
    found = []
    folder = resources.files("dragoman.store") / "migrations"
    for entry in folder.iterdir():
        match = _MIGRATION_RE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    versions = [v for v, _, _ in _migrations()]
    return max([1, *versions])


def _split_sql(sql: str) -> list[str]:
    # Our DDL files hold no semicolons inside strings, so splitting is safe.
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [stmt.strip() for stmt in "\n".join(lines).split(";") if stmt.strip()]


def connect(path: str | os.PathLike[str], *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and for writers, create and migrate) the store at ``path``."""
    p = Path(path)
    where = str(p)
    if str(path) != ":memory:":
        if read_only and not p.exists():
            raise StoreError("no such database file", where=where, code="E301")
        if not p.parent.exists():
            raise StoreError(f"directory {p.parent} does not exist", where=where, code="E301")
        if not read_only and (
            (p.exists() and not os.access(p, os.W_OK)) or (not p.exists() and not os.access(p.parent, os.W_OK))
        ):
            raise StoreError("database path is not writable (use a read-only command or another --db)",
                             where=where, code="E302")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as err:
        raise translate_io_error(err, where) from err
    except duckdb.Error as err:
        raise StoreError(f"cannot open database: {err}", where=where, code="E300") from err
    try:
        if read_only:
            check_version(con, where)
        else:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def translate_io_error(err: Exception, where: str) -> StoreError:
    text = str(err)
    pid = re.search(r"PID (\d+)", text)
    if "lock" in text.lower():
        holder = f" (pid {pid.group(1)})" if pid else ""
        return StoreError(f"database is locked by another dragoman process{holder}; wait for it to finish "
                          "or use another --db", where=where, code="E303")
    if "Permission denied" in text or "Read-only" in text or "read-only" in text:
        return StoreError(f"database path is not writable: {text}", where=where, code="E302")
    return StoreError(f"cannot open database: {text}", where=where, code="E300")


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    # fetchall, not fetchone: DuckDB 2 refuses con.sql() while a result is left unfinished.
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'"
    ).fetchall()[0][0]
    if not has_meta:
        return None
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else None


def check_version(con: duckdb.DuckDBPyConnection, where: str) -> None:
    version = schema_version(con)
    if version is None:
        raise StoreError("not a dragoman store (no meta.schema_version)", where=where, code="E304")
    if version > latest_version():
        raise StoreError(f"store has schema version {version}, newer than this dragoman "
                         f"(knows up to {latest_version()}); upgrade dragoman", where=where, code="E304")


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Create the version-1 tables if needed and apply pending migrations, each in one transaction."""
    version = schema_version(con)
    if version is not None and version > latest_version():
        raise StoreError(f"store has schema version {version}, newer than this dragoman", code="E304")
    if version is None:
        base = (resources.files("dragoman.store") / "schema.sql").read_text(encoding="utf-8")
        con.execute("BEGIN TRANSACTION")
        for stmt in _split_sql(base):
            con.execute(stmt)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '1')")
        con.execute("COMMIT")
        version = 1
    for number, name, sql in _migrations():
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for stmt in _split_sql(sql):
                con.execute(stmt)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)])
            con.execute("COMMIT")
        except duckdb.Error as err:
            con.execute("ROLLBACK")
            raise StoreError(f"migration {name} failed: {err}", code="E305") from err
        version = number
    return version
