"""Reference tables shipped with the product: industries, places, identity codes.

Sources are cited in ``reference/data/README.md``.
"""
