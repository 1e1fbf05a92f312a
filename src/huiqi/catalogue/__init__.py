"""The policy catalogue: every version of every policy, drafted, gated, published, superseded or withdrawn."""
