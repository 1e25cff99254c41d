"""``attribution shifts``: posting-time profiles and office-schedule fits per account."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, corpus_argument, load_from_options


def _format(result: dict) -> str:
    from attribution.behaviour.shifts import PROFILE_CUT

    lines = []
    for entry in result["accounts"]:
        if entry["status"] != "ok":
            lines.append(f"{entry['account']}: {entry['n_posts']} posts, too few for a shift model")
            continue
        schedule = entry["office_schedule_utc"]
        lo, hi = entry["offset_interval"]
        # Office hours describe an office fit only; an organic account has no office to report.
        hours = (
            f"office hours {schedule['start']:02d}-{schedule['end']:02d} UTC, " if entry["model"] == "office" else ""
        )
        line = (
            f"{entry['account']}: {entry['n_posts']} posts, {entry['model']} "
            f"(office score {entry['office_score']:+.1f}), offset {entry['offset_label']} "
            f"[{lo:+d}..{hi:+d}], {hours}"
            f"{entry['volume']['posts_per_day_max']} posts on the busiest day"
        )
        if "claim" in entry:
            claim = entry["claim"]
            verdict = (
                "consistent"
                if claim["consistent"]
                else f"INCONSISTENT (log-posterior {claim['mismatch']:.1f} below the best offset, cut {PROFILE_CUT})"
            )
            line += f"; claimed {claim['claimed_tz']}: {verdict}"
        lines.append(line)
    summary = result["summary"]
    lines.append(
        f"{summary['fitted']} of {summary['accounts']} accounts fitted, {summary['office']} on an office schedule"
    )
    return "\n".join(lines)


@click.command(short_help="Posting schedules: office hours and shifts.")
@corpus_argument
@click.option("--account", default=None, help="Only this byline / account.")
@click.option(
    "--claimed-tz", default=None, help="Claimed zone to test: IANA name (America/New_York) or offset (UTC-5)."
)
@click.option("--min-posts", default=30, show_default=True, help="Fewer time-stamped posts than this: no fit.")
@command_options
def shifts(out: Output, account: str | None, claimed_tz: str | None, min_posts: int, **options) -> None:
    """Hour x weekday profiles, office vs organic schedule, likely UTC offset per account.

    Example: attribution shifts senate --data ../shared/corpora --account SenAlexander --claimed-tz America/New_York
    """
    from attribution.behaviour import analyse_shifts

    loaded = load_from_options(**options)
    result = analyse_shifts(
        loaded.dataset, account=account, claimed_tz=claimed_tz, min_posts=min_posts, progress=out.progress
    )
    out.emit(result, lambda: _format(result))
