"""Unified social credit codes (GB 32100-2015), with the embedded organisation code (GB 11714).

Real codes: 91110000600037341L is python-stdnum's own doctest example; the social organisations
(53…, 52…, 51…) are published codes of 中国社会福利基金会, 中国红十字基金会, 河南省嵩山少林寺文化院
and 上海市杨浦区科技企业联合会. No published code with a letter registration authority (N 农业,
Y 其他, A) was found, so those below are constructed: structurally valid, both check characters
computed, exactly the shape python-stdnum's ``validate`` refuses.
"""

import pytest
from stdnum.cn import uscc as stdnum_uscc

from huiqi.reference.uscc import is_valid, make, org_check_char, uscc_problem

REAL = ["91110000600037341L", "91210100MA0QC1B25F", "53100000500019795A", "531000005000160090",
        "52410000663412719U", "51310110501144395U"]
LETTER_AUTHORITY = [make(prefix + "MA0QC1B25") for prefix in ("N2210102", "N3211321", "Y1210100", "A1210000")]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code: str) -> None:
    assert uscc_problem(code) is None


@pytest.mark.parametrize("code", LETTER_AUTHORITY)
def test_letter_authority_codes_are_accepted_where_stdnum_refuses(code: str) -> None:
    assert not stdnum_uscc.is_valid(code), "stdnum refuses codes whose first eight characters are not digits"
    assert is_valid(code)


@pytest.mark.parametrize(("code", "reason"), [
    ("91350211M0000XUF46", "第18位应为 R"),  # published but non-conforming (Xiamen)
    ("91350211M00013FA1N", "第18位应为 3"),
    ("91210100MA0QC1B25", "应为18位"),
    ("91210100MA0QC1B2SF", "不允许的字符 'S'"),
    ("912101OOMA0QC1B25F", "不允许的字符 'O'"),
    ("91A10100MA0QC1B25F", "第3至8位"),
])
def test_bad_codes_say_why(code: str, reason: str) -> None:
    assert reason in (uscc_problem(code) or "")


def test_embedded_organisation_code_is_checked() -> None:
    # Right GB 32100 check character, wrong GB 11714 one: 5 is the organisation code's check, 6 is not.
    code = make("91210100MA0QC1B26")
    assert stdnum_uscc.is_valid(code), "stdnum checks only the final character"
    assert "组织机构代码（第9至17位）校验位错误：第17位应为 5" in uscc_problem(code)


def test_org_check_char_ten_and_eleven() -> None:
    bodies = {org_check_char(f"{n:08d}") for n in range(2000)}
    assert {"X", "0"} <= bodies
