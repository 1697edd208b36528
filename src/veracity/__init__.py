"""veracity: explainable credibility signals for news articles.

veracity scores credibility *signals* (attribution, opinion, loaded language,
style), not truth: a high probability of "unreliable" means the article reads
like the unreliable articles of the training corpora.
"""

#: The one place the version is written (pyproject.toml reads it; CHANGELOG.md says what changed).
__version__ = "0.2.0"
