"""Expected failures, typed: each carries a message a person can act on and an HTTP status."""


class HuiqiError(Exception):
    """A business failure with a message for people (Chinese first)."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
