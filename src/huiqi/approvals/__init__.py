"""Approval: the rules again as of that day, the ceiling, no stacking against the database, the budget."""
