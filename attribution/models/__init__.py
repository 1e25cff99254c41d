"""Model stage: attribution, verification, clustering and the composite test."""
