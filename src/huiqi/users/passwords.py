"""Password hashing with argon2 (pwdlib's recommended parameters), and what a password must be.

``data/common-passwords.txt.gz`` is the list of 19,640 common passwords Django ships
(django/contrib/auth/common-passwords.txt.gz, BSD licence; compiled by Royce Williams from breached
password sets), lower-cased, one a line.
"""

import gzip
import secrets
from functools import cache
from pathlib import Path

from pwdlib import PasswordHash

from huiqi.validation import control_reason

HASHER = PasswordHash.recommended()


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def check_password(password: str, hashed: str) -> bool:
    return HASHER.verify(password, hashed)


MIN_LENGTH = 10
MAX_LENGTH = 200  # what a form or the API takes; past it, the reason is said beside the field
DISTINCT = 4  # "aaaaaaaaaa" and "1212121212" are long, not hard to guess
COMMON = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def common() -> frozenset[str]:
    return frozenset(gzip.decompress(COMMON.read_bytes()).decode().split())


def problem(password: str) -> str | None:
    """Why a password will not do, or None.

    >>> problem("short"), problem("password123"), problem("辽宁省数字经济专项资金")
    ('密码至少 10 个字符', '这个密码太常见，很容易被猜中，请换一个', None)
    >>> problem(" " * 12), problem("aaaaaaaaaaaa"), problem("ababababab")
    ('密码不能全是空格', '密码至少要有 4 个不同的字符', '密码至少要有 4 个不同的字符')
    >>> problem("辽宁省数字经济\\x00专项资金")
    '不能含有空字符（NUL）'
    """
    if (why := control_reason(password)) is not None:  # a NUL, as a form or a body may carry one: said as such
        return why
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过 {MAX_LENGTH} 个字符（现有 {len(password)} 个）"
    if not password.strip():
        return "密码不能全是空格"
    if len(set(password)) < DISTINCT:
        return f"密码至少要有 {DISTINCT} 个不同的字符"
    if password.lower() in common():
        return "这个密码太常见，很容易被猜中，请换一个"
    return None


@cache
def unknown_user_hash() -> str:
    """A hash no password matches, checked for names that do not exist (the same work as a real check)."""
    return HASHER.hash(secrets.token_urlsafe(32))
