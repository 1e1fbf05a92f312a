"""The import form of /admin/lists refused "document：…" and, for its date, "published_on：不能超过 10 个字": every
refusal names the field by its Chinese label, and a date that is none is said to be none, whatever its length."""

import re
from datetime import date

import pytest

from huiqi.models import RecognitionList
from tests.dbtest import ALICE_USCC

pytestmark = pytest.mark.anyio
FORM = {"code": "single_champion", "level": "national", "document": "工信部企业函〔2025〕测试号",
        "published_on": "2025-06-01"}
ASCII_FIELD = re.compile(r"\b[A-Za-z_]{2,}\s*：")  # a field named by its name in the code (document：…)


async def test_no_refusal_of_the_import_form_names_a_field_in_ascii(browser, session, people, set_today) -> None:
    set_today(date(2025, 6, 30))
    unit = browser(people.miit)
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    sent = [({"published_on": "2025-06-01x"}, "发布日期：应为日期（YYYY-MM-DD）"),
            ({"published_on": "二〇二五年六月一日，依据……" * 20}, "发布日期：应为日期（YYYY-MM-DD）"),
            ({"published_on": ""}, "发布日期：应为日期（YYYY-MM-DD）"),
            ({"document": "函" * 201}, "发布文号：不能超过 200 个字（现为 201 个字）"),
            ({"document": "函" * 3000}, "发布文号：不能超过 200 个字（现为 3000 个字）"),
            ({"document": " "}, "发布文号：请填写名单的发布文号"),
            ({"document": "函\x01"}, "发布文号："), ({"code": "x" * 41}, "类别：请从列表中选择认定类别"),
            ({"code": "x" * 3000}, "认定类别：不能超过"), ({"level": "x" * 21}, "级别：应为"),
            ({"level": "x" * 3000}, "级别：不能超过")]
    for changed, said in sent:
        refused = await unit.post("/admin/lists", data={**FORM, **changed},
                                  files={"file": ("名单.csv", good, "text/csv")})
        assert refused.status_code == 422 and said in refused.text, changed
        assert not ASCII_FIELD.search(refused.text), (changed, ASCII_FIELD.findall(refused.text))
    assert session.query(RecognitionList).count() == 0
