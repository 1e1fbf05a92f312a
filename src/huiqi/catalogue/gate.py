"""The publication gate: a policy file's own situations, run against the file alone."""

from huiqi.errors import InputError
from huiqi.money import wan
from huiqi.rules.answer import Answer
from huiqi.rules.case import read_case
from huiqi.rules.match import STATUS_RANK, match
from huiqi.rules.policy import Policy
from huiqi.rules.spec import ExpectSpec

STATUS_LABELS = {"eligible": "符合", "ineligible": "不符合", "undetermined": "待定"}


def situations_failing(policy: Policy) -> list[str]:
    """What went wrong, situation by situation, in Chinese; empty when every situation passes. A file with no
    situation fails: it has nothing to show that its rules say what its officers meant."""
    if not policy.situations:
        return ["政策文件没有自带测试情形（situations）：至少写一个案例及其预期结果"]
    failing = []
    for s in policy.situations:
        try:
            case = read_case({"applicant": s.applicant, "matters": s.matters}, policy.codes)
        except InputError as error:
            failing.append(f"测试情形「{s.name}」的案例有误：{error.message}")
            continue
        answer = match(case, [policy], s.as_of)
        got = {(r.matter, r.measure): r for r in answer.results}
        serving = {m.number for m in policy.measures if m.services or m.local}
        for e in s.expect:
            r = got.get((e.matter, e.measure))
            if r is None and e.measure in serving:
                status = _service_status(answer, e)
                if status != e.status:
                    failing.append(f"测试情形「{s.name}」：事项 {e.matter}·措施{e.measure}（服务）应为"
                                   f"{STATUS_LABELS[e.status]}，实为{STATUS_LABELS[status]}")
                elif e.ceiling is not None:
                    failing.append(f"测试情形「{s.name}」：措施{e.measure}是服务措施，没有支持金额，预期结果不应写上限")
            elif r is None:
                failing.append(f"测试情形「{s.name}」：事项 {e.matter} 没有第 {e.measure} 条措施的结果")
            elif r.status != e.status:
                failing.append(f"测试情形「{s.name}」：事项 {e.matter}·措施{e.measure} 应为{STATUS_LABELS[e.status]}，"
                               f"实为{STATUS_LABELS[r.status]}")
            elif e.ceiling is not None and r.ceiling != e.ceiling:
                failing.append(f"测试情形「{s.name}」：事项 {e.matter}·措施{e.measure} 上限应为 {_amount(e.ceiling)}，"
                               f"实为 {_amount(r.ceiling)}")
    return failing


def _service_status(answer: Answer, e: ExpectSpec) -> str:
    """How a service measure (or a city's encouragement) came out for the expected matter: the best status among
    its opportunities that concern that matter (a service reaching no matter concerns the whole applicant);
    ineligible when none is offered, since the match lists only services that apply or may apply."""
    found = [o.status for o in [*answer.services, *answer.local, *answer.expired_services, *answer.expired_local]
             if o.measure == e.measure and (not o.matters or e.matter in o.matters)]
    return max(found, key=STATUS_RANK.__getitem__, default="ineligible")


def _amount(yuan: int | None) -> str:
    """A ceiling as the officer reads it: 90 万元; 未定额 for a ceiling the policy leaves unspecified.

    >>> _amount(900_000), _amount(12_345), _amount(None)
    ('90 万元', '1.2345 万元', '未定额')
    """
    return "未定额" if yuan is None else f"{wan(yuan)} 万元"
