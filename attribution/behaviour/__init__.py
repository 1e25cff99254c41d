"""Behaviour stage: posting-time shift patterns and coordination across accounts."""
