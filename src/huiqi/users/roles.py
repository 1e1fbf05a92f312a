"""Who acts: the roles of the record, as names rather than strings."""

from enum import StrEnum


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    CITY = "city"
    DEPARTMENT = "department"
    FINANCE = "finance"
    ADMIN = "admin"
    AUDITOR = "auditor"
    ANALYST = "analyst"  # estimates costs over populations (财政测算); reads statistics, never one applicant's record
    SYSTEM = "system"  # the operator's command line and the workflow's own routing


ROLE_LABELS: dict[str, str] = {
    Role.ENTERPRISE: "企业用户", Role.CITY: "市级初审人员", Role.DEPARTMENT: "责任单位审核人员",
    Role.FINANCE: "财政人员", Role.ADMIN: "管理员", Role.AUDITOR: "审计人员", Role.ANALYST: "政策分析人员",
    Role.SYSTEM: "系统",
}
# Where each role's own work starts, by the names its navigation bar gives it (``web.render.NAV``): said to one who
# opened a page that is not theirs.
WAY_IN: dict[str, str] = {
    Role.ENTERPRISE: "请从“本单位”或“我的申报”进入", Role.CITY: "请从“待审核”进入", Role.DEPARTMENT: "请从“待审核”进入",
    Role.FINANCE: "请从“待审批”或“预算”进入", Role.ADMIN: "请从“申报”或“申报单位”进入",
    Role.AUDITOR: "请从“全部申报”或“审计链”查看", Role.ANALYST: "请从“统计”或“财政测算”进入",
}
# Roles a person may hold (the system is not a person).
PEOPLE = tuple(r for r in Role if r is not Role.SYSTEM)
