"""The policy catalogue: every version of every policy, drafted, gated, published, superseded or withdrawn."""

# One policy file at most, in UTF-8 bytes: 1 MB, some 350,000 Chinese characters (the shipped one is 40 KB). Bytes, not
# characters: what a request carries is counted in bytes (web.limits gives the catalogue's forms room for this).
MAX_BYTES = 1024 * 1024
