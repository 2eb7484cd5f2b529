"""When builds run by themselves: the weekly schedule, the inbox sensor and the freshness expected of each asset.

Everything an operator may want to change is here:
- `BUILD_CRON`: when the scheduled build runs (cron, UTC); `$MILSPACE_BUILD_CRON` overrides it.
- `SENSOR_SECONDS` (`$MILSPACE_SENSOR_SECONDS`), `SETTLE_SECONDS`: how often the inbox is looked at, and how
  long a file must sit unchanged before it is read (a file still being copied in is left for the next look).
- `FRESHNESS`: how recently each group of assets should have been materialized (Dagster freshness policies,
  shown in the UI; the data vintage each source should have is the asset check `sources_are_current`).

Both the schedule and the sensor run the full build (`fresh`: the working copy starts empty, as `make build`).
The sensor's cursor holds each inbox file's SHA-256, so a file that is touched, or copied again unchanged,
starts nothing; a new file, or one whose content changed, starts one build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time

import dagster as dg

from pipelines.errors import SettingError
from pipelines.paths import Layout, default_root
from pipelines.published import inbox_files

BUILD_JOB = "build_all"
#: The scheduled build: Mondays at 06:00 UTC, unless $MILSPACE_BUILD_CRON says otherwise.
BUILD_CRON = os.environ.get("MILSPACE_BUILD_CRON", "").strip() or "0 6 * * 1"


def _sensor_seconds() -> int:
    """$MILSPACE_SENSOR_SECONDS (default 30): a whole number of seconds, at least 1."""
    text = os.environ.get("MILSPACE_SENSOR_SECONDS", "").strip()
    if not text:
        return 30
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise SettingError(
            f"MILSPACE_SENSOR_SECONDS={text!r} is not a whole number of seconds (how often the inbox sensor looks at "
            "data_raw/inbox/): set it to one such as 30, or unset it for the default of 30."
        )
    return seconds


SENSOR_SECONDS = _sensor_seconds()
SETTLE_SECONDS = 10
#: Run configuration of every automatic build: the whole pipeline from an empty working copy.
FULL_BUILD = {"resources": {"milspace": {"config": {"fresh": True}}}}

#: Freshness expected of each asset group: warn after one missed weekly build, fail after two.
FRESHNESS = {
    group: dg.FreshnessPolicy.time_window(warn_window=dt.timedelta(days=8), fail_window=dt.timedelta(days=15))
    for group in ("inputs", "staging", "marts", "publish")
}


def with_freshness(spec: dg.AssetSpec) -> dg.AssetSpec:
    policy = FRESHNESS.get(spec.group_name or "")
    return dg.apply_freshness_policy(spec, policy) if policy is not None else spec


def weekly_schedule(job) -> dg.ScheduleDefinition:
    try:
        return dg.ScheduleDefinition(
            name="weekly_build",
            job=job,
            cron_schedule=BUILD_CRON,
            execution_timezone="UTC",
            run_config=FULL_BUILD,
            description=(
                f"The whole build on the cron schedule '{BUILD_CRON}' (UTC). Fires only while the Dagster daemon runs "
                "(`make dev` starts one). Set $MILSPACE_BUILD_CRON to change it."
            ),
            default_status=dg.DefaultScheduleStatus.RUNNING,
        )
    except dg.DagsterInvalidDefinitionError as exc:
        raise SettingError(
            f"MILSPACE_BUILD_CRON={BUILD_CRON!r} is not a cron schedule Dagster accepts ({exc}): set it to five "
            "fields, e.g. '0 6 * * 1' for Mondays at 06:00 UTC, or unset it for that default."
        ) from None


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def look_at_inbox(layout: Layout, cursor: str | None, now: float | None = None) -> tuple[list[str], str]:
    """The inbox files that are new or changed since `cursor`, and the new cursor.

    The cursor maps each file name to [size, mtime_ns, sha256]; a file whose size and modification time are
    unchanged is not hashed again. A file modified less than SETTLE_SECONDS ago is left for the next look (it
    may still be being written); a file whose content is unchanged is not news, whatever its time stamp."""
    now = time.time() if now is None else now
    seen: dict[str, list] = json.loads(cursor).get("files", {}) if cursor else {}
    current: dict[str, list] = {}
    changed: list[str] = []
    for path in inbox_files(layout):
        try:
            stat = path.stat()
            if now - stat.st_mtime < SETTLE_SECONDS:
                if path.name in seen:
                    current[path.name] = seen[path.name]
                continue
            before = seen.get(path.name)
            if before and before[0] == stat.st_size and before[1] == stat.st_mtime_ns:
                sha = before[2]
            else:
                sha = _sha256(path)
        except OSError:  # removed or replaced while we looked: the next look sees what is there
            continue
        current[path.name] = [stat.st_size, stat.st_mtime_ns, sha]
        if before is None or before[2] != sha:
            changed.append(path.name)
    return changed, json.dumps({"files": current}, sort_keys=True)


def inbox_sensor(job) -> dg.SensorDefinition:
    @dg.sensor(
        name="inbox_sensor",
        job=job,
        minimum_interval_seconds=SENSOR_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "Starts the whole build when a file appears in data_raw/inbox/ or its content changes (by SHA-256: "
            "touching a file starts nothing). A file must sit unchanged for "
            f"{SETTLE_SECONDS} s before it counts, so a file being copied in is not read half-written."
        ),
    )
    def _sensor(context: dg.SensorEvaluationContext):
        layout = Layout(default_root())
        changed, cursor = look_at_inbox(layout, context.cursor)
        context.update_cursor(cursor)
        if not changed:
            return dg.SkipReason("No new or changed file in data_raw/inbox/")
        state = hashlib.sha256(cursor.encode()).hexdigest()[:16]
        return dg.RunRequest(
            run_key=f"inbox-{state}-{int(time.time())}",
            run_config=FULL_BUILD,
            tags={"milspace/trigger": "inbox", "milspace/changed": ", ".join(changed)[:200]},
        )

    return _sensor
