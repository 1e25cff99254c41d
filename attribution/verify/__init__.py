"""Verification: did this one candidate write this text?

``GeneralImpostors`` (Koppel & Winter 2014) compares the questioned text with the candidate's
known texts and with impostor texts by other writers over random halves of the features, and
turns the share of comparisons the candidate wins into a calibrated probability that may
abstain; ``verify_texts`` runs it on texts from the command line or a corpus. ``Unmasking``
(Koppel & Schler 2004) is a second view: how fast the accuracy of telling two texts apart drops
as the most telling features are removed.
"""

from attribution.verify.impostors import GeneralImpostors, verify_texts
from attribution.verify.unmasking import Unmasking

__all__ = ["GeneralImpostors", "Unmasking", "verify_texts"]
