"""The calculator's form: what it offers is read from the policies (levels, groups), and its fields to a case."""

from starlette.datastructures import FormData

from huiqi.errors import InputError
from huiqi.public import calculator
from huiqi.rules.loader import load_text, shipped, shipped_paths, vocabulary

POLICY = shipped("ln-2022-35")


def test_levels_come_from_the_rules_conditions() -> None:
    levels = calculator.level_choices([POLICY], vocabulary())
    assert levels["little_giant"] == levels["srdi_sme"] == ("national", "provincial")
    assert levels["gazelle"] == levels["unicorn"] == ("provincial",)
    assert levels["standard_lead"] == ("international", "national", "industry", "provincial")
    assert "top100_software" not in levels, "a code without a level asks none"


def test_a_policy_that_narrows_a_level_narrows_the_form() -> None:
    text = shipped_paths()["ln-2022-35"].read_text("utf-8")
    narrowed = text.replace("          - name: 国家级或省级认定\n            clause: 国家级和省级\n"
                            "            when: level in ['national', 'provincial']",
                            "          - name: 国家级或省级认定\n            clause: 国家级和省级\n"
                            "            when: level == 'national'")
    assert narrowed != text
    levels = calculator.level_choices([load_text(narrowed, "narrowed.yaml")], vocabulary())
    assert levels["little_giant"] == ("national",) and levels["gazelle"] == ("provincial",)


def test_types_are_grouped_as_the_vocabulary_says() -> None:
    context = calculator.matter_context(vocabulary(), [POLICY])
    groups = {title: [code for code, _ in members] for title, members in context["groups"].items()}
    assert list(groups) == ["荣誉认定", "项目", "设立机构"]
    assert groups["设立机构"] == ["establishment", "spin_off"]
    assert "little_giant" in groups["荣誉认定"] and "smart_manufacturing" in groups["项目"]
    assert context["needs"]["investment"][:1] == ["component_manufacturing"]
    assert context["level_codes"]["international"] == ["standard_lead"]


def test_the_region_is_the_district_of_the_chosen_city() -> None:
    def case(**fields: str) -> dict:
        return calculator.case_from_form(FormData(list(fields.items())))["applicant"]

    assert case(**{"applicant-city": "210300", "applicant-region": "210303"})["region"] == "210303"
    assert case(**{"applicant-city": "210300", "applicant-region": ""})["region"] == "210300"
    assert "region" not in case(**{"applicant-city": "", "applicant-region": ""})
    try:
        case(**{"applicant-city": "210100", "applicant-region": "210303"})
    except InputError as error:
        assert error.problems == [("applicant.region", "鞍山市铁西区不在沈阳市，请在沈阳市的区县中重新选择")]
    else:
        raise AssertionError("a district of another city is refused")


def test_codes_and_dates_in_full_width_digits_read_as_typed_and_sums_are_all_checked() -> None:
    problems: list = []
    case = calculator.case_from_form(FormData([
        ("applicant-name", "甲１号"), ("applicant-industry", "６５１３"), ("applicant-revenue", "-5"),
        ("applicant-city", "210100"), ("applicant-region", "210303"),  # a district of another city
        ("matters-0-codes", "smart_manufacturing"), ("matters-0-date", "２０２４-０３-０１"),
        ("matters-0-investment", "1e3")]), problems=problems)
    assert (case["applicant"]["industry"], case["applicant"]["name"]) == ("6513", "甲１号")  # a name as typed
    assert case["matters"][0]["date"] == "2024-03-01" and "investment" not in case["matters"][0]
    assert [field for field, _ in problems] == ["applicant.revenue", "applicant.region", "matters[0].investment"]


def test_a_row_without_codes_is_left_out_with_its_mistakes() -> None:
    problems: list = []
    form = FormData([("matters-0-codes", "smart_manufacturing"), ("matters-1-investment", "abc"),
                     ("matters-2-codes", "smart_manufacturing"), ("matters-2-investment", "-1")])
    case = calculator.case_from_form(form, problems=problems)
    assert len(case["matters"]) == 2 and [field for field, _ in problems] == ["matters[1].investment"]
    assert calculator.form_field(problems[0][0], form) == "matters-2-investment"  # the row that holds the mistake


def test_a_problem_names_its_form_field() -> None:
    form = FormData([("matters-0-codes", "little_giant"), ("matters-4-codes", "key_tech")])
    assert calculator.form_field("matters[1].date", form) == "matters-4-date"
    assert calculator.form_field("matters[0]", form) == "matters-0-codes"
    assert calculator.form_field("applicant.uscc", form) == "applicant-uscc"
    assert calculator.form_field("matters[7].date", form) == "" and calculator.form_field("matters", form) == ""
