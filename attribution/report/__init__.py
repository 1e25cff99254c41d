"""Report stage: JSON, HTML and plots."""
