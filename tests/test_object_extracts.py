"""milspace object extracts (pipelines/sources/object_extracts.py): space objects in the space-object shape, read
back with their catalogue's publisher, reader and edition, and with where each was read."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.intake.inbox import check_file
from pipelines.nations import default_names
from pipelines.shapes import SPACE_OBJECT_COLUMNS, finalize_objects
from pipelines.sources import object_extracts
from pipelines.sources.probe import Probe
from pipelines.sources.registry import detect
from tests.source_helpers import nation_codes


def _objects() -> pl.DataFrame:
    return finalize_objects(
        pl.DataFrame(
            {
                "source": ["Union of Concerned Scientists, UCS Satellite Database"] * 2,
                "source_format": ["ucs_satellites"] * 2,
                "edition": ["UCS Satellite Database, launches to 2022-12-28"] * 2,
                "edition_date": ["2022-12-28"] * 2,
                "file": ["UCS-Satellite-Database-1-1-2023.csv"] * 2,
                "row": [13, 1072],
                "object_name": ["Advanced Orion 10", "Hubble Space Telescope"],
                "cospar_id": ["2020-095A", "1990-037B"],
                "norad_id": [47237, 20580],
                "operator_kind": ["single", "joint"],
                "operator_code": ["USA", None],
                "operator_parties": [None, ["ESA", "USA"]],
                "users": ["Military", "Civil"],
                "is_military": [True, False],
                "launch_date": ["2020-12-11", "1990-04-24"],
            }
        ).with_columns(pl.col("edition_date", "launch_date").str.to_date())
    )


def _csv(frame: pl.DataFrame) -> str:
    lists = [n for n, c in SPACE_OBJECT_COLUMNS.items() if c.dtype == pl.List(pl.String)]
    return frame.with_columns(pl.col(n).list.join(";") for n in lists).write_csv(null_value="")


def test_an_object_extract_reads_back_with_where_each_object_was_read(tmp_path):
    path = tmp_path / "objects.csv"
    path.write_text(_csv(_objects()), encoding="utf-8")
    assert detect(Probe(path, "objects.csv")).FORMAT == "milspace_object_extract"
    checked = check_file(path, "data_raw/inbox/objects.csv", default_names(), nation_codes())
    assert (checked.status, checked.lines.height, checked.rejected.height) == ("loaded", 0, 0)
    objects = checked.objects
    assert objects["extracted_from"].to_list() == [
        "UCS-Satellite-Database-1-1-2023.csv, row 13",
        "UCS-Satellite-Database-1-1-2023.csv, row 1072",
    ]
    assert objects["row"].to_list() == [2, 3] and set(objects["file"]) == {"data_raw/inbox/objects.csv"}
    assert objects["operator_parties"].to_list() == [None, ["ESA", "USA"]]
    assert objects["source_format"].to_list() == ["ucs_satellites"] * 2  # the catalogue's reader, kept


def test_a_cell_not_of_its_type_is_a_rejected_row_naming_the_column(tmp_path):
    frame = _objects().with_columns(pl.col("launch_date").cast(pl.String))
    frame = frame.with_columns(launch_date=pl.Series(["11/12/2020", "1990-04-24"]))
    path = tmp_path / "objects.csv"
    path.write_text(_csv(frame), encoding="utf-8")
    result = object_extracts.read(path, "objects.csv", default_names())
    assert result.rejected.select("row", "column", "value").rows() == [(2, "launch_date", "11/12/2020")]
    assert result.objects["object_name"].to_list() == ["Hubble Space Telescope"]


def test_an_extract_with_a_column_missing_is_refused_naming_it(tmp_path):
    path = tmp_path / "objects.csv"
    path.write_text(_csv(_objects().drop("apogee_km")), encoding="utf-8")
    with pytest.raises(InputFileError, match=r"space-object columns .*missing columns \['apogee_km'\]"):
        object_extracts.read(path, "objects.csv", default_names())
