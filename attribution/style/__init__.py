"""The style encoder's training and evaluation data: writers, topics, topic-controlled pairs."""
