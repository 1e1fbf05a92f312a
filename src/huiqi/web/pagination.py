"""Every list is paginated: ``?page=1&size=50`` in, ``{items, total, page, size}`` out."""

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")
PAGE_SIZE = 50  # rows per page of a list page
PageNumber = Annotated[int, Query(alias="page", ge=1, le=1_000_000, description="页码，从 1 开始")]
PageSize = Annotated[int, Query(alias="size", ge=1, le=200, description="每页条数，1 至 200")]


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


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    page: int
    size: int


def page_of(items: list, paging: Paging) -> dict:
    """The page ``paging`` asks for of ``items`` (already in order)."""
    return {"items": paging.slice(items), "total": len(items), "page": paging.page, "size": paging.size}

