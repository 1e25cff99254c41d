"""``bench first-use``: what a new user's first commands cost, run as that user runs them.

Each step is a subprocess of the real command line (``python -m attribution ... --json -q``),
timed from start to exit, with its peak resident memory read from the kernel's accounting of
that child (``wait4``'s ``ru_maxrss``). The steps follow the bundled Federalist case: train the
README's model, score a disputed paper, verify it against Madison, and the composite test of
"Publius" with the undisputed papers as operators. When the data folder holds the IRA tweets,
a tweet byline of 500 posts from two accounts is tested too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from attribution.corpus import load_corpus
from attribution.progress import ProgressFactory, no_progress

#: The disputed paper scored and verified (No. 51, "Checks and Balances").
DISPUTED_PAPER = "federalist-51"
OPERATORS = ("Hamilton", "Madison", "Jay")
#: The tweet byline: this many posts, half from each of two accounts with at least as many.
TWEETS, ACCOUNTS = 500, 2


#: Forks and execs the step from a small process and writes the step's rusage: a child forked
#: straight from this (large) process would count this process's pages as its own peak.
LAUNCHER = (
    "import json, os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execv(sys.argv[2], sys.argv[2:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(json.dumps({'maxrss_kb': usage.ru_maxrss}))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def measure(args: list[str], workdir: Path) -> dict[str, Any]:
    """Run ``attribution ARGS`` as a child process; its seconds, peak RSS, exit code and JSON."""
    stdout, stderr, usage = workdir / "stdout.txt", workdir / "stderr.txt", workdir / "rusage.json"
    # No data folder reaches the child: each step runs as it would after a plain install.
    env = {**{k: v for k, v in os.environ.items() if k != "ATTRIBUTION_DATA"}, "PYTHONHASHSEED": "0"}
    command = [sys.executable, "-c", LAUNCHER, str(usage), sys.executable, "-m", "attribution", *args]
    start = time.perf_counter()
    with stdout.open("wb") as out, stderr.open("wb") as err:
        exit_code = subprocess.run(command, stdout=out, stderr=err, env=env, check=False).returncode
    seconds = time.perf_counter() - start
    try:
        output = json.loads(stdout.read_text())
    except json.JSONDecodeError:
        output = None
    return {
        "command": "attribution " + " ".join(args),
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(json.loads(usage.read_text())["maxrss_kb"] / 1024, 1),  # Linux reports KiB
        "exit_code": exit_code,
        "stderr_tail": stderr.read_text(errors="replace")[-400:] if exit_code not in (0, 1) else "",
        "output": output,
    }


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _tweet_byline(data_dir: Path, folder: Path, seed: int) -> Path | None:
    """500 real IRA posts of two persona accounts (seeded choice) as a user's CSV, or ``None``."""
    import pandas as pd

    parquet = data_dir / "tweets" / "ira_english.parquet"
    if not parquet.is_file():
        return None
    frame = pd.read_parquet(parquet, columns=["author", "account_category", "content", "publish_date"])
    frame = frame[frame["account_category"].isin(["RightTroll", "LeftTroll"])]
    counts = frame["author"].value_counts()
    eligible = sorted(counts[counts >= TWEETS // ACCOUNTS].index)
    chosen = list(np.random.default_rng(seed).choice(eligible, ACCOUNTS, replace=False))
    rows = (
        frame[frame["author"].isin(chosen)]
        .sort_values(["author", "publish_date"])
        .groupby("author")
        .head(TWEETS // ACCOUNTS)
    )
    table = pd.DataFrame(
        {
            "text": rows["content"].to_numpy(),
            "posted_at": rows["publish_date"].astype(str).to_numpy(),
            "byline": "the byline",
            "account": rows["author"].to_numpy(),
        }
    )
    path = folder / "tweet-byline.csv"
    table.to_csv(path, index=False)
    return path


def _summary(name: str, output: Any) -> dict[str, Any]:
    """The few answers worth keeping beside the cost of each step."""
    if not isinstance(output, dict):
        return {}
    if name == "train":
        return {"classes": output.get("classes"), "texts": output.get("training", {}).get("texts")}
    if name in ("score", "verify"):
        row = (output.get("results") or [{}])[0]
        return {k: row.get(k) for k in ("prediction", "verdict", "same_author_probability") if k in row}
    verdict = output.get("verdict") or {}
    return {"verdict": verdict.get("level"), "n_documents": output.get("n_documents")}


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Time and measure each first-use step, none given a data folder (what a plain install has);
    the data folder only supplies the tweet step's posts, which is skipped without it."""
    from attribution.corpora import resolve_data_dir
    from attribution.errors import CorpusError

    try:
        data: Path | None = resolve_data_dir(data_dir, need="tweets")
    except CorpusError:
        data = None
    papers = load_corpus("federalist").dataset
    with tempfile.TemporaryDirectory(prefix="first-use-") as tmp:
        folder = Path(tmp)
        paper = folder / f"{DISPUTED_PAPER}.txt"
        paper.write_text(papers[papers["id"].index(DISPUTED_PAPER)]["text"], encoding="utf-8")
        operators = _write_jsonl(
            folder / "operators.jsonl",
            [{"id": r["id"], "text": r["text"], "author": r["author"]} for r in papers if r["author"] in OPERATORS],
        )
        model = folder / "model"
        steps = {
            "train": ["train", "federalist", "--out", str(model)],
            "score": ["score", str(paper), "--model", str(model)],
            "verify": ["verify", str(paper), "--candidate-corpus", "federalist", "--candidate", "Madison"],
            "composite": ["composite", "federalist", "--operators", str(operators)],
        }
        tweets = None if data is None else _tweet_byline(data, folder, seed)
        if tweets is not None:
            steps["composite_tweets"] = ["composite", str(tweets)]
        results = {}
        for name in progress(list(steps), desc="first-use steps"):
            measured = measure(
                [*steps[name], "--seed", str(seed), "--json", "-q"]
                if name != "score"
                else [*steps[name], "--json", "-q"],
                folder,
            )
            measured["answer"] = _summary(name, measured.pop("output"))
            results[name] = measured
    return {
        "steps": results,
        "tweet_byline": None if tweets is None else {"posts": TWEETS, "accounts": ACCOUNTS},
        "peak_rss_mb_max": max(r["peak_rss_mb"] for r in results.values()),
        "seconds_total": round(sum(r["seconds"] for r in results.values()), 1),
    }
