"""Digests the audit events carry of records too long to copy into them, so that ``verify`` can tell a later
change: a whitelist version's entries (the list as a whole, and one entry when it changes).

The services record them with their events; the replay computes them again from the rows and compares. One
definition for both, so that the two can never drift apart.
"""

import hashlib
import json
from collections.abc import Iterable
from typing import Any, Protocol


class Entry(Protocol):
    """A whitelist entry as the digest reads it (a row of ``whitelist_entries``, or a query's row of its columns)."""

    id: int
    applicant_id: int
    uscc: str
    name: str
    region: str
    industry: str
    included: bool
    reason: str | None


def entry_line(entry: Entry) -> bytes:
    """One entry as the digest takes it: every field, in a fixed order, as canonical JSON.

    >>> from types import SimpleNamespace as Row
    >>> entry_line(Row(id=7, applicant_id=3, uscc="X", name="甲", region="210102", industry="6513", included=True,
    ...                reason=None))
    b'[7,3,"X","\\xe7\\x94\\xb2","210102","6513",true,null]'
    """
    fields: list[Any] = [entry.id, entry.applicant_id, entry.uscc, entry.name, entry.region, entry.industry,
                         bool(entry.included), entry.reason]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_digest(entry: Entry) -> str:
    """The SHA-256 of one entry."""
    return hashlib.sha256(entry_line(entry)).hexdigest()


class Entries:
    """The digest of a version's entries, fed one entry at a time in id order (``add``), with how many it lists and
    how many are included."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.listed = 0
        self.included = 0

    def add(self, entry: Entry) -> None:
        self._hash.update(entry_line(entry) + b"\n")
        self.listed += 1
        self.included += bool(entry.included)

    def said(self) -> dict[str, Any]:
        """What an event records of the entries: their digest and counts."""
        return {"digest": self._hash.hexdigest(), "listed": self.listed, "included": self.included}


def entries_said(entries: Iterable[Entry]) -> dict[str, Any]:
    """``Entries.said`` of a version's entries (given in id order)."""
    digest = Entries()
    for entry in sorted(entries, key=lambda e: e.id):
        digest.add(entry)
    return digest.said()
