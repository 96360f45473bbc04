"""CLI commands: web (``dragoman serve``)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""

    @app.command("serve")
    def serve(
        db: Path = typer.Option(Path("dragoman.duckdb"), "--db", help="Store file (DuckDB) to serve."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
        max_body: int = typer.Option(2 * 1024 * 1024, "--max-body", min=1024,
                                     help="Largest request body accepted, in bytes (413 above)."),
        idle_close: float = typer.Option(10.0, "--idle-close", min=0.0,
                                         help="Release the database file after this many idle seconds, so "
                                              "`dragoman ingest` can write meanwhile (0: keep it open)."),
    ) -> None:
        """Serve the web app and HTTP API over a store (read-only except ingest requests)."""
        from rich.console import Console

        console = Console(stderr=True)
        if not db.exists():
            console.print(f"[red]error[/red] [E430] {db}: no such database file (create it with `dragoman ingest`)")
            raise typer.Exit(2)
        import uvicorn

        from dragoman.web import create_app

        if host not in ("127.0.0.1", "localhost", "::1"):
            console.print(f"[yellow]warning[/yellow] binding {host}: the app has no authentication; "
                          "anyone who reaches this address can read the store and add documents.")
        console.print(f"Dragoman serving {db} on http://{host}:{port}/ (Ctrl-C stops)")
        uvicorn.run(create_app(db, max_body=max_body, idle_close=idle_close or None), host=host, port=port,
                    log_level="warning", server_header=False)
