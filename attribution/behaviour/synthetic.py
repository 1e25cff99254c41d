"""Seeded synthetic posting times with known truth: office shifts and organic daily rhythms.

The generators are deliberately not the fitted models: office workers arrive and leave with
day-to-day jitter, take a lunch break at a jittered time, work an occasional weekend and post
a little from home; organic posters wake and sleep at jittered times around a personal
chronotype, post more as the day goes on and sleep in at weekends.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

DAY = 86400
#: 2016-01-04 00:00 UTC, a Monday.
EPOCH = 1451865600


@dataclass(frozen=True)
class OfficeSchedule:
    """An office shift in local hours."""

    start: float = 9.0
    end: float = 18.0
    lunch: float | None = 13.0


def _poisson_times(rng: np.random.Generator, begin: float, finish: float, rate: float) -> np.ndarray:
    """Uniform event times (hours) of a Poisson process with ``rate`` per hour on [begin, finish)."""
    if finish <= begin:
        return np.empty(0)
    count = rng.poisson(rate * (finish - begin))
    return rng.uniform(begin, finish, count)


def simulate_office(
    rng: np.random.Generator,
    *,
    offset: int,
    n_posts: int,
    schedule: OfficeSchedule = OfficeSchedule(),
    start_day: int = 0,
) -> np.ndarray:
    """UTC seconds of an account posting on an office schedule at UTC ``offset`` hours."""
    hours = max(schedule.end - schedule.start - (1.0 if schedule.lunch is not None else 0.0), 1.0)
    n_days = max(int(np.ceil(n_posts / (4.0 * hours) * 7 / 5)), 14)
    rate = n_posts / (n_days * 5 / 7 * hours)
    times = []
    for day in range(n_days):
        weekday = (start_day + day) % 7
        working = (weekday < 5 and rng.random() > 0.03) or (weekday >= 5 and rng.random() < 0.08)
        if not working:
            continue
        arrive = schedule.start + rng.normal(0, 0.25)
        leave = schedule.end + rng.normal(0, 0.25)
        day_times = _poisson_times(rng, arrive, leave, rate)
        if schedule.lunch is not None:
            lunch = schedule.lunch + rng.normal(0, 0.2)
            in_lunch = (day_times >= lunch) & (day_times < lunch + 1)
            day_times = day_times[~in_lunch | (rng.random(len(day_times)) < 0.15)]
        times.append(day * 24 + day_times)
    local = np.concatenate(times) if times else np.empty(0)
    # A little posting from home at any hour.
    home = rng.uniform(0, n_days * 24, rng.poisson(0.03 * len(local)))
    local = np.sort(np.concatenate([local, home]))
    return _to_utc(local, offset, start_day)


def simulate_organic(rng: np.random.Generator, *, offset: int, n_posts: int, start_day: int = 0) -> np.ndarray:
    """UTC seconds of a person posting on their own daily rhythm at UTC ``offset`` hours."""
    chronotype = rng.normal(0, 0.5)
    n_days = max(int(np.ceil(n_posts / (0.8 * 6.0))), 14)
    rate = n_posts / (n_days * 0.8 * 16.0)
    times = []
    for day in range(n_days):
        if rng.random() > 0.8:
            continue
        late = 1.0 if (start_day + day) % 7 >= 5 else 0.0
        wake = 7.5 + chronotype + late + rng.normal(0, 0.75)
        sleep = 23.5 + chronotype + 0.5 * late + rng.normal(0, 0.75)
        day_times = _poisson_times(rng, wake, sleep, 2 * rate)
        # Thin so the rate rises linearly from a third to all of its peak by bedtime.
        keep = rng.random(len(day_times)) < (1 / 3 + 2 / 3 * (day_times - wake) / max(sleep - wake, 1))
        times.append(day * 24 + day_times[keep])
    local = np.sort(np.concatenate(times)) if times else np.empty(0)
    return _to_utc(local, offset, start_day)


def _to_utc(local_hours: np.ndarray, offset: int, start_day: int) -> np.ndarray:
    return (EPOCH + start_day * DAY + np.round((local_hours - offset) * 3600)).astype(np.int64)


def simulate_accounts(
    n_accounts: int,
    *,
    seed: int = 0,
    office_share: float = 0.5,
    posts: tuple[int, int] = (50, 3000),
    offsets: tuple[int, int] = (-10, 10),
    schedules: tuple[OfficeSchedule, ...] = (
        OfficeSchedule(9, 18, 13),
        OfficeSchedule(9, 17, 13),
        OfficeSchedule(9, 19, 13),
        OfficeSchedule(9, 21, 13),
        OfficeSchedule(9, 18, None),
    ),
) -> list[dict]:
    """Accounts with known truth: ``{"account", "kind", "offset", "schedule", "seconds"}``.

    Post counts are log-uniform in ``posts``; offsets uniform integers in ``offsets``.
    """
    rng = np.random.default_rng(seed)
    accounts = []
    for index in range(n_accounts):
        kind = "office" if rng.random() < office_share else "organic"
        offset = int(rng.integers(offsets[0], offsets[1] + 1))
        n_posts = int(np.exp(rng.uniform(np.log(posts[0]), np.log(posts[1]))))
        start_day = int(rng.integers(0, 365))
        if kind == "office":
            schedule = schedules[int(rng.integers(len(schedules)))]
            seconds = simulate_office(rng, offset=offset, n_posts=n_posts, schedule=schedule, start_day=start_day)
        else:
            schedule = None
            seconds = simulate_organic(rng, offset=offset, n_posts=n_posts, start_day=start_day)
        accounts.append(
            {
                "account": f"synthetic-{index:05d}",
                "kind": kind,
                "offset": offset,
                "schedule": None if schedule is None else asdict(schedule),
                "seconds": seconds,
            }
        )
    return accounts
