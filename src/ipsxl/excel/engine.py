"""What the engine behind a Book can do, and how a run spares it work."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import xlwings as xw

# Rows read or written per round trip on large blocks, so one call never carries a whole tab.
CHUNK_ROWS = 10_000


@dataclass(frozen=True)
class Engine:
    """What the engine behind a Book can do, where xlwings' engines differ.

    Desktop Excel takes multi-area addresses and can read a cell's fill; the remote engine (the
    JSON a client sends, for xlwings Server, Lite and tests) addresses one rectangle per action,
    cannot read fills, measures column widths in points, and has bulk colour matrices, notes
    and charts only with the Office.js client.
    """

    remote: bool
    officejs: bool

    @classmethod
    def of(cls, book: xw.Book) -> Engine:
        try:
            name = book.app.engine.name
        except Exception:  # noqa: BLE001 - an engine without a name is a desktop one
            name = ""
        remote = name == "remote"
        client = book.api.get("client") if remote and isinstance(book.api, dict) else None
        return cls(remote, client == "Office.js")

    @property
    def multi_area(self) -> bool:
        return not self.remote

    @property
    def bulk_fills(self) -> bool:
        return self.remote and self.officejs

    @property
    def reads_fills(self) -> bool:
        return not self.remote

    @property
    def charts(self) -> bool:
        return not self.remote or self.officejs

    def column_width(self, chars: float) -> float:
        """A width in characters in the engine's unit (the remote engine takes points)."""
        return width_in_points(chars) if self.remote else chars


def width_in_points(chars: float) -> float:
    """A column width in characters as points: about 7 pixels a character and 5 of padding."""
    return round((chars * 7 + 5) * 0.75, 2)


@contextlib.contextmanager
def quiet(book: xw.Book, engine: Engine) -> Iterator[None]:
    """Desktop Excel redraws after every call unless told not to; a run writes many blocks."""
    if engine.remote:
        yield
        return
    app = book.app
    try:
        app.screen_updating = False
    except Exception:  # noqa: BLE001 - an app that cannot stop redrawing is only slower
        pass
    try:
        yield
    finally:
        try:
            app.screen_updating = True
        except Exception:  # noqa: BLE001
            pass


def optional(step: Callable[[], object]) -> None:
    """A finishing touch an engine may lack (freeze panes, print area, charts, validation)."""
    try:
        step()
    except NotImplementedError:
        pass
