"""Our World in Data grapher exports, on the real file in ../shared/data."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import owid
from pipelines.sources.registry import read_file
from tests.conftest import shared_file
from tests.source_helpers import contract_rejections

OWID_FILE = "owid/military-spending-as-a-share-of-gdp-sipri.csv"


@pytest.fixture(scope="module")
def result():
    return read_file(shared_file(OWID_FILE), "owid.csv")


def test_detected_and_every_row_read(result):
    assert result.source_format == owid.FORMAT
    assert result.lines.height == 8245  # every data row of the file (8,246 lines with the header)
    assert result.rejected.height == 0
    assert contract_rejections(result).height == 0


def test_values_as_in_the_file(result):
    usa = result.lines.filter((pl.col("entity_code") == "USA") & (pl.col("period") == 2024)).row(0, named=True)
    assert usa["value"] == pytest.approx(3.4192164)
    assert (usa["measure"], usa["unit"], usa["category"], usa["row"]) == (
        "milex_share_of_gdp",
        "percent of GDP",
        "North America",
        7972,
    )
    afghanistan = result.lines.filter(pl.col("entity_name") == "Afghanistan").sort("period").row(0, named=True)
    assert (afghanistan["period"], afghanistan["value"], afghanistan["row"]) == (1970, pytest.approx(1.6296061), 2)


def test_owid_codes_and_aggregates(result):
    kosovo = result.lines.filter(pl.col("entity_name") == "Kosovo")
    assert set(kosovo["entity_code"]) == {"XKX"} and set(kosovo["entity_kind"]) == {"country"}
    eu = result.lines.filter(pl.col("entity_name") == "European Union (SIPRI)")
    assert eu.height == 3 and set(eu["entity_kind"]) == {"aggregate"}


def test_bad_cells_are_rejected_with_their_row(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "Entity,Code,Year,Military expenditure (% of GDP)\n"
        "France,FRA,2020,2.0\nFrance,FRA,20x1,2.1\nFrance,FRA,2022,n/a\n"
    )
    result = owid.read(path, "x.csv", default_names())
    assert result.lines["period"].to_list() == [2020]
    assert result.rejected.select("row", "column", "rule", "value").rows() == [
        (3, "Year", "type: integer year", "20x1"),
        (4, "Military expenditure (% of GDP)", "type: number", "n/a"),
    ]


def test_an_unknown_indicator_is_a_clear_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Entity,Code,Year,Population\nFrance,FRA,2020,67000000\n")
    with pytest.raises(InputFileError, match="indicator 'Population' is not one milspace knows"):
        read_file(path, "x.csv")
