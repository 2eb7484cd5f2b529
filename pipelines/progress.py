"""Progress lines for `milspace build`: one per asset and check, as the run goes, from Dagster's own events."""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg

from pipelines.intake.staging import REUSED_LINES

PROGRESS_LOGGER = "milspace_progress"


class _ProgressHandler(logging.Handler):
    def __init__(self, total: int, stream):
        super().__init__(level=logging.DEBUG)
        self.total, self.stream = total, stream
        self.done = 0
        self.started: dict[str, float] = {}
        self.rows: dict[str, object] = {}
        self.checks: dict[str, str] = {}
        self.reused: dict[str, object] = {}

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            return
        step = event.step_key or ""
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[step] = time.perf_counter()
        elif kind == "ASSET_MATERIALIZATION":
            metadata = event.event_specific_data.materialization.metadata
            rows = metadata.get("dagster/row_count")
            if rows is not None:
                self.rows[step] = rows.value
            reused = metadata.get(REUSED_LINES)
            if reused is not None and reused.value:
                self.reused[step] = reused.value
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            status = "passed" if evaluation.passed else f"FAILED ({evaluation.severity.value.lower()})"
            violations = evaluation.metadata.get("violations")
            extra = f", {violations.value} rows break it" if violations is not None and not evaluation.passed else ""
            self.checks[step] = (
                f"check {evaluation.check_name} ({evaluation.asset_key.to_user_string()}): {status}{extra}"
            )
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            self.done += 1
            seconds = time.perf_counter() - self.started.get(step, time.perf_counter())
            counter = f"[{self.done:>2}/{self.total}]"
            if step in self.checks:
                self._line(f"{counter} {self.checks[step]} ({seconds:.2f} s)")
                return
            name = step.replace("__", "/")
            status = {"STEP_SUCCESS": "ok", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}[kind]
            rows = f", {self.rows[step]:,} rows" if step in self.rows else ""
            if step in self.reused:
                rows += f", {self.reused[step]:,} of them copied from unchanged files"
            self._line(f"{counter} {name:<32} {status} ({seconds:.2f} s{rows})")


def progress_logger(total: int, stream=None) -> dg.LoggerDefinition:
    """A Dagster logger that prints one line per finished asset, with its time and row count."""

    @dg.logger(config_schema=None, description="One progress line per asset, for the milspace command line.")
    def _progress(_init_context) -> logging.Logger:
        log = logging.getLogger(PROGRESS_LOGGER)
        log.handlers = [_ProgressHandler(total, stream or sys.stdout)]
        log.setLevel(logging.DEBUG)
        log.propagate = False
        return log

    return _progress
