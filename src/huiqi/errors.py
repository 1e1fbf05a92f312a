"""Expected failures, typed: each carries a message a person can act on and an HTTP status."""

from collections.abc import Callable
from typing import Any


class HuiqiError(Exception):
    """A business failure with a message for people (Chinese first). ``remind``, when given, is what the refusal
    still writes for whoever must act before the step can succeed (an enterprise that has not confirmed its account
    is told): its door calls it once the refused step is undone (``tell_after``)."""

    status_code = 400

    def __init__(self, message: str, *, remind: Callable[[Any], None] | None = None):
        super().__init__(message)
        self.message = message
        self.remind = remind


class InputError(HuiqiError):
    """Input that fails validation; ``problems`` pairs each field path with its reason."""

    status_code = 422

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("；".join(f"{field}：{reason}" for field, reason in problems))


class PolicyFileError(HuiqiError):
    """A policy file that cannot be loaded: names the file, line, measure and field."""

    status_code = 422

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# The record (applications, review, budget, audit): failures a person can act on.


class ConfigError(HuiqiError):
    """A setting that cannot be used as it is."""

    status_code = 500


class NotAuthenticated(HuiqiError):
    """Wrong user name or password, or a disabled account."""

    status_code = 401


class AccountDisabled(NotAuthenticated):
    """A signed-in person's account was disabled since (by an admin): told so on the sign-in page, not asked to sign
    in as if their session had merely run out."""


class Forbidden(HuiqiError):
    """The actor's role or scope does not cover this record or action."""

    status_code = 403


class PasswordChangeRequired(Forbidden):
    """An admin reset the password: the user sets their own before anything else."""


class NotFound(HuiqiError):
    """No such record (or none the actor may see)."""

    status_code = 404


class Conflict(HuiqiError):
    """The action clashes with the record's state: wrong state, already granted, duplicate."""

    status_code = 409


class ChangedMeanwhile(Conflict):
    """Input right when it was made that the record has since overtaken (a payout list downloaded before a colleague
    recorded one of its payments): a 409, each problem named as an InputError's are."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("；".join(f"{field}：{reason}" for field, reason in problems))


class BudgetExceeded(Conflict):
    """The amount does not fit in what is left of the year's budget for the measure."""


class SituationsFailed(Conflict):
    """A policy file whose own test situations fail at publication (the gate): each failure said on its own."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("政策文件自带的测试情形未通过，不能发布：" + "；".join(problems))


class CalendarError(HuiqiError):
    """A date the working-day calendar cannot answer for."""

    status_code = 422


class MaterialError(HuiqiError):
    """A material file that is not an accepted type, is empty or too large."""

    status_code = 422


def tell_after(session: Any, error: HuiqiError) -> None:
    """Write and commit what a refused step still tells (its ``remind``), the step itself undone: the refusal is the
    answer, the reminder is kept."""
    if error.remind is not None:
        error.remind(session)
        session.commit()
