"""Errors a user sees as one clear paragraph, never as a traceback."""

from __future__ import annotations


class MilspaceError(Exception):
    """An error whose message is meant for the person running milspace."""


class InputFileError(MilspaceError):
    """A file that cannot be read at all: names the file and, where known, sheet, row, column and rule."""

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        rule: str | None = None,
    ):
        self.file, self.problem = file, problem
        self.sheet, self.row, self.column, self.rule = sheet, row, column, rule
        where = [f"file {file}"]
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        message = f"Cannot read {', '.join(where)}: {problem}"
        if rule is not None:
            message += f" (rule: {rule})"
        super().__init__(message)


class WarehouseError(MilspaceError):
    """The warehouse cannot be opened, built or published."""


class SettingError(MilspaceError, ValueError):
    """An environment setting ($MILSPACE_...) that milspace cannot use: names the setting, its value and the fix."""


class ReportError(MilspaceError):
    """The report site cannot be drawn or published where it must go."""


def user_error_types() -> tuple[type[MilspaceError], ...]:
    """MilspaceError and every subclass of it defined so far, in any module: the errors raised on purpose, with a
    message written for the user. Asked when needed, so that a subclass defined after this module was imported (in
    a reader, a test) is one of them."""
    found: list[type[MilspaceError]] = []
    todo: list[type[MilspaceError]] = [MilspaceError]
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.append(cls)
            todo.extend(cls.__subclasses__())
    return tuple(found)
