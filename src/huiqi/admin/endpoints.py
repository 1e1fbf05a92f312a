"""Policy versions over HTTP for the admin (the public policy and measures are at /policies)."""

from fastapi import APIRouter

from huiqi.admin import service
from huiqi.admin.schemas import PolicyFileRead
from huiqi.web.deps import Actor
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/admin", tags=["政策版本"])


@router.get("/policies", response_model=Page[PolicyFileRead], summary="政策文件：校验结果、带日期的参数与责任单位")
def policies(actor: Actor, paging: PagingDep) -> dict:
    return page_of(service.policy_files(actor=actor), paging)
