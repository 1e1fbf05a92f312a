"""The synthetic enterprises of the demo: made-up names, valid but made-up credit codes."""

from dataclasses import dataclass, field
from datetime import date

from huiqi.reference.uscc import make, org_check_char


def demo_uscc(region: str, body: str) -> str:
    """A well-formed code (both check characters right) for a made-up enterprise."""
    return make(f"91{region[:6]}{body}{org_check_char(body)}")


PAYEE_BANK = "中国工商银行沈阳分行营业部（演示）"
GOOD_STANDING = {"independent_legal_entity": True, "sound_accounts": True, "bad_credit": False, "major_accident": False}


@dataclass(frozen=True)
class DemoEnterprise:
    """One synthetic enterprise, its matter, and how far its application goes in the demo."""

    body: str
    region: str
    name: str
    industry: str
    matter: dict
    measure: int
    amount: int
    goal: str  # the state its application is left in
    standing: dict = field(default_factory=lambda: dict(GOOD_STANDING))  # as found in review (after submission)

    @property
    def uscc(self) -> str:
        return demo_uscc("210100" if self.region == "shenfu" else self.region, self.body)

    @property
    def payee(self) -> tuple[str, str]:
        """The account its applications are paid into (made up): the bank, and a number from its body."""
        return PAYEE_BANK, f"6222{int(self.body[-4:]):012d}"


def _honour(code: str, day: str, **extra) -> dict:
    return {"id": "h1", "type": "honour", "codes": [code], "date": day, **extra}


def _project(codes: list[str], day: str, **extra) -> dict:
    return {"id": "p1", "type": "project", "codes": codes, "date": day, **extra}


ENTERPRISES = (
    DemoEnterprise("DEMA0001", "210102", "沈阳云帆软件有限公司（演示）", "6513",
                   _honour("little_giant", "2024-07-15", level="national"), 3, 1_000_000, "disbursed"),
    DemoEnterprise("DEMA0002", "210202", "大连海芯微电子有限公司（演示）", "6520",
                   _project(["key_tech"], "2024-04-01", listed=True), 13, 8_000_000, "approved"),
    DemoEnterprise("DEMA0003", "210302", "鞍山钢联电路有限公司（演示）", "3982",
                   _honour("srdi_sme", "2024-09-10", level="provincial"), 3, 1_000_000, "announced"),
    DemoEnterprise("DEMA0004", "210402", "抚顺智造科技有限公司（演示）", "6511",
                   _project(["smart_manufacturing"], "2024-11-01", investment=20_000_000), 11, 6_000_000,
                   "proposed"),
    DemoEnterprise("DEMA0005", "210502", "本溪数标信息有限公司（演示）", "6450",
                   _honour("standard_lead", "2024-05-20", level="national"), 14, 1_000_000, "department_review"),
    DemoEnterprise("DEMA0006", "210602", "丹东边城系统集成有限公司（演示）", "6531",
                   _honour("top100_software", "2024-08-30"), 2, 1_000_000, "city_review"),
    DemoEnterprise("DEMA0007", "210702", "锦州光谷数据有限公司（演示）", "3913",
                   _project(["bigdata_pilot"], "2024-06-18"), 6, 3_000_000, "returned"),
    DemoEnterprise("DEMA0008", "210802", "营口港信通信设备有限公司（演示）", "3921",
                   _honour("gazelle", "2024-10-12", level="provincial"), 2, 1_000_000, "rejected",
                   {"independent_legal_entity": True, "sound_accounts": True, "bad_credit": True,
                    "major_accident": False}),
    DemoEnterprise("DEMA0009", "211102", "盘锦油田数联网络有限公司（演示）", "6410",
                   _honour("dcmm", "2025-01-15"), 14, 500_000, "withdrawn", {}),
    DemoEnterprise("DEMA0010", "shenfu", "沈抚数智存储有限公司（演示）", "6550",
                   _honour("little_giant", "2025-03-01", level="provincial"), 3, 1_000_000, "draft"),
    DemoEnterprise("DEMA0011", "210203", "大连星光光电子有限公司（演示）", "3976",
                   _project(["component_manufacturing"], "2024-12-01", build="new", sector="sensor",
                            investment=50_000_000), 5, 20_000_000, "scored"),
    DemoEnterprise("DEMA0012", "210103", "沈阳盾甲网络安全有限公司（演示）", "6440",
                   _honour("itss", "2024-11-20"), 14, 800_000, "objected"),
)

# A second project of 大连海芯微电子, granted under 35号 measure 11 with the first batch (720万元 of its 900万元): the
# demo's successor policy supports smart manufacturing at a higher rate, so the enterprise's page offers the
# difference (差额补足) there. (enterprise, matter, measure, amount requested)
TOP_UP = ("DEMA0002", {**_project(["smart_manufacturing"], "2024-05-01", investment=30_000_000), "id": "p2"}, 11,
          9_000_000)

BUDGETS_2025 = {2: 5_000_000, 3: 5_000_000, 5: 30_000_000, 6: 10_000_000, 11: 20_000_000, 13: 20_000_000,
                14: 3_000_000}

# The day the demo's system went into use, before its 2025 round: its people were given accounts, the enterprises
# registered their profiles and matters, finance set the 2025 budgets, and the shipped policy files went online.
SET_UP = date(2025, 6, 30)
# The days the demo's steps happen on (all inside the policy's window and the holiday calendar).
SUBMITTED, CITY_PASSED, PROPOSED = date(2025, 9, 1), date(2025, 9, 3), date(2025, 9, 10)
FIRST_BATCH, APPROVED, PAID = date(2025, 9, 15), date(2025, 9, 22), date(2025, 10, 15)
SECOND_BATCH, OBJECTED, WHITELISTED = date(2025, 12, 22), date(2025, 12, 23), date(2025, 12, 1)
LIST_DAY = date(2025, 6, 1)
# The demo's imported lists (invented provincial lists, published on LIST_DAY): (code, document, enterprises). The
# 瞪羚 list's enterprises are offered measure 2, delivered 免申即享 in the current round: the lead unit confirms the
# offers. The 专精特新 list's enterprise is offered measure 3, 申请即享 there: the enterprise accepts the offer.
LISTS = (("gazelle", "辽科发〔2025〕演示号（虚构，演示用）", ("DEMA0001", "DEMA0004")),
         ("srdi_sme", "辽工信发〔2025〕演示号（虚构，演示用）", ("DEMA0001",)))
# 好差评 given after the service was finished: (enterprise, day, level, comment); a bad rating opens a
# rectification that the department answers (day, answer). 大连海芯微电子's paid application (PAID_TOO) is left for
# the walk-through to rate.
RATINGS = (
    ("DEMA0001", date(2025, 10, 20), 5, "（演示）申报指南清楚，审核和拨付都很及时。", None),
    ("DEMA0008", date(2025, 9, 8), 2, "（演示）不予支持的理由只写了“存在不良信用记录”，没有说明记录的来源和修复办法。",
     (date(2025, 9, 12), "（演示）已电话告知企业信用记录的来源（信用中国网站公示的行政处罚）及信用修复的办理渠道；"
                         "今后不予支持的理由一并写明依据。")),
)
PAID_TOO = "DEMA0002"  # paid with the first batch beside DEMA0001, not rated
DIRECT_MEASURES = {2}  # delivered 免申即享 in the current round: the lead unit confirms the offers
ROUND_2025 = (date(2025, 7, 1), date(2025, 9, 5))  # the demo's 2025 round: opened, and its deadline
# It first closed a week earlier and was extended (延期) on that day, for the reason given.
EXTENDED_2025 = (date(2025, 8, 29), date(2025, 8, 25), "（演示）申报系统升级，截止日期顺延一周")

GROWTH = {  # yearly figures of the cultivated enterprises: revenue, R&D spending, profit, employees
    "DEMA0001": {2023: (86_000_000, 9_500_000, 7_200_000, 210), 2024: (112_000_000, 13_800_000, 9_900_000, 246)},
    "DEMA0003": {2023: (41_000_000, 2_600_000, 1_900_000, 130), 2024: (47_500_000, 3_100_000, -400_000, 128)},
    "DEMA0010": {2024: (23_000_000, 4_100_000, 800_000, 64)},
}
