"""The README's walk-through, run exactly as written: every command a user copies must work."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
SECTION = "## Five-minute walk-through"


def walkthrough_commands(readme: str) -> list[str]:
    """The lines of the fenced bash blocks between the walk-through heading and the next section."""
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    section = readme[start : end if end != -1 else None]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_walkthrough_is_found_and_non_trivial():
    commands = walkthrough_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(commands) >= 8
    assert any(c.startswith("attribution demo") for c in commands)
    assert any(c.startswith("attribution score") for c in commands)


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "c50").is_dir(), reason="needs ../shared/corpora")
def test_readme_walkthrough_runs_as_written(tmp_path):
    # A checkout-shaped folder: the bundled corpora at ./corpora, the shared ones at ../shared/corpora.
    repo = tmp_path / "checkout"
    shutil.copytree(ROOT / "corpora" / "federalist", repo / "corpora" / "federalist")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "corpora").symlink_to(SHARED)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HF_HUB_OFFLINE": "1",
        "ATTRIBUTION_DATA": str(tmp_path / "shared" / "corpora"),
    }
    outputs = {}
    for command in walkthrough_commands((ROOT / "README.md").read_text(encoding="utf-8")):
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command], cwd=repo, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"README step failed ({done.returncode}): {command}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr, command
        outputs[command] = done.stdout
    assert (repo / "demo-output" / "publius-report.html").stat().st_size > 10_000
    assert (repo / "publius.html").stat().st_size > 10_000
    assert (repo / "models" / "federalist" / "config.json").is_file()
    scored = next(out for cmd, out in outputs.items() if cmd.startswith("attribution score"))
    # The twelve disputed papers are scored and Madison leads for most of them (the consensus).
    leaders = re.findall(r"^\s+[01]\.\d+\s+(\w+)$", scored, flags=re.MULTILINE)[::3]
    assert len(leaders) == 12 and leaders.count("MADISON") >= 9, scored
    shifts = next(out for cmd, out in outputs.items() if cmd.startswith("attribution shifts"))
    assert "SenAlexander" in shifts and "consistent" in shifts


def test_readme_links_point_at_files_that_exist():
    # mkdocs --strict checks the links inside docs/; the README sits outside the site.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme) if "://" not in t]
    assert len(targets) >= 10
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert not missing, missing
