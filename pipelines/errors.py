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


def expected_error_names() -> set[str]:
    """The class names of every milspace error: raised on purpose, with a message written for the user."""
    found, todo = set(), [MilspaceError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found
