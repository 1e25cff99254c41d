"""Behaviour stage: posting-time shift patterns and coordination across accounts."""

from attribution.behaviour.coordination import analyse_coordination
from attribution.behaviour.profile import WEEKDAYS, posting_profile
from attribution.behaviour.schedules import compare_cluster_schedules
from attribution.behaviour.shifts import SchedulePrior, ShiftPatternModel, analyse_shifts

__all__ = [
    "WEEKDAYS",
    "SchedulePrior",
    "ShiftPatternModel",
    "analyse_coordination",
    "analyse_shifts",
    "compare_cluster_schedules",
    "posting_profile",
]
