"""The ``attribution`` command group: thin commands over library functions.

Commands are imported lazily so ``attribution --help`` and ``score`` start fast.
"""

from __future__ import annotations

import importlib
import os

import click

from attribution import __version__

# Offline by default on machines without a network: a hub name fails fast, never hangs.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

#: command name -> "module:attribute" under attribution.cli
COMMANDS = {
    "corpus": "corpus:corpus",
    "bench": "bench:bench",
    "demo": "demo:demo",
    "serve": "serve:serve",
    "shifts": "shifts:shifts",
    "coordination": "coordination:coordination",
    "features": "features:features",
    "report": "report:report",
    "composite": "composite:composite",
    "train": "train:train",
    "score": "score:score",
    "verify": "verify:verify",
    "screen": "screen:screen",
    "train-style-encoder": "style:train_style_encoder",
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when it is run or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        module = importlib.import_module(f"attribution.cli.{module_name}")
        return getattr(module, attribute)

    def invoke(self, ctx: click.Context):
        """Run the command; a NUL byte in an argument (click's path check raises) is a usage error."""
        try:
            return super().invoke(ctx)
        except ValueError as exc:
            if "null byte" not in str(exc):
                raise
            raise click.UsageError("an argument contains a NUL byte", ctx=ctx) from exc


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="attribution")
def main() -> None:
    """Persona attribution: who wrote it, did one person write these, is this byline a team.

    Every command takes --json (one JSON object on stdout, logs on stderr), --quiet and
    --verbose, and shows an example in its --help.

    Example: attribution demo

    \b
    Exit codes: 0 ok; 1 no finding (unreadable input, no usable documents,
    not enough evidence, bad model file); 2 usage error.
    """
