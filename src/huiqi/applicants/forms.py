"""The enterprise's forms: its profile and one matter, typed in 万元 and kept in whole yuan.

A matter's form is the calculator's fieldset (row 0), so the two ask for the same facts the same way.
"""

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData

from huiqi.applicants.schemas import PROFILE_FIELDS
from huiqi.audit.service import plain
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.models import ApplicantProfile, Matter
from huiqi.money import parse_wan, wan
from huiqi.public.calculator import matter_from_form, picked, region_from, yes_no
from huiqi.rules.facts import CHOICES, MATTER_FIELDS, MONEY_FIELDS
from huiqi.rules.loader import vocabulary
from huiqi.rules.policy import CodeInfo
from huiqi.validation import ascii_digits, collect, control_reason

FLAGS = ("digital_core_confirmed", "above_scale", "independent_legal_entity", "sound_accounts", "bad_credit",
         "major_accident")
KEY_SIGNS = set("-_.·（）()")  # besides letters (汉字 too) and digits: no / ? # % that a link or path would split
KEY_LENGTH = 64


def _shown(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in MONEY_FIELDS:
        return wan(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(plain(value))


def profile_values(profile: ApplicantProfile | None) -> dict[str, str]:
    """The current profile as the form's text values, with the version they are (0 before any): the form sends it
    back, so a save made on an older page is refused instead of undoing a later one."""
    if profile is None:
        return {"version": "0"}
    return {"version": str(profile.version), **{name: _shown(name, getattr(profile, name)) for name in PROFILE_FIELDS}}


def seen_version(form: FormData) -> int | None:
    """The version a profile form was filled on; None from a form that does not say (nothing to compare)."""
    text = str(form.get("version") or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def profile_from_form(form: FormData, problems: list[tuple[str, str]]) -> dict[str, Any]:
    """The profile a form describes: empty fields are unknown, money in 万元 becomes yuan; a sum that is not one is
    added to ``problems`` and read as unknown, so the form's other mistakes are found too."""
    fields: dict[str, Any] = {}
    region = collect(problems, region_from, form, "city", "region", "applicant.region")  # a district elsewhere
    for name in PROFILE_FIELDS:
        text = str(form.get(name) or "").strip() if name != "region" else (region or "")
        if not text:
            fields[name] = None
        elif name in MONEY_FIELDS:
            fields[name] = collect(problems, parse_wan, text, f"applicant.{name}")
        elif name in FLAGS:
            fields[name] = collect(problems, yes_no, text, f"applicant.{name}")
        elif name in CHOICES:
            fields[name] = collect(problems, picked, name, text, f"applicant.{name}")
        else:
            fields[name] = text if name == "name" else ascii_digits(text)  # a code or a date in full-width digits
    return fields


def matter_values(row: Matter | None) -> dict[str, list[str]]:
    """A stored matter as the calculator fieldset's values (row 0)."""
    if row is None:
        return {}
    values = {"matters-0-codes": list(row.codes), "matters-0-date": [_shown("date", row.date)]}
    values.update({f"matters-0-{k}": [_shown(k, v)] for k, v in row.facts.items()})
    return values


def fresh_key(matters: list[Matter]) -> str:
    """A key for 登记新事项 that no matter has yet (m3 after two matters; m4 when m3 is taken)."""
    taken = {m.key for m in matters}
    return next(f"m{n}" for n in range(len(matters) + 1, len(matters) + len(taken) + 2) if f"m{n}" not in taken)


def matter_from(form: FormData, codes: dict[str, CodeInfo] | None = None,
                problems: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """The matter a form describes, in the interchange shape, with its key. Given ``problems``, every mistake of the
    form is added to it (a box that is wrong read as blank) instead of the first alone being raised."""
    found: list[tuple[str, str]] = []
    key = str(form.get("key") or "").strip()
    if not key or len(key) > KEY_LENGTH or not all(c.isalnum() or c in KEY_SIGNS for c in key):
        found.append(("key", f"请填写 1 至 {KEY_LENGTH} 个字，可用汉字、字母、数字和 - _ . · （ ） 符号，不能有空格"))
    matter = matter_from_form(form, 0, "matter", codes, found)
    known = codes or vocabulary()
    if "codes" not in matter:
        found.append(("matter.codes", "请选择至少一个事项类别"))
    elif unknown := [c for c in matter["codes"] if c not in known]:  # a forged box: said without its value's name
        found.append(("matter.codes", f"有 {len(unknown)} 个所选类别不在列表中，请从列表中勾选"))
    if found and problems is None:
        raise InputError(found)
    if problems is not None:
        problems += found
    return {"id": key, **matter}


def matter_form_order(needs: Iterable[str]) -> list[str]:
    """The matter form's fields (the names its error summary links to, ``#f-<name>``) in the order the page shows
    them: the key, the types, the date, each fact some type needs (``needs``: the fieldset's order), other support.

    >>> matter_form_order(["level", "date", "investment"])
    ['key', 'matters-0-codes', 'matters-0-date', 'matters-0-level', 'matters-0-investment', 'matters-0-other_support']
    """
    return list(dict.fromkeys(["key", "matters-0-codes", "matters-0-date", *(f"matters-0-{f}" for f in needs),
                               "matters-0-other_support"]))


def in_page_order(problems: list[tuple[str, str]], order: list[str]) -> list[tuple[str, str]]:
    """The form's problems in the order of their fields on the page (``order``), whoever found them (the form's own
    reading or the rules' check after it); one of the same field keeps its place, one no field holds comes last.

    >>> said = [Problem("投资额", "a", "matters-0-investment"), ("事项", "b"), Problem("日期", "c", "matters-0-date")]
    >>> [p[1] for p in in_page_order(said, ["key", "matters-0-date", "matters-0-investment"])]
    ['c', 'a', 'b']
    """
    def place(problem: tuple[str, str]) -> int:
        field = problem.field if isinstance(problem, Problem) else ""
        return order.index(field) if field in order else len(order)

    return sorted(problems, key=place)


PREFILL_MOST, PREFILL_VALUES = 64, 40  # a value a link carries into the form, and how many it may carry
THEN = re.compile(r"apply|\d{1,9}/\d{1,3}")  # after saving: to 新建申报, with a round's measure chosen or not


def prefill(query: Iterable[tuple[str, str]]) -> tuple[dict[str, list[str]], bool]:
    """The matter a link carries into 登记新事项 (the calculator's ``register_query``) as the form's values (row 0),
    and whether some of it was left out: a field the form does not have, a value longer than ``PREFILL_MOST`` or with
    a character no record keeps (a NUL), more than ``PREFILL_VALUES`` values. What is kept is checked as the form
    checks it before it is shown."""
    names = {f"matters-0-{name}" for name in ("codes", *MATTER_FIELDS)}
    values: dict[str, list[str]] = {}
    left_out, count = False, 0
    for name, value in query:
        if not name.startswith("matters-"):
            continue
        if name not in names or len(value) > PREFILL_MOST or count >= PREFILL_VALUES or control_reason(value):
            left_out = True
            continue
        values.setdefault(name, []).append(value)
        count += 1
    return values, left_out


def then(round_id: str, measure: str, apply: str) -> str:
    """Where 登记新事项 leads once saved, as its hidden ``then`` carries it: ``<round>/<measure>`` (立即申报 in the
    calculator), ``apply`` (据此去申报), or '' (back to 本单位)."""
    chosen = f"{round_id}/{measure}" if round_id or measure else ("apply" if apply else "")
    return chosen if THEN.fullmatch(chosen) else ""


def then_address(sent: str, key: str) -> str | None:
    """The 新建申报 page a saved matter leads to (its key chosen, and the measure when given), or None."""
    if not THEN.fullmatch(sent):
        return None
    round_id, _, measure = sent.partition("/")
    query = [("matter", key)] + ([("round", round_id), ("measure", measure)] if measure else [])
    return f"/applications/new?{urlencode(query)}"


def then_said(sent: str) -> str:
    """What is left to do on 新建申报 once the matter is saved."""
    return "请填写申请金额，保存申报草稿" if "/" in sent else "请选择批次与措施、填写申请金额，保存申报草稿"


def then_kept(form: FormData) -> str:
    """The ``then`` a refused form carries on, when it is one."""
    sent = str(form.get("then") or "")
    return sent if THEN.fullmatch(sent) else ""
