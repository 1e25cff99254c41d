"""Feature stage: stylometric, syntactic and embedding transformers, cached."""
