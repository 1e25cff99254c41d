"""Every registered command, present and future, has a help page with an example and the shared options."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from attribution.cli import COMMANDS, main


def _walk(command: click.Command, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], click.Command]]:
    """(path, command) for ``command`` and, for a group, everything under it."""
    found = [(path, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            found += _walk(command.get_command(ctx, name), (*path, name))
    return found


def _all_commands() -> list[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(main)
    found = []
    for name in sorted(COMMANDS):
        command = main.get_command(ctx, name)
        assert command is not None, f"COMMANDS[{name!r}] = {COMMANDS[name]!r} does not resolve to a command"
        found += _walk(command, (name,))
    return found


ALL = _all_commands()


def test_every_registered_command_is_listed():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    for name in COMMANDS:
        assert name in result.output
    assert "Example:" in result.output and "Exit codes" in result.output


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=[" ".join(p) for p, _ in ALL])
def test_help_shows_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"`attribution {' '.join(path)} --help` has no 'Example:' line"
    example = next(line for line in result.output.splitlines() if "Example:" in line)
    assert f"attribution {path[0]}" in example, f"the example should show the command: {example!r}"


LEAVES = [(p, c) for p, c in ALL if not isinstance(c, click.Group)]


@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=[" ".join(p) for p, _ in LEAVES])
def test_leaf_commands_share_output_options_and_exit_codes(path):
    command = dict(LEAVES)[path]
    flags = {flag for param in command.params for flag in getattr(param, "opts", [])}
    missing = {"--json", "--quiet", "--verbose"} - flags
    assert not missing, f"`attribution {' '.join(path)}` lacks {sorted(missing)}: use cli.common.command_options"
    result = CliRunner().invoke(main, [*path, "--help"])
    assert "Exit codes: 0 ok" in result.output


def test_unknown_option_is_a_usage_error():
    path = LEAVES[0][0]
    result = CliRunner().invoke(main, [*path, "--no-such-option"])
    assert result.exit_code == 2


def test_command_list_describes_every_command_in_full():
    """`attribution --help` lists each command with a whole description, not a cut-off "Score FILE…"."""
    result = CliRunner().invoke(main, ["--help"], terminal_width=100)
    listing = result.output.split("Commands:", 1)[1]
    for name in COMMANDS:
        line = next(line for line in listing.splitlines() if line.split()[:1] == [name])
        description = line.split(None, 1)[1]
        assert not description.endswith("..."), f"`{name}` is listed cut off: {line.strip()!r}"
        assert len(description.split()) >= 4, f"`{name}` is listed as {description!r}: say what it does"


@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=[" ".join(p) for p, _ in LEAVES])
def test_help_names_only_metavars_the_command_has(path):
    """An upper-case NAME_LIKE_THIS in the help is an argument or option metavar of that command."""
    command = dict(LEAVES)[path]
    ctx = click.Context(command, info_name=path[-1])
    metavars = {param.make_metavar(ctx).rstrip(".").strip("[]") for param in command.params}
    metavars |= {str(getattr(param, "metavar", "") or "") for param in command.params}
    result = CliRunner().invoke(main, [*path, "--help"])
    named = set(re.findall(r"(?<![$\w])[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", result.output))  # not $ENV_VARS
    assert named <= metavars, (
        f"`attribution {' '.join(path)} --help` names {sorted(named - metavars)}, not its metavars"
    )
