"""One case: an applicant and its matters (DOMAIN.md, "Interchange"), validated strictly.

Every field but a matter's ``id``, ``type`` and ``codes`` may be missing: missing facts make
answers undetermined, never wrong. Unknown codes, malformed dates, negative money and a bad
USCC are errors that name the field and say why.
"""

import json
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from huiqi.errors import InputError
from huiqi.money import MAX_YUAN
from huiqi.reference import divisions, industries, uscc
from huiqi.rules.facts import CHOICES
from huiqi.rules.policy import CodeInfo
from huiqi.validation import date_reason, field_path, iso_date, problems, repeated


def _choices(name: str) -> type[StrEnum]:
    return cast(type[StrEnum], StrEnum(name.title().replace("_", ""), {v: v for v in CHOICES[name]}))


if TYPE_CHECKING:  # each is made from CHOICES when the module loads: to a type checker, some StrEnum
    Kind: TypeAlias = StrEnum
    Size: TypeAlias = StrEnum
    MatterType: TypeAlias = StrEnum
    Level: TypeAlias = StrEnum
    Field_: TypeAlias = StrEnum
    Platform: TypeAlias = StrEnum
    Institution: TypeAlias = StrEnum
    Build: TypeAlias = StrEnum
    Sector: TypeAlias = StrEnum
    Domain: TypeAlias = StrEnum
else:
    Kind, Size, MatterType, Level, Field_, Platform, Institution, Build, Sector, Domain = (
        _choices(n) for n in
        ("kind", "size", "type", "level", "field", "platform", "institution", "build", "sector", "domain")
    )


def _date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"应为日期文本 YYYY-MM-DD，收到 {value!r}")
    try:
        return iso_date(value) if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> Any:
    raise ValueError(date_reason(value) if len(value) <= 20 else "应为日期（YYYY-MM-DD）")


def _uscc(value: str) -> str:
    problem = uscc.uscc_problem(value)
    if problem:
        raise ValueError(f"统一社会信用代码无效：{problem}")
    return value


def _region(value: str) -> str:
    problem = divisions.region_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _industry(value: str) -> str:
    problem = industries.class_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _parent_industry(value: str) -> str:
    if not industries.is_numeric_code(value):
        raise ValueError(f"{value!r} 不是 GB/T 4754-2017 的大类、中类或小类代码")
    return value


Day = Annotated[date, BeforeValidator(_date)]
Money = Annotated[int, Strict(), Field(ge=0, le=MAX_YUAN)]
Flag = Annotated[bool, Strict()]
Text = Annotated[str, Strict(), Field(min_length=1, max_length=200)]  # 200: the longest column (a name)


class Applicant(BaseModel):
    """The applicant (申报单位): who it is, where, in which industry, how large."""

    model_config = ConfigDict(extra="forbid")

    uscc: Annotated[Text, AfterValidator(_uscc)] | None = None
    name: Text | None = None
    kind: Kind | None = None
    region: Annotated[Text, AfterValidator(_region)] | None = None
    industry: Annotated[Text, AfterValidator(_industry)] | None = None
    digital_core_confirmed: Flag | None = None
    size: Size | None = None
    above_scale: Flag | None = None
    established: Day | None = None
    revenue: Money | None = None
    revenue_prior: Money | None = None


class Matter(BaseModel):
    """One matter (事项): a recognition, a project or an establishment."""

    model_config = ConfigDict(extra="forbid")

    id: Text
    type: MatterType
    codes: list[Text] = Field(min_length=1)
    date: Day | None = None
    level: Level | None = None
    field: Field_ | None = None
    platform: Platform | None = None
    digital_field: Flag | None = None
    institution: Institution | None = None
    institution_confirmed: Flag | None = None
    group_core: Flag | None = None
    parent_industry: Annotated[Text, AfterValidator(_parent_industry)] | None = None
    parent_size: Size | None = None
    build: Build | None = None
    sector: Sector | None = None
    domain: Domain | None = None
    investment: Money | None = None
    actual_investment: Money | None = None
    listed: Flag | None = None
    other_support: Money | None = None

    @field_validator("codes")
    @classmethod
    def _known_codes(cls, codes: list[str], info: ValidationInfo) -> list[str]:
        vocabulary = _vocabulary(info)
        for code in codes:
            if code not in vocabulary:
                raise ValueError(f"未知事项代码 {code!r}")
        if len(set(codes)) != len(codes):
            raise ValueError("事项代码重复")
        return codes

    @model_validator(mode="after")
    def _codes_match_type(self, info: ValidationInfo) -> "Matter":
        vocabulary = _vocabulary(info)
        if any(vocabulary[code].type != self.type for code in self.codes):
            raise ValueError(_mixed_types([vocabulary[code] for code in self.codes], self.type))
        for code in self.codes:
            for name, _ in vocabulary[code].choices:
                problem = vocabulary[code].problem(name, getattr(self, name))
                if problem:
                    raise ValueError(f"{name}：{problem}")
        return self


def _mixed_types(infos: list[CodeInfo], type_: str) -> str:
    """Why codes do not go together in one matter, by their labels: one of each type ticked, or (the interchange
    shape, which names its type) the codes' type against the one given."""
    first: dict[str, CodeInfo] = {}
    for info in infos:  # of each type, the first ticked
        first.setdefault(info.type, info)
    said = "，".join(f"「{info.label}」属于{TYPE_NAMES.get(info.type, info.type)}" for info in first.values())
    if len(first) > 1:
        return f"{said}：一个事项只能是一类，请分开登记"
    return f"{said}，与所填事项类型（{TYPE_NAMES.get(type_, type_)}）不符"


TYPE_NAMES = {"honour": "荣誉类", "project": "项目类"}


class Case(BaseModel):
    """A case: as of which day, the applicant, and its matters."""

    model_config = ConfigDict(extra="forbid")

    as_of: Day | None = None
    applicant: Applicant = Applicant()
    matters: list[Matter] = []

    @field_validator("matters")
    @classmethod
    def _unique_ids(cls, matters: list[Matter]) -> list[Matter]:
        again = repeated(matter.id for matter in matters)
        if again is not None:
            raise ValueError(f"事项编号 {again!r} 重复")
        return matters


_registered: dict[str, CodeInfo] = {}  # codes of policies loaded from a catalogue, beside the shipped vocabulary


def register_codes(codes: dict[str, CodeInfo]) -> None:
    """Make the codes of policies loaded at run time (a catalogue's published ones) known to validation that is
    given no codes (a request body read by the web framework)."""
    _registered.update(codes)


def known_codes() -> dict[str, CodeInfo]:
    """Every matter code this process knows: the shipped vocabulary and the codes of the policies a catalogue has
    loaded (a successor's own, such as a new kind of contract), for naming a matter where no session is at hand."""
    from huiqi.rules.loader import vocabulary

    return {**vocabulary(), **_registered} if _registered else vocabulary()


def _vocabulary(info: ValidationInfo) -> dict[str, CodeInfo]:
    if info.context and "codes" in info.context:
        return cast(dict[str, CodeInfo], info.context["codes"])
    return known_codes()


def read_case(data: Any, codes: dict[str, CodeInfo] | None = None) -> Case:
    """Validate a case (already parsed JSON); raises InputError naming each bad field."""
    try:
        return Case.model_validate(data, context={"codes": codes} if codes else None)
    except ValidationError as exc:
        raise InputError([(field_path(loc), why) for loc, why in problems(exc)]) from None


def parse_case(text: str, codes: dict[str, CodeInfo] | None = None) -> Case:
    """Parse JSON text into a case; malformed JSON is an InputError with its line."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))  # a BOM, as Windows Notepad saves UTF-8
    except json.JSONDecodeError as exc:
        raise InputError([("case", f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）：{exc.msg}")]) from None
    except ValueError:  # an integer of more than 4300 digits
        raise InputError([("case", "JSON 中有位数过多的数字（金额以元计，不超过 16 位）")]) from None
    except RecursionError:
        raise InputError([("case", "JSON 嵌套层数过多")]) from None
    return read_case(data, codes)
