"""The composite byline test: is this byline one writer or several, how many, and which posts are whose.

No candidate writers are needed: the byline's own documents are tested against a null of
single-writer bylines. ``test_composite`` (in ``article``) runs the test on articles and other
long documents (style clusters, a p-value from the reference null, the word view, operators);
it hands bylines of short posts to ``test_posts`` (in ``tweets``), the per-post writer model.
``run_publius`` (in ``publius``) runs the test on the Federalist papers' shared byline.
"""

from attribution.composite.article import CompositeResult, test_composite
from attribution.composite.publius import run_publius
from attribution.composite.tweets import test_posts

__all__ = ["CompositeResult", "run_publius", "test_composite", "test_posts"]
