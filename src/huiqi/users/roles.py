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
# Roles a person may hold (the system is not a person).
PEOPLE = tuple(r for r in Role if r is not Role.SYSTEM)
