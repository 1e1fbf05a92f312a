"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

python-stdnum's ``stdnum.cn.uscc`` supplies the check-character arithmetic, but its
``validate`` refuses codes whose first eight characters are not all digits, and those are
valid: the registering authority (position 1) and the category (position 2) may be letters
(N 农业, Y 其他 and others). So the format is checked here, then both check characters: the
code's own (GB 32100) and that of the embedded organisation code (GB 11714).
"""

import numpy as np
import polars as pl
from stdnum.cn import uscc as stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # GB 32100: 3^i mod 31


def org_check_char(body: str) -> str:
    """GB 11714 check character of an eight-character organisation code body.

    >>> org_check_char("60003734"), org_check_char("MA0QC1B2")
    ('1', '5')
    """
    total = sum(_org_value(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, in Chinese, or None when it is valid.

    >>> uscc_problem("91110000600037341L") is None
    True
    >>> uscc_problem("91110000600037341X")
    '校验位错误：第18位应为 L，实为 X'
    """
    if len(code) != 18:
        return f"应为18位，实为{len(code)}位"
    bad = [c for c in code if c not in ALPHABET]
    if bad:
        return f"含有不允许的字符 {bad[0]!r}（只允许数字和除 I、O、S、V、Z 外的大写字母）"
    if not code[2:8].isdigit():
        return "第3至8位应为登记管理机关行政区划码（6位数字）"
    expected = stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        return f"校验位错误：第18位应为 {expected}，实为 {code[17]}"
    org_expected = org_check_char(code[8:16])
    if code[16] != org_expected:
        return f"组织机构代码（第9至17位）校验位错误：第17位应为 {org_expected}，实为 {code[16]}"
    return None


def is_valid(code: str) -> bool:
    """Whether ``code`` is a valid USCC."""
    return uscc_problem(code) is None


def make(prefix17: str) -> str:
    """Complete 17 characters with their GB 32100 check character (for tests and demos)."""
    return prefix17 + stdnum_uscc.calc_check_digit(prefix17)


SHAPE = r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$"
_VALUE = np.full(256, 255, np.uint8)  # a byte's value in ALPHABET, 255 when it is not allowed
_VALUE[np.frombuffer(ALPHABET.encode(), np.uint8)] = np.arange(len(ALPHABET), dtype=np.uint8)
_CHECK_CHARS = np.frombuffer(ALPHABET.encode(), np.uint8)
_ORG_CHARS = np.frombuffer(b"?123456789X0", np.uint8)


def valid_series(codes: pl.Series) -> pl.Series:
    """The same test as ``uscc_problem(...) is None``, over a whole column at once (null is not valid).

    Populations hold millions of codes, so everything after the byte length is NumPy over the bytes:
    the codes of 18 bytes are concatenated into one n × 18 matrix, read a position at a time (one
    contiguous row of the transposed matrix each). One table lookup per position gives the character's
    value (or that it is not allowed); positions 3 to 8 must be digits (SHAPE); the two check characters
    are weighted sums in 16-bit integers (GB 11714 values letters from A = 10 without gaps, so a letter's
    value there is its byte less 55). tests/reference/test_uscc.py holds this equal to the scalar check.
    """
    sized = (codes.str.len_bytes() == 18).fill_null(False)
    candidates = codes.filter(sized)
    if candidates.len() == 0:
        return sized
    raw = np.frombuffer(candidates.str.join("").item().encode("utf-8"), dtype=np.uint8)
    columns = np.ascontiguousarray(raw.reshape(-1, 18).T)  # 18 rows of n bytes: position j of every code
    ok = np.ones(candidates.len(), bool)
    total, org = np.zeros(candidates.len(), np.uint16), np.zeros(candidates.len(), np.uint16)
    for j in range(18):
        value = _VALUE[columns[j]]
        ok &= value < (10 if 2 <= j < 8 else 255)
        if j < 17:
            total += value.astype(np.uint16) * np.uint16(USCC_WEIGHTS[j])
        if 8 <= j < 16:
            byte = columns[j].astype(np.uint16)
            org += (byte - np.where(byte < 58, 48, 55).astype(np.uint16)) * np.uint16(ORG_WEIGHTS[j - 8])
    ok &= columns[17] == _CHECK_CHARS[(31 - total % 31) % 31]
    ok &= columns[16] == _ORG_CHARS[11 - org % 11]
    return sized.scatter(sized.arg_true(), pl.Series(ok))
