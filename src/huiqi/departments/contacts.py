"""Where objections to a 公示 go: each department's phone, address and mail, as data
(``departments/data/objection_contacts.csv``; the shipped rows name the departments only: their phone, address and
mail are filled in at deployment, and a 公示 shows what is filled in)."""

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Contact:
    department: str
    phone: str
    address: str
    mail: str


@cache
def objection_contacts() -> dict[str, Contact]:
    """Each department's objection contact, by the department's name."""
    text = resources.files("huiqi.departments").joinpath("data", "objection_contacts.csv").read_text("utf-8")
    return {row["department"]: Contact(**row) for row in csv.DictReader(text.splitlines())}
