"""The audit trail: every change of state, amount, budget, role or policy version, chained by hash."""
