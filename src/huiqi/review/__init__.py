"""Review: the city's pre-review (初审) and the lead department's review, score and proposed amount."""
