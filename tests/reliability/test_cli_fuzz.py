"""A fuzz pass over the command line: garbage arguments never give a traceback, exit codes are
0, 1 or 2 only. And determinism: the same input and seed give byte-identical JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution.cli import COMMANDS, main
from attribution.corpus import load_corpus

#: Commands that are run for real with whatever arguments are drawn. The others start servers,
#: train, or load spaCy and the embedding model (tens of CPU seconds per example): they are
#: fuzzed on their argument parsing only, which is where garbage arguments land anyway.
RUN = {"corpus", "report", "composite", "shifts", "coordination"}

GARBAGE = st.sampled_from(
    [
        "",
        "-",
        "--",
        "---x",
        "--json",
        "--quiet",
        "-v",
        "--seed",
        "-1",
        "nan",
        "1e309",
        "\x00",
        "../../etc/passwd",
        "é",
        "💥",
        "'; DROP TABLE",
        "%s%n",
        "{}",
        "[",
        "--help",
        "hf:",
        "hf:x/y",
        "--data",
        "/nonexistent",
        "0",
        "9" * 40,
    ]
)


def _options(command: click.Command) -> list[str]:
    names = []
    for param in getattr(command, "params", []):
        names.extend(getattr(param, "opts", []))
    return names


def _walk(
    group: click.Group, ctx: click.Context, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        path = (*prefix, name)
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_walk(command, ctx, path))
    return found


COMMAND_PATHS = _walk(main, click.Context(main))


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "tiny.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {"id": f"d{i}", "text": f"Text number {i} with <b>some</b> words.", "author": "A" if i % 2 else "B"}
            )
            + "\n"
            for i in range(4)
        ),
        encoding="utf-8",
    )
    return path


def _assert_clean_exit(result, args) -> None:
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "Traceback" not in result.output, args


@given(data=st.data())
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_arguments_never_crash(data, tiny_corpus, tmp_path):
    path, command = data.draw(st.sampled_from(COMMAND_PATHS), label="command")
    vocabulary = GARBAGE | st.sampled_from(_options(command) or ["--json"]) | st.just(str(tiny_corpus))
    drawn = data.draw(st.lists(vocabulary, max_size=6), label="args")
    # Commands outside RUN must fail parsing before anything runs: the bad option goes first, so
    # no option can take it as its value (``serve --host --no-such-option`` would try to listen).
    args = list(path) + ([] if path[0] in RUN else ["--no-such-option"]) + drawn
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path):  # any file a command writes lands here
        result = runner.invoke(main, args, catch_exceptions=True, env={"ATTRIBUTION_CACHE": str(tmp_path)})
    _assert_clean_exit(result, args)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["--version"],
        ["nope"],
        ["corpus"],
        ["corpus", "info"],
        ["corpus", "info", "/nonexistent.csv"],
        ["corpus", "info", "--kind", "poem", "x"],
    ],
)
def test_fixed_bad_invocations(args):
    result = CliRunner().invoke(main, args)
    _assert_clean_exit(result, args)
    if args[-1:] == ["/nonexistent.csv"]:
        assert result.exit_code == 1 and "no such file or folder" in result.stderr


def test_bad_time_zone_is_a_usage_error(tiny_corpus):
    result = CliRunner().invoke(main, ["corpus", "info", str(tiny_corpus), "--time-zone", "Mars/Olympus"])
    assert result.exit_code == 2
    assert "unknown time zone 'Mars/Olympus'" in result.output


def test_every_command_is_fuzzed():
    assert {p[0] for p, _ in COMMAND_PATHS} == set(COMMANDS)


# --- Determinism ----------------------------------------------------------------------------


def _messy_corpus(path: Path) -> Path:
    rows = [
        {
            "id": "a",
            "text": "The committee met on Tuesday and agreed on the budget.",
            "user": "x",
            "created_at": "2015-05-28T18:40:59Z",
        },
        {
            "id": "b",
            "text": "The committee met on Tuesday and agreed on the budget.",
            "user": "y",
            "created_at": "2015-05-28 19:00",
        },
        {
            "id": "c",
            "text": "Die Regierung hat am Dienstag beschlossen, dass der Haushalt nicht vor dem Ende kommt.",
            "user": "x",
            "created_at": "2015-05-29T09:00:00+02:00",
        },
        {"id": "d", "text": "", "user": "y", "created_at": "bad"},
        {"id": "a", "text": "A second row with the id a, and an extra field.", "user": "x", "mood": 3.5},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_corpus_info_json_is_byte_identical_across_runs_and_processes(tmp_path):
    corpus = _messy_corpus(tmp_path / "messy.jsonl")
    args = ["corpus", "info", str(corpus), "--json"]
    first = CliRunner().invoke(main, args)
    second = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    env = {**os.environ, "PYTHONHASHSEED": "123"}  # a different hash seed must not matter
    other = subprocess.run([sys.executable, "-m", "attribution", *args], capture_output=True, text=True, env=env)
    assert other.returncode == 0, other.stderr
    assert other.stdout == first.stdout
    load = json.loads(first.stdout)["load"]
    assert load["problem_counts"] == {
        "columns": 1,
        "duplicate": 1,
        "duplicate id": 1,
        "empty text": 1,
        "language": 1,
        "missing time stamp": 1,
        "timezone": 2,
    }


def _tweet_slice(data_dir, path: Path, n: int = 1500) -> Path:
    import pyarrow.parquet as pq

    table = pq.read_table(data_dir / "tweets" / "ira_english.parquet", columns=["content", "author", "publish_date"])
    pq.write_table(table.slice(200_000, n), path)
    return path


@pytest.mark.slow
def test_features_and_shifts_json_and_outputs_are_byte_identical(tmp_path, data_dir):
    tweets = _tweet_slice(data_dir, tmp_path / "tweets.parquet")
    papers = load_corpus("federalist").dataset.select(range(20)).to_pandas()[["id", "text", "author"]]
    articles = tmp_path / "papers.jsonl"
    papers.to_json(articles, orient="records", lines=True)
    runs = []
    for attempt in range(2):
        out = tmp_path / f"features-{attempt}.parquet"
        features = CliRunner().invoke(
            main, ["features", str(articles), "--config", "light", "--out", str(out), "--json"]
        )
        shifts = CliRunner().invoke(
            main,
            [
                "shifts",
                str(tweets),
                "--text-col",
                "content",
                "--byline-col",
                "author",
                "--time-col",
                "publish_date",
                "--min-posts",
                "20",
                "--json",
            ],
        )
        assert features.exit_code == 0 and shifts.exit_code == 0, features.output + shifts.output
        runs.append((features.stdout.replace(str(out), "OUT"), out.read_bytes(), shifts.stdout))
    assert runs[0] == runs[1]
    assert json.loads(runs[0][2])["summary"]["fitted"] > 0


def test_nul_byte_in_a_path_argument_is_a_usage_error():
    """Found by the fuzz pass: click's path check raised ValueError on a NUL byte."""
    result = CliRunner().invoke(main, ["report", "\x00"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "NUL byte" in result.output
