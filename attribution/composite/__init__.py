"""The composite byline test: is this byline one writer or several, how many, and which posts are whose."""
