"""Attribution: who, of a set of known writers, wrote this text, or none of them.

``AuthorClassifier`` learns the candidates from their known texts (linear SVMs over the feature
families, logistic regression, or the stylo baselines Burrows' Delta, Cosine Delta and nearest
shrunken centroid) and answers with calibrated probabilities and, on an open set, "unknown".
``subsample_votes`` (in ``stability``) refits a model on subsamples to show how much an answer
hangs on a few training texts; ``save_model`` / ``load_model`` keep a fitted model as a folder,
never as a pickle.
"""

from attribution.attribute.classifier import AuthorClassifier, score_texts
from attribution.attribute.persistence import load_model, save_model

__all__ = ["AuthorClassifier", "load_model", "save_model", "score_texts"]
