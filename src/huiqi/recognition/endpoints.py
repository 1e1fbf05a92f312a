"""Recognition lists over HTTP: a department or admin imports a list (rows as JSON), withdraws one, runs a failed
matching again; each list says what the caller may do with it, as the lists page's buttons do (``leads.allowed``)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends
from pydantic import BaseModel, Field

from huiqi.catalogue import service as catalogue
from huiqi.offers.reasons import NOT_OFFERED
from huiqi.recognition import leads, outcomes, service
from huiqi.simulate.endpoints import job_sessions
from huiqi.simulate.jobs import Sessions
from huiqi.users.roles import Role
from huiqi.validation import Day, PlainText, StrictInput
from huiqi.web.deps import Actor, Db, RecordId, role_first
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/lists", tags=["认定名单"])
KINDS = "、".join(f"{kind} {label}" for kind, label in NOT_OFFERED.items())  # the kinds of "no offer", for the docs


class ListRowIn(StrictInput):
    uscc: PlainText = Field(min_length=1, max_length=18, description="统一社会信用代码")
    name: PlainText = Field(min_length=1, max_length=200, description="单位名称")
    level: PlainText | None = Field(None, max_length=20, description="级别（不填则取名单的级别）")
    date: PlainText | None = Field(None, max_length=10, description="认定日期（不填则取名单日期）")


class ListIn(StrictInput):
    code: PlainText = Field(min_length=1, max_length=40, description="认定类别代码，如 little_giant")
    level: PlainText | None = Field(None, max_length=20, description="级别：national、provincial…")
    document: PlainText = Field(min_length=1, max_length=200, description="发布文号，如 工信部企业函〔2023〕xx号")
    published_on: Day = Field(description="名单发布日期（各行认定日期的默认值）")
    rows: list[ListRowIn] = Field(min_length=1, max_length=service.MAX_ROWS, description="名单各行")


class WithdrawIn(StrictInput):
    reason: PlainText = Field(min_length=1, max_length=500, description="撤回理由")


class ListRead(BaseModel):
    id: int
    code: str
    level: str | None
    document: str
    published_on: date
    rows: int
    state: str
    imported_by: str
    reason: str | None = None
    matching: str = Field(description="重新匹配：queued 排队中、running 进行中、done 完成、failed 失败")
    matched: int = Field(description="已重新匹配的申报单位数")
    applicants_created: int | None = Field(None, description="本次导入新建的申报单位数")
    offers: int | None = Field(None, description="名单各行产生的政策直达数（不含同一单位其他事项在同次匹配中产生的）")
    not_offered: int | None = Field(None, description="已重新匹配的行中未产生政策直达的行数（逐行原因见 rows）；"
                                                      "尚未匹配或早于逐行记录的名单为空")
    not_offered_by: dict[str, int] | None = Field(None, description="未产生政策直达的行数，按原因类别："
                                                  + KINDS)
    existing: int | None = Field(None, description="本次导入中与申报单位已有事项为同一认定（类别和认定日期相同）"
                                                   "的行数：并入原事项，不另建事项、不重复产生政策直达")
    answered: int | None = Field(None, description="同一事项同一措施的政策直达此前已被企业放弃或经责任单位不予确认，"
                                                   "本次不再产生的项数")
    rejected: int | None = Field(None, description="同一事项同一措施的申报已被作出不予支持的最终决定，本次不再产生"
                                                   "政策直达的项数")
    may_withdraw: bool = Field(description="调用者可否撤回这份名单：名单有效，且调用者为管理员或其类别所对应措施当日的"
                                           "牵头单位（与认定名单页的“撤回”按钮、撤回接口同一规则）")
    may_match_again: bool = Field(description="调用者可否重新匹配这份名单：名单有效、重新匹配失败，且调用者可撤回它"
                                              "（与认定名单页的“重新匹配”按钮、重新匹配接口同一规则）")


class ListRowRead(BaseModel):
    line: int | None = Field(description="名单文件中的行号（表头为第 1 行）")
    uscc: str
    name: str | None = Field(description="单位名称（申报单位现在的名称）")
    offers: int | None = Field(description="本行产生的政策直达数；尚未匹配为空")
    outcome: str | None = Field(description=f"未产生政策直达的原因类别：{KINDS}")
    outcome_label: str | None = Field(description="原因类别的中文名称")
    why: str | None = Field(description="未产生政策直达的原因")


def _read(row, allowed: leads.Allowed, imported: service.Imported | None = None,
          tally: outcomes.Tally | None = None) -> ListRead:
    tally = imported.tally if imported else tally
    return ListRead(id=row.id, code=row.code, level=row.level, document=row.document, published_on=row.published_on,
                    rows=row.rows, state=row.state, imported_by=row.imported_by, reason=row.reason,
                    matching=row.matching, matched=row.matched,
                    applicants_created=imported.applicants_created if imported else None,
                    offers=imported.offers if imported else (tally.offers if tally else None),
                    not_offered=tally.not_offered if tally else None,
                    not_offered_by=dict(tally.kinds) if tally else None,
                    existing=imported.existing if imported else None,
                    answered=imported.made.answered if imported else None,
                    rejected=imported.made.rejected if imported else None,
                    may_withdraw=allowed.withdraw, may_match_again=allowed.match_again)


@router.get("", response_model=Page[ListRead], summary="已导入的认定名单")
def listed(actor: Actor, session: Db, paging: PagingDep) -> dict:
    found, tallies = service.listed(session, actor=actor), outcomes.tallies(session)
    allowed = leads.allowed(session, actor, found)
    return page_of([_read(r, allowed[r.id], tally=tallies.get(r.id)) for r in found], paging)


@router.get("/{list_id}/rows", response_model=Page[ListRowRead],
            summary="认定名单逐行结果：产生的政策直达，或未产生的原因")
def rows(list_id: RecordId, actor: Actor, session: Db, paging: PagingDep) -> dict:
    found = service.one(session, actor=actor, list_id=list_id)
    items = [ListRowRead(line=x.line, uscc=uscc, name=name, offers=x.offers, outcome=x.outcome,
                         outcome_label=NOT_OFFERED.get(x.outcome) if x.outcome else None, why=x.why)
             for x, uscc, name in outcomes.rows(session, found.id, offset=paging.offset, limit=paging.size)]
    return {"items": items, "total": outcomes.counted(session, found.id), "page": paging.page, "size": paging.size}


@router.post("", response_model=ListRead, status_code=201,
             summary="导入认定名单：逐行校验，有错则一行也不写入；导入后重新匹配并产生政策直达",
             dependencies=role_first(Role.ADMIN, Role.DEPARTMENT, doing="导入认定名单"))
def import_list(body: ListIn, actor: Actor, session: Db, background: BackgroundTasks,
                sessions: Annotated[Sessions, Depends(job_sessions)]) -> ListRead:
    if body.code in catalogue.codes(session):  # a category it may not import: refused before the rows are read
        leads.require(session, actor, body.code, doing="导入")
    rows = [["uscc", "name", "level", "date"]] + [[r.uscc, r.name, r.level or "", r.date or ""] for r in body.rows]
    checked = service.check(session, rows, code=body.code, level=body.level, published_on=body.published_on)
    done = service.import_list(session, actor=actor, rows=checked, code=body.code, level=body.level,
                               document=body.document, published_on=body.published_on)
    session.commit()
    if done.list.matching == "queued":  # a long list: matched again in the background (``matched`` of ``rows``)
        background.add_task(service.match_list, sessions, done.list.id)
    return _read(done.list, _allowed(session, actor, done.list), done)


@router.post("/{list_id}/withdraw", response_model=ListRead, summary="撤回认定名单：其事实不再计入，相关政策直达撤回",
             dependencies=role_first(Role.ADMIN, Role.DEPARTMENT, doing="撤回认定名单"))
def withdraw(list_id: RecordId, body: WithdrawIn, actor: Actor, session: Db) -> ListRead:
    found = service.withdraw(session, actor=actor, list_id=list_id, reason=body.reason)
    session.commit()
    return _read(found, _allowed(session, actor, found))


@router.post("/{list_id}/match", response_model=ListRead, status_code=202,
             summary="重新匹配失败的认定名单：从尚未匹配的行继续",
             description="已匹配的行（含企业此后注册产生的政策直达）保持原结果，不重复产生政策直达；进度见名单的 "
                         "matching、matched。",
             dependencies=role_first(Role.ADMIN, Role.DEPARTMENT, doing="重新匹配认定名单"))
def match_again(list_id: RecordId, actor: Actor, session: Db, background: BackgroundTasks,
                sessions: Annotated[Sessions, Depends(job_sessions)]) -> ListRead:
    found = service.match_again(session, actor=actor, list_id=list_id)
    session.commit()
    background.add_task(service.match_list, sessions, found.id)  # its progress read from the list (``matched``)
    return _read(found, _allowed(session, actor, found))


def _allowed(session, actor, found) -> leads.Allowed:
    return leads.allowed(session, actor, [found])[found.id]
