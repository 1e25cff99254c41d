"""attribution: stylometric and behavioural persona attribution.

The data path is ``corpus`` (load, validate, group) -> ``features`` -> ``models`` -> ``report``;
``cli`` is a thin shell over it.
"""

__version__ = "0.1.0"
