"""Signing in: browser sessions (cookie), bearer tokens for machine clients, and the failure limit."""
