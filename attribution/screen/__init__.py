"""Screening a whole release: a cheap calibrated statistic per account, behaviour, a coordination graph.

The pipeline (``screen_corpus``): per-account tasks (``account.screen_account``) run in this
process or on Dask workers (``executor``), their rows stream to Parquet part files (``store``);
then the account graph (``graph``) and the full composite test on flagged accounts (``cascade``).
"""
