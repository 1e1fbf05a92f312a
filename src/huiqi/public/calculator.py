"""The calculator's form: its fields to a case (money typed in 万元, kept in whole yuan) and back.

Field names are ``applicant-<fact>`` and ``matters-<i>-<fact>``; an empty field is a fact not given.
"""

import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData

from huiqi.errors import InputError
from huiqi.money import parse_wan
from huiqi.reference.divisions import chosen_region
from huiqi.rules.case import Case
from huiqi.rules.facts import APPLICANT_FIELDS, CHOICES, FACTS, MATTER_FIELDS, MONEY_FIELDS, Fact
from huiqi.rules.loader import vocabulary
from huiqi.rules.policy import GROUPS, CodeInfo, Policy
from huiqi.rules.questions import levels_accepted
from huiqi.validation import ascii_digits, collect, control_reason, event_after, kept

BOOLEANS = {"true": True, "false": False}
MATTER_KEY = re.compile(r"^matters-(\d+)-")
MAX_MATTERS = 30
MOST_TEXT = 200  # the longest text a calculator's box keeps (a unit's name, as ``rules.case`` bounds it)


def yes_no(text: str, field: str) -> bool:
    """A 是/否 select's value; a value the select does not offer (a forged form) is refused in words, not in the
    values' own names.

    >>> yes_no("true", "applicant.above_scale")
    True
    >>> yes_no("maybe", "applicant.above_scale")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: applicant.above_scale：请选择“是”或“否”（不清楚的可不填）
    """
    if text not in BOOLEANS:
        raise InputError([(field, "请选择“是”或“否”（不清楚的可不填）")])
    return BOOLEANS[text]


def picked(name: str, text: str, field: str) -> str:
    """A select's value among the fact's choices; another (a forged form) is refused naming the choices by their
    Chinese labels, never by the values' own names.

    >>> picked("size", "huge", "applicant.size")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: applicant.size：请从所列选项中选择（大型、中型、小型、微型）
    """
    labels = CHOICES[name]
    if text not in labels:
        raise InputError([(field, f"请从所列选项中选择（{'、'.join(labels.values())}）")])
    return text


def _value(name: str, raw: list[str], field: str, problems: list[tuple[str, str]] | None = None) -> Any:
    """A fact as the form gives it: None when blank; a sum in 万元 as yuan (when ``problems`` is given, a sum that
    is not one is added to it and read as blank, so the form's other mistakes are found too)."""
    values = [v.strip() for v in raw if v.strip()]
    if not values:
        return None
    if name == "codes":
        return values
    text = values[0]
    if name in MONEY_FIELDS:
        return collect(problems, parse_wan, text, field)
    if FACTS[name].type == "bool":
        return collect(problems, yes_no, text, field)
    if name in CHOICES:
        return collect(problems, picked, name, text, field)
    return text if name == "name" else ascii_digits(text)  # a code or a date typed with full-width digits


def matter_rows(form: FormData) -> list[int]:
    """The indices of the matter rows a form holds (at most ``MAX_MATTERS``), or [0] for an empty form."""
    return sorted({int(m.group(1)) for key in form if (m := MATTER_KEY.match(key))})[:MAX_MATTERS] or [0]


def case_from_form(form: FormData, codes: dict[str, CodeInfo] | None = None,
                   problems: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """The case a calculator form describes; rows without codes are left out. A sum that is not one is added to
    ``problems`` when given (else refused at once)."""
    applicant = {}
    for name in APPLICANT_FIELDS:
        value = _value(name, form.getlist(f"applicant-{name}"), f"applicant.{name}", problems)
        if value is not None:
            applicant[name] = value
    region = collect(problems, region_from, form, "applicant-city", "applicant-region", "applicant.region")
    applicant.pop("region", None)
    if region:
        applicant["region"] = region
    matters = []
    for i in matter_rows(form):
        found: list[tuple[str, str]] | None = [] if problems is not None else None
        matter = matter_from_form(form, i, f"matters[{len(matters)}]", codes, found)
        if "codes" in matter:  # a row without codes is left out, and so are its mistakes: they would name another row
            matters.append({"id": str(i + 1), **matter})  # named as its row's legend names it (事项 3)
            if problems is not None and found:
                problems.extend(found)
    case: dict[str, Any] = {"applicant": applicant, "matters": matters}
    if form.get("as_of"):
        case["as_of"] = str(form.get("as_of"))
    return case


def _coded_rows(form: FormData) -> list[int]:
    """The matter rows with codes: the case's matters, in order (a row without codes is left out)."""
    return [i for i in matter_rows(form) if any(v.strip() for v in form.getlist(f"matters-{i}-codes"))]


def fact_path(name: str, form: FormData) -> str:
    """The fact path of a form field (``applicant-name`` -> ``applicant.name``, ``matters-3-date`` ->
    ``matters[1].date`` when row 3 is the second with codes), or "" when it is no fact of the case.

    >>> form = FormData([("matters-3-codes", "key_tech"), ("matters-3-date", "x")])
    >>> fact_path("applicant-name", form), fact_path("matters-3-date", form), fact_path("csrf_token", form)
    ('applicant.name', 'matters[0].date', '')
    """
    if name == "as_of":
        return name
    if name.startswith("applicant-"):
        return "applicant." + name.split("-", 1)[1]
    match = re.match(r"^matters-(\d+)-(\w+)$", name)
    rows = _coded_rows(form) if match else []
    if match and int(match.group(1)) in rows:
        return f"matters[{rows.index(int(match.group(1)))}].{match.group(2)}"
    return ""


def unkept(form: FormData) -> list[tuple[str, str]]:
    """The form's text no case can keep, by fact path: a control character (pasted with the text), a text longer
    than ``MOST_TEXT``. The door leaves the calculator's fields to it (``said_beside``), so that the form comes back
    with the text kept and the reason beside its field.

    >>> unkept(FormData([("applicant-name", "测试\x08公司"), ("applicant-uscc", "1" * 201), ("as_of", "2025-01-01")]))
    [('applicant.name', '不能含有控制字符（U+0008）'), ('applicant.uscc', '不能超过 200 个字符')]
    """
    found: dict[str, str] = {}
    for name, value in form.multi_items():
        if not isinstance(value, str):
            continue
        why = control_reason(value) or (f"不能超过 {MOST_TEXT} 个字符" if len(value) > MOST_TEXT else None)
        if why is not None and (path := fact_path(name, form)):
            found.setdefault(path, why)
    return list(found.items())


def beside_unkept(unkept: list[tuple[str, str]], problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The form's mistakes with the text it cannot keep said first for its field, and no other mistake read from
    that text (a date with a control character in it is refused for the character, not as a bad date)."""
    paths = {path for path, _ in unkept}
    return unkept + [(path, why) for path, why in problems if path not in paths]


def shown(value: str) -> str:
    """A value as the form shows it again: without what no case keeps, cut to ``MOST_TEXT``."""
    return kept(value, MOST_TEXT)


def impossible_days(case: Case, day: date, policies: list[Policy]) -> list[tuple[str, str]]:
    """A matter's day after the day of judgement ``day`` (as on /me/matters, after today), and a day of judgement
    before the first policy in force was issued."""
    found = [(f"matters[{i}].date", late) for i, m in enumerate(case.matters)
             if (late := event_after(m.date, day, "判断日期"))]
    first = min((p.issued for p in policies), default=None)
    if case.as_of is not None and first is not None and case.as_of < first:
        found.append(("as_of", f"{case.as_of} 早于政策印发日期（{first}）：请填写印发之后的日期"))
    return found


def region_from(form: FormData, city: str, district: str, path: str) -> str | None:
    """The region a form's city and district selects name (a district answered in a question box counts
    too); InputError when the district lies in another city."""
    first = [next((v.strip() for v in form.getlist(name) if v.strip()), "") for name in (city, district)]
    try:
        return chosen_region(*first)
    except ValueError as error:
        raise InputError([(path, str(error))]) from None


def form_field(path: str, form: FormData) -> str:
    """The form field a problem's path names (``matters[1].level`` -> ``matters-3-level`` when the second matter
    with codes is row 3; ``applicant.size`` -> ``applicant-size``), or "" when none does."""
    match = re.match(r"^matters\[(\d+)\](?:\.(\w+))?", path)
    if match:
        rows = [i for i in matter_rows(form) if any(v.strip() for v in form.getlist(f"matters-{i}-codes"))]
        k = int(match.group(1))
        return f"matters-{rows[k]}-{match.group(2) or 'codes'}" if k < len(rows) else ""
    if path.startswith("applicant."):
        return "applicant-" + path.split(".", 1)[1]
    return "as_of" if path == "as_of" else ""


def field_names(form: FormData) -> dict[str, str]:
    """Each fact path of the case a form describes (``applicant.size``, ``4.level``) to its form field's name
    (``applicant-size``, ``matters-3-level``): a matter is numbered as its row's legend numbers it."""
    rows = [i for i in matter_rows(form) if any(v.strip() for v in form.getlist(f"matters-{i}-codes"))]
    names = {f"applicant.{f}": f"applicant-{f}" for f in APPLICANT_FIELDS}
    for i in rows:
        names.update({f"{i + 1}.{f}": f"matters-{i}-{f}" for f in MATTER_FIELDS})
    return names


def matter_from_form(form: FormData, i: int, path: str, codes: dict[str, CodeInfo] | None = None,
                     problems: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """The facts of matter row ``i`` (fields ``matters-<i>-<fact>``), its type read from its first code (of
    ``codes``: the policies in force; the shipped vocabulary by default)."""
    matter: dict[str, Any] = {}
    for name in ("codes", *MATTER_FIELDS):
        value = _value(name, form.getlist(f"matters-{i}-{name}"), f"{path}.{name}", problems)
        if value is not None:
            matter[name] = value
    if "codes" in matter:
        codes = codes or vocabulary()
        matter["type"] = codes[matter["codes"][0]].type if matter["codes"][0] in codes else "honour"
    return matter


def register_query(form: FormData, matter: str) -> str:
    """The calculator's matter ``matter`` (its row's number, as the answer names it) as the query of 本单位's
    登记新事项 form (row 0, values as typed: money in 万元): the enterprise reviews the facts there and saves them."""
    i = int(matter) - 1
    return urlencode([(f"matters-0-{name}", v.strip()) for name in ("codes", *MATTER_FIELDS)
                      for v in form.getlist(f"matters-{i}-{name}") if v.strip()])


def in_form_order(problems: list[tuple[str, str]], form: FormData) -> list[tuple[str, str]]:
    """The form's mistakes in the order their fields stand on it (the order a browser sends them); one no field
    holds comes last.

    >>> form = FormData([("applicant-uscc", "x"), ("applicant-revenue", "-1"), ("matters-0-codes", "key_tech"),
    ...                  ("matters-0-investment", "y")])
    >>> in_form_order([("matters[0].investment", "a"), ("as_of", "b"), ("applicant.revenue", "c"),
    ...                ("applicant.uscc", "d")], form)
    [('applicant.uscc', 'd'), ('applicant.revenue', 'c'), ('matters[0].investment', 'a'), ('as_of', 'b')]
    """
    names = list(dict.fromkeys(form.keys()))
    return sorted(problems, key=lambda p: names.index(name) if (name := form_field(p[0], form)) in names
                  else len(names))


def field_label(path: str, form: FormData | None = None) -> str:
    """``matters[0].investment`` -> 事项1·投资额（万元）; ``applicant.uscc`` -> 申报单位·统一社会信用代码. Given the
    ``form``, a matter is numbered as its row's legend numbers it (事项 3 when rows 1 and 3 are left)."""
    match = re.match(r"^matters\[(\d+)\](?:\.(\w+))?", path)
    if match:
        fact = FACTS.get(match.group(2) or "")
        row = int(match.group(1))
        if form is not None and (name := form_field(path, form)):
            row = int(name.split("-")[1])
        return f"事项{row + 1}" + (f"·{_label(fact)}" if fact else "")
    if path == "applicant.region":
        return "申报单位·注册地"
    if path.startswith("applicant."):
        fact = FACTS.get(path.split(".", 1)[1])
        return f"申报单位·{_label(fact)}" if fact else path
    return {"as_of": "判断日期", "matters": "事项"}.get(path, path)


def _label(fact: Fact) -> str:
    """A fact's label as the form shows it: money is typed in 万元 though the rules keep yuan."""
    return fact.label.replace("（元）", "（万元）") if fact.name in MONEY_FIELDS else fact.label


def choices(name: str) -> dict[str, str]:
    """The choices of an enumerated fact, with their Chinese labels."""
    return CHOICES.get("size" if name == "parent_size" else name, {})


def level_choices(policies: list[Policy], codes: dict[str, CodeInfo]) -> dict[str, tuple[str, ...]]:
    """Each code with a level to the levels its rules can accept: the values their conditions compare the level
    with (小巨人: national, provincial; 瞪羚: provincial), in the order of ``CHOICES``; every level when no rule
    reaching the code names one."""
    return {code: levels_accepted(policies, [code]) for code, info in codes.items() if "level" in info.fields}


def matter_context(codes: dict[str, CodeInfo], policies: list[Policy]) -> dict[str, Any]:
    """What a matter's fieldset needs to offer the codes and only the fields and levels each asks for:
    ``groups`` (group name -> its codes), ``needs`` (a fact -> the codes that need it, in the vocabulary's
    order), ``level_codes`` (a level -> the codes whose rules accept it) and ``most_rows``, the rows a form may
    number (再添一个事项 stops there)."""
    groups: dict[str, list[tuple[str, CodeInfo]]] = {name: [] for name in GROUPS.values()}
    needs: dict[str, list[str]] = {}
    for code, info in codes.items():
        groups[GROUPS.get(info.group, GROUPS[info.type])].append((code, info))
        for name in info.fields:
            needs.setdefault(name, []).append(code)
    level_codes: dict[str, list[str]] = {value: [] for value in CHOICES["level"]}
    for code, levels in level_choices(policies, codes).items():
        for value in levels:
            level_codes[value].append(code)
    return {"groups": {name: members for name, members in groups.items() if members}, "needs": needs,
            "level_codes": level_codes, "most_rows": MAX_MATTERS}
