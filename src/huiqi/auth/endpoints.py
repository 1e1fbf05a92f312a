"""Bearer tokens for machine clients (other government systems): issue, list, revoke."""


from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from huiqi.auth import service as auth
from huiqi.errors import HuiqiError
from huiqi.models import ApiToken
from huiqi.validation import PlainText, UtcDateTime
from huiqi.web.deps import Actor, Db, RecordId
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/tokens", tags=["令牌"])


class TokenCreate(BaseModel):
    """Sign in with a user name and password to receive a token for that user."""

    username: PlainText = Field(min_length=1, max_length=64)
    password: PlainText = Field(min_length=1, max_length=256)
    name: PlainText = Field("", max_length=100, description="令牌的用途，如“财政厅预算系统”")


class TokenIssued(BaseModel):
    id: int
    name: str
    token: str = Field(description="只显示这一次；之后只保存其哈希")


class TokenRead(BaseModel):
    id: int
    name: str
    created_at: UtcDateTime
    expires_at: UtcDateTime = Field(description="到期时间（签发后 HUIQI_TOKEN_DAYS 天，默认 30 天）")
    last_used_at: UtcDateTime | None
    revoked: bool

    @classmethod
    def of(cls, row: ApiToken) -> "TokenRead":
        return cls(id=row.id, name=row.name, created_at=row.created_at, expires_at=auth.token_expires(row),
                   last_used_at=row.last_used_at, revoked=row.revoked)


@router.post("", response_model=TokenIssued, status_code=201, summary="用用户名和密码换取令牌")
def issue(body: TokenCreate, request: Request, session: Db) -> TokenIssued:
    address = request.client.host if request.client else "unknown"
    try:
        signed = auth.sign_in(session, username=body.username, password=body.password, address=address)
    except HuiqiError:
        session.commit()  # a failed attempt counts toward the limit
        raise
    auth.sign_out(session, signed.token)  # a token, not a browser session
    row, raw = auth.issue_token(session, actor=signed.user, name=body.name)
    session.commit()
    return TokenIssued(id=row.id, name=row.name, token=raw)


@router.get("", response_model=Page[TokenRead], summary="本人的令牌")
def listed(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of([TokenRead.of(t) for t in auth.tokens(session, actor=actor)], paging)


@router.delete("/{token_id}", response_model=TokenRead, summary="吊销令牌")
def revoke(token_id: RecordId, actor: Actor, session: Db) -> TokenRead:
    row = auth.revoke_token(session, actor=actor, token_id=token_id)
    session.commit()
    return TokenRead.of(row)
