"""The enterprise's forms: its profile and one matter, typed in 万元 and kept in whole yuan.

A matter's form is the calculator's fieldset (row 0), so the two ask for the same facts the same way.
"""

from typing import Any

from starlette.datastructures import FormData

from huiqi.applicants.schemas import PROFILE_FIELDS
from huiqi.audit.service import plain
from huiqi.errors import InputError
from huiqi.models import ApplicantProfile, Matter
from huiqi.money import parse_wan, wan
from huiqi.public.calculator import matter_from_form, region_from
from huiqi.rules.facts import MONEY_FIELDS
from huiqi.rules.policy import CodeInfo
from huiqi.validation import ascii_digits, collect

BOOLEANS = {"true": True, "false": False}
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
            fields[name] = BOOLEANS.get(text, text)
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


def matter_from(form: FormData, codes: dict[str, CodeInfo] | None = None) -> dict[str, Any]:
    """The matter a form describes, in the interchange shape, with its key."""
    key = str(form.get("key") or "").strip()
    if not key or len(key) > KEY_LENGTH or not all(c.isalnum() or c in KEY_SIGNS for c in key):
        raise InputError([("key", f"请填写 1 至 {KEY_LENGTH} 个字，可用汉字、字母、数字和 - _ . · （ ） 符号，"
                                  "不能有空格")])
    matter = matter_from_form(form, 0, "matter", codes)
    if "codes" not in matter:
        raise InputError([("matter.codes", "请选择至少一个事项类别")])
    return {"id": key, **matter}
