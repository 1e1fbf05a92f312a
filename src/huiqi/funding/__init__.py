"""Funding: the year's budgets per measure, grants (approvals) drawn on them, and payments of grants."""
