"""Read the shipped CSV tables once."""

import csv
from functools import cache
from importlib import resources


@cache
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``reference/data/<name>.csv`` as dicts, in file order."""
    text = resources.files("huiqi.reference").joinpath("data", f"{name}.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))
