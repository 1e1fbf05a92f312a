"""Narrowing a list of applications: by a word (the applicant's name, its credit code, the matter's key or kind, the
measure's title or 措施N, or the application's number), a policy's measure, the applicant's city and the round; the
same on the list pages, the review queue, their Excel exports and the API. Each value is checked and a wrong one is
named by its Chinese label."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, String, and_, cast, or_, select

from huiqi.errors import InputError
from huiqi.models import ApplicantProfile, Application, Matter
from huiqi.reference import divisions
from huiqi.validation import digits, keyword, spellings

MOST_TEXT = 50
MEASURE_NUMBER = re.compile(r"^措施\s*(\d{1,3})$")  # 措施3, as the lists cite a measure


@dataclass(frozen=True)
class Filters:
    text: str | None = None  # part of the applicant's name (any version of it), credit code, matter or measure, or #12
    policy_id: str | None = None
    measure: int | None = None  # with its policy
    city: str | None = None
    round_id: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.text, self.policy_id, self.city, self.round_id))

    def narrow(self, query: Select, titles: Mapping[tuple[str, int], str] | None = None,
               kinds: Mapping[str, str] | None = None) -> Select:
        """``query`` narrowed; the word also finds the measures whose title (``titles``, by policy and number) holds
        it, and the matters whose key, or the name of one of whose kinds (``kinds``, by code), holds it."""
        number = self.text[1:] if self.text and self.text.startswith("#") else None
        if number is not None:  # #12: the application numbered 12 (as the lists show it)
            query = query.where(Application.id == (int(number) if digits(number) and len(number) <= 9 else 0))
        elif self.text:
            named = select(ApplicantProfile.applicant_id).where(
                or_(*(ApplicantProfile.name.contains(word, autoescape=True) for word in spellings(self.text))))
            found = [Application.applicant_id.in_(named),
                     Application.uscc.contains(self.text.upper(), autoescape=True),
                     Application.matter_id.in_(select(Matter.id).where(or_(*_matters(self.text, kinds or {})))),
                     *(and_(Application.policy_id == p, Application.measure == n)
                       for p, n in measures_named(self.text, titles or {}))]
            if digits(self.text) and len(self.text) <= 9:
                found.append(Application.id == int(self.text))
            query = query.where(or_(*found))
        if self.policy_id is not None:
            query = query.where(Application.policy_id == self.policy_id)
        if self.measure is not None:
            query = query.where(Application.measure == self.measure)
        if self.city is not None:
            query = query.where(Application.city == self.city)
        if self.round_id is not None:
            query = query.where(Application.round_id == self.round_id)
        return query

    def params(self) -> dict[str, str]:
        """The filters as the pages' query string carries them (for the export and the next page)."""
        found = {"q": self.text, "measure": f"{self.policy_id}/{self.measure}" if self.measure is not None
                 else self.policy_id, "city": self.city, "round": str(self.round_id) if self.round_id else None}
        return {k: v for k, v in found.items() if v}

    def query_string(self, **more: str | None) -> str:
        given = {**self.params(), **{k: v for k, v in more.items() if v}}
        return f"?{urlencode(given)}" if given else ""


def measures_named(word: str, titles: Mapping[tuple[str, int], str]) -> list[tuple[str, int]]:
    """The measures (policy, number) a word names: 措施3 (the number, in every policy), or part of a title.

    >>> titles = {("p", 3): "培育中小企业", ("p", 11): "推动智能制造", ("q", 3): "支持智能终端"}
    >>> measures_named("智能", titles), measures_named("措施 3", titles), measures_named("措施1", titles)
    ([('p', 11), ('q', 3)], [('p', 3), ('q', 3)], [])
    """
    number = MEASURE_NUMBER.match(word)
    if number is not None:
        return [key for key in titles if key[1] == int(number[1])]
    return [key for key, title in titles.items() if word in title]


def _matters(word: str, kinds: Mapping[str, str]) -> list[ColumnElement[bool]]:
    """Matters whose key holds the word (any case), or one of whose codes is a kind whose name holds it."""
    codes = [code for code, name in kinds.items() if word in name]
    # a code is an identifier kept in a JSON list: "little_giant" with its quotes matches that code alone
    return [Matter.key.icontains(word, autoescape=True),
            *(cast(Matter.codes, String).contains(f'"{code}"', autoescape=True) for code in codes)]


def read(text: str | None = None, measure: str | None = None, city: str | None = None,
         round_id: str | None = None) -> Filters:
    """Filters from what a form or a query string gave (blank is no filter): ``measure`` is ``policy/number`` or a
    policy alone. A wrong value is refused, named by its label."""
    found, problems = checked(text, measure, city, round_id)
    if problems:
        raise InputError(problems)
    return found


def checked(text: str | None = None, measure: str | None = None, city: str | None = None,
            round_id: str | None = None) -> tuple[Filters, list[tuple[str, str]]]:
    """The filters that were right, and what is wrong with the others (label, reason): for a page that says so
    beside its filters rather than giving way to an error page."""
    problems = []
    text = keyword(text or "") or None  # ＃３ and ９１２１… as typed with a Chinese input method
    if text is not None and (len(text) > MOST_TEXT or any(ord(c) < 32 for c in text)):
        problems.append(("关键词", f"不超过 {MOST_TEXT} 个字，且不含控制字符"))
        text = None
    policy_id, number = None, None
    if measure and measure.strip():
        policy_id, _, given = measure.strip().partition("/")
        if given and not (digits(given) and len(given) <= 3):
            problems.append(("措施", "应为“政策编号/措施序号”，请从列表中选择"))
        number = int(given) if given and digits(given) and len(given) <= 3 else None
        if not policy_id or len(policy_id) > 40:
            problems.append(("措施", "请从列表中选择政策或措施"))
            policy_id, number = None, None
    city = (city or "").strip() or None
    if city is not None and city not in divisions.cities():
        problems.append(("所在市", "请从列表中选择"))
        city = None
    found_round = None
    if round_id and round_id.strip():
        if not digits(round_id.strip()) or len(round_id.strip()) > 9:
            problems.append(("申报批次", "请从列表中选择"))
        else:
            found_round = int(round_id.strip())
    return Filters(text, policy_id or None, number, city, found_round), problems
