"""The policy files shipped with the product, and the shared vocabulary of matter codes."""
