"""When builds run by themselves: the weekly schedule, the inbox sensor and the freshness expected of each asset.

Everything an operator may want to change is here:
- `BUILD_CRON`: when the scheduled build runs (cron, UTC); `$MILSPACE_BUILD_CRON` overrides it.
- `SENSOR_SECONDS` (`$MILSPACE_SENSOR_SECONDS`), `SETTLE_SECONDS`: how often the inbox is looked at, and how
  long a file must sit unchanged before it is read (a file still being copied in is left for the next look).
- `FRESHNESS`: how recently each group of assets should have been materialized (Dagster freshness policies,
  shown in the UI; the data vintage each source should have is the asset check `sources_are_current`).

Both the schedule and the sensor run the full build (`fresh`: the working copy starts empty, as `make build`).
The sensor's cursor holds each inbox file's SHA-256, so a file that is touched, or copied again unchanged,
starts nothing; a new file, or one whose content changed, starts one build. Every build records the inbox files it
read (their SHA-256, metadata `inbox_read` of the asset inbox/budget_lines) in the persistent instance; the sensor
takes the files of the last successful build, whoever started it (`make build`, the schedule, the UI), as read, so
a new Dagster home or a `make build` between two looks starts no rebuild of what is already published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time

import dagster as dg

from pipelines.errors import SettingError
from pipelines.files import fingerprint
from pipelines.intake.inbox import INBOX_READ, SETTLE_SECONDS, inbox_files
from pipelines.paths import Layout, default_root

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


def look_at_inbox(layout: Layout, cursor: str | None, now: float | None = None) -> tuple[list[str], str]:
    """The inbox files that are new or changed since the files of `cursor`, and the new cursor.

    The cursor maps each file name to [size, mtime_ns, sha256, ctime_ns, inode]. A file is hashed again whenever
    any of its size, modification time, change time or inode differs: the change time cannot be set back by a
    user, so a rewrite that keeps the size and restores the modification time is still seen, and a file is never
    trusted by its time stamp alone. A file modified less than SETTLE_SECONDS ago (or dated in the future) counts
    once it has kept its size and times from one look to the next; until then it is left for the next look. A
    file whose content is unchanged is not news, whatever its time stamps."""
    now = time.time() if now is None else now
    state = json.loads(cursor) if cursor else {}
    seen: dict[str, list] = state.get("files", {})
    watched: dict[str, list] = state.get("settling", {})
    current: dict[str, list] = {}
    settling: dict[str, list] = {}
    changed: list[str] = []
    for path in inbox_files(layout):
        try:
            found = path.stat()
            key = [found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino]
            before = seen.get(path.name)
            if before and len(before) == 5 and [before[0], before[1], before[3], before[4]] == key:
                sha = before[2]
            elif now - found.st_mtime < SETTLE_SECONDS and watched.get(path.name) != key:
                settling[path.name] = key  # young, or dated in the future, and not yet seen still: next look
                if before:
                    current[path.name] = before
                continue
            else:
                sha = fingerprint(path).sha256
        except OSError:  # removed or replaced while we looked: the next look sees what is there
            continue
        current[path.name] = [found.st_size, found.st_mtime_ns, sha, found.st_ctime_ns, found.st_ino]
        if before is None or before[2] != sha:
            changed.append(path.name)
    return changed, json.dumps({"files": current, "settling": settling}, sort_keys=True)


#: A build the sensor started that failed is requested again after this long (its change is not forgotten).
RETRY_SECONDS = 3600


def _keeping_build(cursor: dict, state: dict) -> str:
    """`cursor` as text, with the build whose files the state took as read (`adopt_build`), if any."""
    return json.dumps({**cursor, **({"build": state["build"]} if "build" in state else {})}, sort_keys=True)


def next_request(cursor: str | None, looked: str, run_status, now: float) -> tuple[str | None, str, list[str]]:
    """The sensor's decision: (a run key to request, or None; the cursor to keep; the files that are news).

    `looked` is what `look_at_inbox` found. The cursor keeps the files of the last build the sensor saw succeed
    ("files") apart from what a requested build is reading ("pending"): it advances only when that build
    succeeded. A failed build's change stays news, and is requested again after RETRY_SECONDS or as soon as the
    inbox changes again. `run_status(key)` says what became of a requested run: "success", "failure", "running" or
    None (not started yet)."""
    state = json.loads(cursor) if cursor else {}
    seen = json.loads(looked)
    confirmed, pending = state.get("files", {}), state.get("pending")
    files, settling = seen["files"], seen.get("settling", {})
    if pending is not None:
        status = run_status(pending["run_key"])
        if status == "success":
            confirmed, pending = pending["files"], None
        elif status in (None, "running") or (pending["files"] == files and now - pending["at"] < RETRY_SECONDS):
            return None, _keeping_build({**state, "settling": settling}, state), []
        else:  # failed, and the inbox changed since or it is time to try again
            pending = None
    news = sorted(name for name, entry in files.items() if name not in confirmed or confirmed[name][2] != entry[2])
    if not news:
        return None, _keeping_build({"files": files, "settling": settling}, state), []
    content = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
    key = f"inbox-{content}-{int(now)}"
    kept = {"files": confirmed, "settling": settling, "pending": {"run_key": key, "files": files, "at": now}}
    return key, _keeping_build(kept, state), news


_INBOX_ASSET = dg.AssetKey(["inbox", "budget_lines"])


def last_build_read(instance: dg.DagsterInstance) -> tuple[str, dict[str, str]] | None:
    """(run id, {file name: SHA-256}) of the inbox files the latest successful build read, or None."""
    records = instance.fetch_materializations(_INBOX_ASSET, limit=20).records
    for record in records:
        run = instance.get_run_by_id(record.run_id)
        if run is None or run.status != dg.DagsterRunStatus.SUCCESS:
            continue
        materialization = record.asset_materialization
        read = materialization.metadata.get(INBOX_READ) if materialization is not None else None
        if isinstance(read, dg.JsonMetadataValue) and isinstance(read.value, dict):
            return record.run_id, {str(name): str(sha) for name, sha in read.value.items()}
    return None


def adopt_build(cursor: str | None, build: tuple[str, dict[str, str]] | None) -> str | None:
    """The cursor with the files of the last successful build as read, when that build is newer than the cursor
    knows (a new home, or a build the sensor did not start); a pending request of the sensor's own is kept."""
    if build is None:
        return cursor
    state = json.loads(cursor) if cursor else {}
    run_id, read = build
    if state.get("build") == run_id:
        return cursor
    state["files"] = {name: [None, None, sha, None, None] for name, sha in read.items()}
    state["build"] = run_id
    return json.dumps(state, sort_keys=True)


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
        start = adopt_build(context.cursor, last_build_read(context.instance))
        state = json.loads(start) if start else {}
        _, looked = look_at_inbox(layout, json.dumps({k: state[k] for k in ("files", "settling") if k in state}))

        def run_status(key: str) -> str | None:
            runs = context.instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": key}), limit=1)
            if not runs:
                return None
            if runs[0].status == dg.DagsterRunStatus.SUCCESS:
                return "success"
            return "failure" if runs[0].is_finished else "running"

        key, cursor, changed = next_request(start, looked, run_status, time.time())
        context.update_cursor(cursor)
        if key is None:
            pending = json.loads(cursor).get("pending")
            if pending is not None:
                return dg.SkipReason(f"Waiting for the build requested as {pending['run_key']} (or its retry)")
            return dg.SkipReason("No new or changed file in data_raw/inbox/")
        return dg.RunRequest(
            run_key=key,
            run_config=FULL_BUILD,
            tags={"milspace/trigger": "inbox", "milspace/changed": ", ".join(changed)[:200]},
        )

    return _sensor
