"""``attribution serve``: the local web application for editors."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import Output, command_options, data_option


@click.command(short_help="Start the local web application.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback requires the access token this command prints.",
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 = any free port)."
)
@click.option(
    "--model",
    "model_dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="A saved attribution model folder, for 'Score an article'.",
)
@click.option(
    "--operators",
    default=None,
    metavar="CORPUS",
    help="Known operators' writing (corpus name or path with an author column), for 'Vet a byline'.",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="The cases database (SQLite); default $ATTRIBUTION_CASES_DB or ~/.local/share/attribution/cases.sqlite3.",
)
@click.option(
    "--max-upload-mb", default=20, show_default=True, type=click.IntRange(1, 1024), help="Largest upload, per file."
)
@click.option(
    "--max-documents",
    default=5000,
    show_default=True,
    type=click.IntRange(1),
    help="Most documents in one byline upload.",
)
@click.option("--seed", default=0, show_default=True, help="Seed for every random choice.")
@data_option
@command_options
def serve(
    out: Output,
    host: str,
    port: int,
    model_dir: str | None,
    operators: str | None,
    db_path: str | None,
    max_upload_mb: int,
    max_documents: int,
    seed: int,
    data_dir: str | None,
) -> None:
    """Start the local web application: score an article, vet a byline, keep the cases.

    It listens on 127.0.0.1 unless --host says otherwise; then every request needs the access
    token printed at start.

    Example: attribution serve --model models/federalist --port 8000
    """
    import socket

    import uvicorn

    from attribution.serve.app import create_app
    from attribution.serve.config import Limits, ServeConfig, default_db_path

    limits = Limits(
        max_upload_bytes=max_upload_mb * 1024**2,
        max_request_bytes=(2 * max_upload_mb + 5) * 1024**2,
        max_documents=max_documents,
    )
    config = ServeConfig(
        host=host,
        port=port,
        model_dir=Path(model_dir) if model_dir else None,
        operators=operators,
        data_dir=Path(data_dir) if data_dir else None,
        db_path=Path(db_path) if db_path else default_db_path(),
        limits=limits,
        seed=seed,
    )
    try:
        socket.getaddrinfo(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise click.BadParameter(
            f"{host!r} is not an address this computer can listen on ({exc})", param_hint="--host"
        ) from exc
    app = create_app(config)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    if config.needs_token:
        click.echo(f"attribution is listening on {url} (not loopback: every request needs the access token)")
        click.echo(f"Access token: {config.token}")
        click.echo(f"Open: {url}?token={config.token}")
    else:
        click.echo(f"attribution is listening on {url} (this computer only)")
    click.echo(f"Cases are saved in {config.db_path}")
    uvicorn.run(app, host=host, port=port, log_level="warning" if out.quiet else "info", access_log=out.verbose)
