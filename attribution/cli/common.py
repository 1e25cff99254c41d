"""What every command shares: output options, logging, progress bars and error handling."""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

from attribution.cli import bars
from attribution.errors import AttributionError, ConfigError, InsufficientEvidenceError
from attribution.report.jsonio import dumps

T = TypeVar("T")

#: Exit codes, documented in the README and in every command's help.
EXIT_OK, EXIT_FINDING, EXIT_USAGE = 0, 1, 2
EXIT_CODES_HELP = """

    \b
    Exit codes: 0 ok; 1 no finding (unreadable input, no usable documents,
    not enough evidence, bad model file); 2 usage error.
"""


class Output:
    """Options every command takes, resolved once."""

    def __init__(self, as_json: bool, quiet: bool, verbose: bool):
        self.as_json = as_json
        self.quiet = quiet
        self.verbose = verbose
        self._bars = None if quiet or not bars.stderr_is_terminal() else bars.Bars()

    def progress(self, items: Iterable[T], *, desc: str = "", total: int | None = None) -> Iterator[T]:
        """A bar on stderr when it is a terminal and not ``--quiet`` (the library's ``ProgressFactory``)."""
        if self._bars is None:
            return iter(items)
        return self._bars.track(items, desc=desc, total=total)

    def step(self, desc: str) -> contextlib.AbstractContextManager:
        """A spinner with the time spent, for a step without a count (same rules as ``progress``)."""
        return contextlib.nullcontext() if self._bars is None else self._bars.step(desc)

    def written(self, paths: Iterable[str]) -> None:
        """Name each written file on stdout (in text mode; the JSON carries them under ``written``)."""
        if not self.as_json:
            for path in paths:
                click.echo(f"wrote {path}")

    def emit(self, result: Any, text: str | Callable[[], str] | None = None) -> None:
        """Print ``result`` as one JSON object with ``--json``, else the human text."""
        if self.as_json:
            click.echo(dumps(result))
        elif text is not None:
            click.echo(text() if callable(text) else text)
        else:
            click.echo(dumps(result))


def _configure_logging(quiet: bool, verbose: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("datasets", "urllib3", "httpx", "filelock", "sentence_transformers", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def command_options(func: Callable) -> Callable:
    """Add ``--json/--quiet/--verbose``, pass ``out: Output``, and turn library errors into exits."""

    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout; logs go to stderr.")
    @click.option("--quiet", "-q", is_flag=True, help="Only warnings and errors on stderr; no progress bars.")
    @click.option("--verbose", "-v", is_flag=True, help="Debug logging on stderr.")
    @functools.wraps(func)
    def wrapper(*args: Any, as_json: bool, quiet: bool, verbose: bool, **kwargs: Any) -> Any:
        _configure_logging(quiet, verbose)
        if quiet or as_json or not bars.stderr_is_terminal():
            import datasets

            datasets.disable_progress_bars()
        out = Output(as_json, quiet, verbose)
        try:
            return func(*args, out=out, **kwargs)
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from exc
        except InsufficientEvidenceError as exc:
            click.echo(f"Not enough evidence: {exc}", err=True)
            sys.exit(exc.exit_code)
        except AttributionError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)

    wrapper.__doc__ = (func.__doc__ or "").rstrip() + EXIT_CODES_HELP
    return wrapper


def data_option(func: Callable) -> Callable:
    """``--data DIR``: the shared corpora folder (else ``$ATTRIBUTION_DATA``)."""
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False),
        default=None,
        help="Folder with the shared corpora (c50/, tweets/); defaults to $ATTRIBUTION_DATA.",
    )(func)


def corpus_argument(func: Callable) -> Callable:
    """The ``CORPUS`` argument (name, path or ``hf:NAME``) with its column-mapping options."""
    options: list[Callable[[Callable], Callable]] = [
        click.argument("corpus_spec", metavar="CORPUS"),
        click.option("--text-col", default=None, help="Column with the text (default: text, content, body …)."),
        click.option("--author-col", default=None, help="Column with the true author, when known."),
        click.option("--byline-col", default=None, help="Column with the published byline / account."),
        click.option("--time-col", default=None, help="Column with the time stamp."),
        click.option("--kind", type=click.Choice(["article", "tweet"]), default=None, help="Kind of every row."),
        click.option(
            "--time-zone",
            default=None,
            help="Zone of time stamps that name none, e.g. Europe/Moscow (default: read as UTC, with a warning).",
        ),
        data_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def load_from_options(
    corpus_spec: str,
    text_col: str | None = None,
    author_col: str | None = None,
    byline_col: str | None = None,
    time_col: str | None = None,
    kind: str | None = None,
    data_dir: str | None = None,
    time_zone: str | None = None,
    keep_in_meta: tuple[str, ...] = (),
):
    """Load the corpus named by ``corpus_argument``'s options; fail when no row is usable.
    ``keep_in_meta``: file columns a command reads from ``meta`` even when they feed a field."""
    from attribution.corpus import ColumnMap, load_corpus
    from attribution.errors import CorpusError

    columns = ColumnMap(text=text_col, author=author_col, byline=byline_col, time=time_col)
    loaded = load_corpus(
        corpus_spec, data_dir=data_dir, columns=columns, kind=kind, time_zone=time_zone, keep_in_meta=keep_in_meta
    )
    if len(loaded) == 0:
        problems = "; ".join(str(p) for p in loaded.report.problems[:5])
        raise CorpusError(f"no usable documents ({loaded.report.rows_read} rows read). {problems}", path=corpus_spec)
    return loaded
