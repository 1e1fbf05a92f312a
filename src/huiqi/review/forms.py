"""Reading the reviewers' forms: amounts typed in 万元, dates, and each step's inputs from its form."""

from collections.abc import Callable
from datetime import date
from typing import Any

from huiqi.errors import InputError
from huiqi.money import FULL_WIDTH, parse_wan
from huiqi.validation import FIGURE_SHOWN, control_reason, digits, form_date, kept, visible
from huiqi.workflow.runner import MAX_REASONS, Seen
from huiqi.workflow.states import STATES, Action, State


def yuan_of_wan(text: str | None, field: str = "amount", *, bounded: bool = True) -> int:
    """An amount typed in 万元 (at most four decimals: whole yuan), read exactly; not ``bounded``, however large (the
    step refuses it, naming its own limit, the ceiling: a figure past any real one is no different).

    >>> yuan_of_wan("80"), yuan_of_wan("12.3456"), yuan_of_wan(" 0.0001 "), yuan_of_wan("1" + "0" * 20, bounded=False)
    (800000, 123456, 1, 1000000000000000000000000)
    """
    if not (text or "").strip():
        raise InputError([(field, "请填写金额（万元），如 80 或 12.5")])
    return parse_wan(text, field) if bounded else parse_wan(text, field, most=None)


def day_of(text: str | None, field: str, default: date | None = None) -> date:
    """A date from a form field (YYYY-MM-DD); blank gives ``default`` when there is one."""
    if not (text or "").strip():
        if default is not None:
            return default
        raise InputError([(field, "请填写日期")])
    return form_date(text, field)




def whole_number(text: str | None, field: str, low: int, high: int) -> int | None:
    """A whole number typed in a form, within [low, high]; blank gives None; full-width digits, as a Chinese input
    method types them, read as digits (as amounts are).

    >>> whole_number(" 88 ", "score", 0, 100), whole_number("", "score", 0, 100)
    (88, None)
    >>> whole_number("１００", "score", 0, 100)
    100
    """
    text = visible(text or "", field).translate(FULL_WIDTH).strip()
    if not text:
        return None
    if not digits(text) or len(text) > len(str(high)) or not low <= int(text) <= high:  # int() of 5,000 digits fails
        raise InputError([(field, f"应为 {low}–{high} 的整数")])
    return int(text)


def _score(form: dict[str, str]) -> dict[str, Any]:
    score = whole_number(form.get("score"), "score", 0, 100)
    if score is None:
        raise InputError([("score", "请填写评审得分（0–100 的整数）")])
    return {"score": score}


# The desk's text boxes and their bounds (their columns'): a text past it, or with a character no record keeps, is
# said beside its box, the page shown again with the text cut to the bound (``typed``).
TEXTS = {"reasons": MAX_REASONS, "title": 200, "reference": 64, "seen_payee": 200}
# Any other box's value, shown again (an amount, a date, a number, what the page said it showed).
OTHER_MOST = FIGURE_SHOWN
# The desk's number and date boxes: one holding a control character or far too long is said beside it too, as its
# reader finds it (``visible``, ``parse_wan``), the page shown again with what was typed (``typed``).
FIGURES = ("score", "amount", "starts_on", "working_days", "paid_on")


def _announce(form: dict[str, str]) -> dict[str, Any]:
    return {"starts_on": day_of(form.get("starts_on"), "starts_on"),
            "working_days": _working_days(form.get("working_days")),
            "title": _text(form, "title") or None}


def _working_days(text: str | None) -> int | str | None:
    """A 公示's working days as typed; blank is none (the rounds' number, or the system's). Anything else goes to the
    step as typed, a number as a number: its range is the step's to say, for it knows the least the applications'
    rounds set (5 or more), which no bound here could (a form refusing 61 as outside 1–60 would then refuse 3 as
    outside 5–60), and one message names it, whatever was typed.

    >>> _working_days(" ７ "), _working_days(""), _working_days("-3")
    (7, None, '-3')
    """
    text = visible(text or "", "working_days").translate(FULL_WIDTH).strip()
    return (int(text) if digits(text) and len(text) <= 9 else text) if text else None


def _disburse(form: dict[str, str]) -> dict[str, Any]:
    """The payment's date and voucher, and the account the page showed (its hidden ``seen_payee``), when it says."""
    seen = {"payee_seen": _text(form, "seen_payee")} if "seen_payee" in form else {}
    return {"paid_on": day_of(form.get("paid_on"), "paid_on"), "reference": _text(form, "reference")} | seen


def _reasons(form: dict[str, str]) -> dict[str, Any]:
    return {"reasons": _text(form, "reasons")}


def _text(form: dict[str, str], field: str) -> str:
    r"""A text box, refused when it cannot fit its column or holds a character no record keeps (the step checks the
    rest).

    >>> _text({"title": "  九月公示 "}, "title")
    '九月公示'
    >>> _text({"reference": "D-1\x00"}, "reference")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: reference：不能含有空字符（NUL）
    """
    text, longest = (form.get(field) or "").strip(), TEXTS[field]
    if (why := control_reason(text)) is not None:
        raise InputError([(field, why)])
    if len(text) > longest:
        raise InputError([(field, f"不能超过 {longest} 个字符（现有 {len(text)} 个）")])
    return text


def typed(form: dict[str, str]) -> dict[str, str]:
    r"""A refused desk form as its page shows it again: each box's text kept, cut to its bound (a forged 100,000
    characters is not sent back whole).

    >>> typed({"reasons": "材料\x00不全" + "。" * 3000, "amount": "80"})["reasons"][:5], typed({"amount": "80"})
    ('材料不全。', {'amount': '80'})
    """
    return {k: kept(v, TEXTS.get(k, OTHER_MOST)) for k, v in form.items()}


# Each step's inputs, read from its form on the review desk (a step not listed takes none).
READERS: dict[Action, Callable[[dict[str, str]], dict[str, Any]]] = {
    Action.RETURN: _reasons, Action.REJECT: _reasons, Action.OBJECT: _reasons, Action.SCORE: _score,
    Action.PROPOSE: lambda form: {"amount": yuan_of_wan(form.get("amount"), bounded=False)},
    Action.AMEND: lambda form: {"amount": yuan_of_wan(form.get("amount"), bounded=False)}, Action.ANNOUNCE: _announce,
    Action.DISBURSE: _disburse,
}


def inputs(action: Action, form: dict[str, str]) -> dict[str, Any]:
    """The step's inputs from the desk's form; typing mistakes name the field."""
    reader = READERS.get(action)
    return reader(form) if reader else {}


def seen_of(form: dict[str, str]) -> Seen | None:
    """What the desk's page showed (its hidden ``seen_state``, ``seen_amount`` in yuan and, on the score and amend
    forms, ``seen_score``; blank for none): a form without them (sent by hand) is taken as before, on the state the
    runner finds."""
    state = form.get("seen_state")
    if state is None:
        return None
    amount, score = number_seen(form.get("seen_amount")), form.get("seen_score")
    if state not in STATES:
        raise InputError([("seen", "无法核对")])
    return Seen(state=state, amount=amount, amount_said=True, score=number_seen(score), score_said=score is not None)


def number_seen(text: str | None) -> int | None:
    """A number a page showed in a hidden field: blank (or absent) for none."""
    text = (text or "").strip()
    if text and not (digits(text) and len(text) <= 15):
        raise InputError([("seen", "无法核对")])
    return int(text) if text else None


def listed_seen(sent: Any, ids: list[int], state: State) -> dict[int, Seen]:
    """What a list showed of the ticked applications, all in ``state`` (the state its boxes are offered in: 已拟定金额
    for a 公示, 公示期满 for a batch approval), and their amounts (its hidden ``seen-<id>``, in yuan): one moved on or
    corrected since is refused (409) rather than announced or approved as the officer did not see it. A row sent
    without its amount (by hand) is taken as before, on the state the runner finds."""
    shown = {n: sent.get(f"seen-{n}") for n in ids}
    return {n: Seen(state=state, amount=number_seen(text), amount_said=True)
            for n, text in shown.items() if isinstance(text, str) and text.strip()}
