"""The CSV reader for described files: typed columns, rejected cells with their reason, clear file errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.errors import InputFileError
from pipelines.sources.datapackage import load_package
from pipelines.sources.described_csv import read_described_csv

DESCRIPTOR = {
    "name": "t",
    "resources": [
        {
            "name": "things",
            "path": "things.csv",
            "schema": {
                "fields": [
                    {"name": "code", "type": "string"},
                    {"name": "year", "type": "integer"},
                    {"name": "amount", "type": "number"},
                    {"name": "flag", "type": "boolean"},
                    {"name": "day", "type": "date"},
                ]
            },
        }
    ],
}


def package(tmp_path: Path, body: str | bytes):
    (tmp_path / "datapackage.json").write_text(json.dumps(DESCRIPTOR))
    target = tmp_path / "things.csv"
    if isinstance(body, bytes):
        target.write_bytes(body)
    else:
        target.write_text(body, encoding="utf-8")
    return load_package(tmp_path)["things"]


def test_cells_are_cast_to_their_declared_types(tmp_path):
    resource = package(tmp_path, "code,year,amount,flag,day\nUSA, 2024 ,997309.0,TRUE,2020-10-13\nFRA,2023,,false,\n")
    parsed = read_described_csv(resource, "things.csv")
    assert parsed.rejected.height == 0
    assert parsed.frame.rows() == [
        ("USA", 2024, 997309.0, True, __import__("datetime").date(2020, 10, 13), 2),
        ("FRA", 2023, None, False, None, 3),
    ]


def test_cells_that_do_not_cast_are_rejected_with_row_column_rule_and_value(tmp_path):
    resource = package(
        tmp_path, "code,year,amount,flag,day\nA,20x4,1,true,2020-01-01\nB,2020,1 234,yes,13/10/2020\nC,2021,5,false,\n"
    )
    parsed = read_described_csv(resource, "things.csv")
    assert parsed.frame.get_column("code").to_list() == ["C"]
    assert parsed.rejected.select("row", "column", "rule", "value").rows() == [
        (2, "year", "type: integer", "20x4"),
        (3, "amount", "type: number", "1 234"),
        (3, "flag", "type: boolean", "yes"),
        (3, "day", "type: date", "13/10/2020"),
    ]
    assert set(parsed.rejected.get_column("file")) == {"things.csv"}


@pytest.mark.parametrize(
    "body, problem",
    [
        ("", "the file is empty"),
        ("code,year,amount,flag\nA,1,1,true\n", "missing columns ['day']"),
        ("code,year,amount,flag,day,extra\n", "unexpected columns ['extra']"),
        (b"code,year,amount,flag,day\n\xff\xfe,1,1,true,\n", "not UTF-8 text (undecodable byte at line 2)"),
        ("code,year,amount,flag,day\nA,1,1,true,,,,\n", "not a readable CSV table"),
    ],
)
def test_unreadable_files_name_the_file_and_the_problem(tmp_path, body, problem):
    resource = package(tmp_path, body)
    with pytest.raises(InputFileError) as caught:
        read_described_csv(resource, "data_raw/starter/things.csv")
    message = str(caught.value)
    assert message.startswith("Cannot read file data_raw/starter/things.csv")
    assert problem in message


def test_a_missing_descriptor_is_named(tmp_path):
    with pytest.raises(InputFileError, match="datapackage.json: the data package descriptor is missing"):
        load_package(tmp_path)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(finite, min_size=1, max_size=20))
def test_numbers_survive_the_round_trip(tmp_path_factory, values):
    folder = tmp_path_factory.mktemp("num")
    body = "code,year,amount,flag,day\n" + "".join(f"X,2000,{v!r},true,\n" for v in values)
    parsed = read_described_csv(package(folder, body), "things.csv")
    assert parsed.rejected.height == 0
    assert parsed.frame.get_column("amount").to_list() == values


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=',"'), min_size=1, max_size=12
    )
)
def test_text_is_never_read_as_a_number_by_accident(tmp_path_factory, text):
    """A cell is either read as exactly the finite number it spells, or rejected with its text: never zero or NaN."""
    folder = tmp_path_factory.mktemp("txt")
    parsed = read_described_csv(package(folder, f"code,year,amount,flag,day\nX,2000,{text},true,\n"), "things.csv")
    if not text.strip():
        assert parsed.frame.get_column("amount").to_list() == [None]
        return
    if parsed.frame.height:
        [value] = parsed.frame.get_column("amount").to_list()
        assert math.isfinite(value) and value == float(text.strip())
    else:
        [rejected] = parsed.rejected.get_column("value").to_list()
        assert rejected == text.strip()
