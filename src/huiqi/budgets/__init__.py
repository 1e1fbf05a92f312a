"""Budgets: finance sets a yearly amount per measure; approvals draw on it, never past it."""
