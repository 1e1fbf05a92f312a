"""Every list is paginated: ``?page=1&size=50`` in, ``{items, total, page, size}`` out."""

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from huiqi.validation import whole_in

T = TypeVar("T")
PAGE_SIZE = 50  # rows per page of a list page
PAGE_MOST, SIZE_MOST = 1_000_000, 200
PageNumber = Annotated[int, Query(alias="page", ge=1, le=PAGE_MOST, description="页码，从 1 开始")]
PageSize = Annotated[int, Query(alias="size", ge=1, le=SIZE_MOST, description="每页条数，1 至 200")]
# A public list's pager as typed: what is not a page number falls back to the first page, said in a note (``lenient``)
PageTyped = Annotated[str | None, Query(alias="page", description="页码，从 1 开始；无效时显示第 1 页并说明")]
SizeTyped = Annotated[str | None, Query(alias="size", description="每页条数，1 至 200；无效时按每页 50 条并说明")]


class Paging(BaseModel):
    page: int
    size: int

    @property
    def offset(self) -> int:
        """Where the page starts, for a query that pages in SQL."""
        return (self.page - 1) * self.size

    def slice(self, items: list) -> list:
        return items[self.offset:self.offset + self.size]

    def pages(self, total: int) -> int:
        """How many pages ``total`` items fill (one at least)."""
        return max(1, -(-total // self.size))


def paging(page: PageNumber = 1, size: PageSize = PAGE_SIZE) -> Paging:
    return Paging(page=page, size=size)


PagingDep = Annotated[Paging, Depends(paging)]


def lenient(page: str | None, size: str | None) -> tuple[Paging, str]:
    r"""A public list's pager from its query as typed, and a note when it was not a page: a page number or a size that
    is not a whole number in bounds (a letter, a NUL, a sign, ``10**30``) falls back to page 1 or 50 a page, said so.

    >>> lenient("２", None)
    (Paging(page=2, size=50), '')
    >>> print(lenient("abc", "-1")[1].replace("；", "\n"))
    页码应为 1 至 1000000 之间的整数，已显示第 1 页
    每页条数应为 1 至 200 之间的整数，已按每页 50 条显示
    """
    number = whole_in(page, 1, PAGE_MOST) if page else 1
    rows = whole_in(size, 1, SIZE_MOST) if size else PAGE_SIZE
    said = []
    if number is None:
        said.append(f"页码应为 1 至 {PAGE_MOST} 之间的整数，已显示第 1 页")
    if rows is None:
        said.append(f"每页条数应为 1 至 {SIZE_MOST} 之间的整数，已按每页 {PAGE_SIZE} 条显示")
    return Paging(page=number or 1, size=rows or PAGE_SIZE), "；".join(said)


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    page: int
    size: int


def page_of(items: list, paging: Paging) -> dict:
    """The page ``paging`` asks for of ``items`` (already in order)."""
    return {"items": paging.slice(items), "total": len(items), "page": paging.page, "size": paging.size}

