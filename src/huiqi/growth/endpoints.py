"""Growth files over HTTP: which enterprises are under cultivation, one enterprise's file, its yearly figures."""

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from huiqi.growth import service
from huiqi.growth.schemas import MAX_EMPLOYEES, Figures, GrowthFile
from huiqi.money import MAX_YUAN
from huiqi.users.roles import Role
from huiqi.validation import PlainText
from huiqi.web.deps import Actor, Db, role_first
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/growth", tags=["成长档案"])
Uscc = Annotated[PlainText, Path(min_length=18, max_length=18, description="统一社会信用代码")]


class FiguresUpdate(BaseModel):
    """One year's figures of a cultivated enterprise, in whole yuan."""

    model_config = ConfigDict(extra="forbid")

    revenue: int | None = Field(None, ge=0, le=MAX_YUAN, description="营业收入（元）")
    rnd_spending: int | None = Field(None, ge=0, le=MAX_YUAN, description="研发投入（元）")
    profit: int | None = Field(None, ge=-MAX_YUAN, le=MAX_YUAN, description="利润总额（元，可为负）")
    employees: int | None = Field(None, ge=0, le=MAX_EMPLOYEES, description="从业人数")


@router.get("", response_model=Page[str], summary="培育中的企业（统一社会信用代码）")
def cultivated(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of(service.cultivated(session, actor=actor), paging)


@router.get("/{uscc}", response_model=GrowthFile, summary="一家企业的成长档案")
def growth_file(uscc: Uscc, actor: Actor, session: Db) -> GrowthFile:
    return service.growth_file(session, actor=actor, uscc=uscc)


@router.put("/{uscc}/figures/{year}", response_model=Figures, summary="记录（或更正）一年的经营数据",
            dependencies=role_first(Role.ENTERPRISE, Role.DEPARTMENT, Role.ADMIN, doing="维护成长档案"))
def record_figures(uscc: Uscc, year: Annotated[int, Path(ge=2000, le=2100, description="年度（已结束的年度）")],
                   body: FiguresUpdate,
                   actor: Actor, session: Db) -> Figures:
    row = service.record_figures(session, actor=actor, uscc=uscc, year=year, **body.model_dump())
    session.commit()
    return Figures.model_validate(row)
