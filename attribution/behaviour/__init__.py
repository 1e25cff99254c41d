"""Behaviour stage: posting-time shift patterns and coordination across accounts."""

from attribution.behaviour.coordination import analyse_coordination
from attribution.behaviour.profile import WEEKDAYS, posting_profile
from attribution.behaviour.schedules import byline_schedules, compare_cluster_schedules
from attribution.behaviour.shifts import SchedulePrior, ShiftPatternModel, analyse_shifts

__all__ = [
    "WEEKDAYS",
    "SchedulePrior",
    "ShiftPatternModel",
    "analyse_coordination",
    "analyse_shifts",
    "byline_schedules",
    "compare_cluster_schedules",
    "posting_profile",
]
