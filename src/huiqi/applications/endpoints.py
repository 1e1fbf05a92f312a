"""Applications over HTTP: drafts, materials, the declaration, submission and withdrawal, the Excel list."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from huiqi.applications import payee, service, views
from huiqi.applications.filters import Filters
from huiqi.applications.schemas import (
    ApplicationCreate,
    ApplicationDetail,
    ApplicationSummary,
    ApplicationUpdate,
    MaterialRead,
    PayeeIn,
)
from huiqi.config import get_settings
from huiqi.errors import InputError, MaterialError
from huiqi.materials.serving import attachment
from huiqi.materials.storage import MEDIA_TYPES, file_size
from huiqi.models import User
from huiqi.users.roles import Role
from huiqi.users.scope import sums_only
from huiqi.web.deps import Actor, ApplicationFilters, Db, RecordId, refused_first, role_first
from huiqi.web.excel import XLSX, Table, download_built
from huiqi.web.pagination import Page, PagingDep, page_of
from huiqi.workflow.runner import run
from huiqi.workflow.states import STATES, Action

router = APIRouter(prefix="/applications", tags=["申报"])
StateQuery = Annotated[str | None, Query(max_length=20, description="只列出这一状态的申报：" + "、".join(STATES))]
def _state(state: str | None) -> str | None:
    if state is not None and state not in STATES:
        raise InputError([("state", f"没有状态 {state!r}；可选：{'、'.join(STATES)}")])
    return state


def _detail(session: Db, actor: Actor, application_id: int) -> ApplicationDetail:
    return views.detail(session, service.get(session, actor=actor, application_id=application_id), actor)


@router.get("", response_model=Page[ApplicationSummary], summary="申报列表（限本人范围）")
def applications(session: Db, actor: Actor, paging: PagingDep, filters: ApplicationFilters,
                 state: StateQuery = None) -> dict:
    rows = service.listed(session, actor=actor, state=_state(state), filters=filters)
    return {**page_of(rows, paging), "items": [views.summary(session, a) for a in paging.slice(rows)]}


@router.get("/export.xlsx", summary="导出申报清单（Excel）", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "Excel 工作簿"}},
            dependencies=refused_first(sums_only))  # as the list page: an analyst reads sums, not an empty list
def export(request: Request, session: Db, actor: Actor, filters: ApplicationFilters,
           state: StateQuery = None) -> Response:
    return download_built(request, session, actor, export_table, _state(state), filters, filename="申报清单.xlsx")


def export_table(session: Session, actor: User, state: str | None, filters: Filters | None = None) -> Table:
    """The applications the actor may see (in ``state``, narrowed by ``filters``), as the export lists them (built in
    a pool process when there is one)."""
    found = service.listed(session, actor=actor, state=state, filters=filters)
    return views.table([views.summary(session, a) for a in found])


@router.post("", response_model=ApplicationDetail, status_code=201, summary="新建申报（草稿）",
             dependencies=role_first(Role.ENTERPRISE, doing="申报"))
def create(body: ApplicationCreate, session: Db, actor: Actor) -> ApplicationDetail:
    draft = service.create_draft(session, actor=actor, uscc=body.uscc, matter_key=body.matter, round_id=body.round,
                                 measure=body.measure, amount_requested=body.amount_requested)
    session.commit()
    return views.detail(session, draft, actor)


@router.get("/{application_id}", response_model=ApplicationDetail, summary="一件申报：状态、金额、规则结论、全过程")
def application(application_id: RecordId, session: Db, actor: Actor) -> ApplicationDetail:
    return _detail(session, actor, application_id)


@router.patch("/{application_id}", response_model=ApplicationDetail, summary="修改申请金额（草稿或退回补正时）",
              dependencies=role_first(Role.ENTERPRISE, doing="修改申报"))
def update(application_id: RecordId, body: ApplicationUpdate, session: Db, actor: Actor) -> ApplicationDetail:
    service.change_amount(session, actor=actor, application_id=application_id, amount_requested=body.amount_requested,
                          seen_state=body.seen_state, seen_amount=body.seen_amount)
    session.commit()
    return _detail(session, actor, application_id)


def read_material(file: UploadFile) -> bytes:
    """The uploaded bytes, refused past the size limit without reading the rest (sync: the file is spooled)."""
    limit = get_settings().max_material_bytes
    file.file.seek(0)
    content = file.file.read(limit + 1)
    if len(content) > limit:
        size = f"文件大小 {file_size(file.size, exact=True)}，" if file.size else "文件"
        raise InputError([("file", f"{size}超过上限 {file_size(limit, exact=True)}")])
    if not content:
        raise InputError([("file", "文件是空的")])
    return content


@router.post("/{application_id}/materials", response_model=MaterialRead, status_code=201,
             summary="上传申报材料（PDF、OFD、JPG、PNG，按内容判断类型）",
             dependencies=role_first(Role.ENTERPRISE, doing="修改申报"))
def upload(application_id: RecordId, session: Db, actor: Actor,
           file: Annotated[UploadFile, File(description="材料文件：PDF、OFD、JPG 或 PNG")],
           kind: Annotated[str | None, Form(max_length=50, description="批次要求的哪一项材料（如 申报书）；"
                                                                    "不填则为尚缺的第一项")] = None) -> MaterialRead:
    content = read_material(file)
    try:
        row = service.add_material(session, actor=actor, application_id=application_id,
                                   filename=file.filename or "材料", content=content, kind=kind)
    except MaterialError as error:
        raise InputError([("file", error.message)]) from None
    session.commit()
    return MaterialRead.model_validate(row)


@router.get("/{application_id}/materials/{material_id}", summary="下载申报材料", response_class=Response,
            responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}, "description": "材料文件"}})
def material(application_id: RecordId, material_id: RecordId, session: Db, actor: Actor) -> Response:
    row, content = service.material(session, actor=actor, application_id=application_id, material_id=material_id)
    return attachment(row, content)


@router.delete("/{application_id}/materials/{material_id}", status_code=204, response_class=Response,
               summary="撤下一份材料（草稿或退回补正时；记录保留，不再计入本申报的材料）")
def remove_material(application_id: RecordId, material_id: RecordId, session: Db, actor: Actor) -> Response:
    service.remove_material(session, actor=actor, application_id=application_id, material_id=material_id)
    session.commit()
    return Response(status_code=204)


@router.post("/{application_id}/declaration", response_model=ApplicationDetail, summary="作出承诺")
def declare(application_id: RecordId, session: Db, actor: Actor) -> ApplicationDetail:
    service.declare(session, actor=actor, application_id=application_id)
    session.commit()
    return _detail(session, actor, application_id)


@router.post("/{application_id}/payee", response_model=ApplicationDetail,
             summary="确认（或变更）收款账户：开户银行和银行账号；提交申报前须确认，拨付前可变更",
             dependencies=role_first(Role.ENTERPRISE, doing="确认收款账户"))
def confirm_payee(application_id: RecordId, body: PayeeIn, session: Db, actor: Actor) -> ApplicationDetail:
    payee.confirm(session, actor=actor, application_id=application_id, bank=body.bank, account=body.account,
                  seen=body.seen)
    session.commit()
    return _detail(session, actor, application_id)


@router.post("/{application_id}/submit", response_model=ApplicationDetail,
             summary="提交申报（按今天运行政策规则；须已确认收款账户）")
def submit(application_id: RecordId, session: Db, actor: Actor) -> ApplicationDetail:
    run(session, Action.SUBMIT, actor=actor, application_id=application_id)
    session.commit()
    return _detail(session, actor, application_id)


@router.post("/{application_id}/withdraw", response_model=ApplicationDetail, summary="撤回申报")
def withdraw(application_id: RecordId, session: Db, actor: Actor) -> ApplicationDetail:
    run(session, Action.WITHDRAW, actor=actor, application_id=application_id)
    session.commit()
    return _detail(session, actor, application_id)
