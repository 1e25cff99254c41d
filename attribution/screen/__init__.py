"""Screening a whole release: a cheap calibrated statistic per account, behaviour, a coordination graph.

The pipeline (``screen_corpus``): per-account tasks (``account.screen_account``) run in this
process or on Dask workers (``executor``), their rows stream to Parquet part files (``store``);
then the account graph (``graph``) and the full composite test on flagged accounts (``cascade``).
"""

from attribution.screen.calibration import Calibration, load_calibration
from attribution.screen.executor import open_client
from attribution.screen.run import posts_for_screen, screen_corpus
from attribution.screen.statistic import screen_statistic

__all__ = ["Calibration", "load_calibration", "open_client", "posts_for_screen", "screen_corpus", "screen_statistic"]
