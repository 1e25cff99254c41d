"""Run the CLI as ``python -m attribution``."""

from attribution.cli import main

main()
