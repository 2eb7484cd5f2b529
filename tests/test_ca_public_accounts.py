"""Public Accounts of Canada (vote table, standard-object table): the real editions in ../shared/data and small
synthetic files for the layouts and faults the reader handles."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import ca_public_accounts as reader
from pipelines.sources.probe import Probe
from pipelines.sources.registry import detect, read_file
from tests.conftest import shared_file
from tests.source_helpers import contract_rejections, figure_identity_columns

FOLDER = "national/canada"
VOTES_2020 = f"{FOLDER}/eav_eac_en_2020-07-13.csv"
VOTES_2021 = f"{FOLDER}/eav_eac_en_2021-04-08.csv"
OBJECTS_2020 = f"{FOLDER}/eso_eac_en_2020-07-13.csv"
OBJECTS_2021 = f"{FOLDER}/easo_eac_en_2021-04-08.csv"
#: The columns that make a figure's identity (staging.figure_identity) that this reader sets.
#: What makes two lines one figure (as the warehouse decides it).
IDENTITY = [*figure_identity_columns()]
VOTE_HEADER = '\ufeff"fy_ef","org_id","org_name","vote_and_statutory","description","authorities","expenditures"\n'
OBJECT_HEADER = '\ufeff"fy_ef","org_id","org_name","sobj_en","expenditures"\n'


@pytest.fixture(scope="module")
def editions():
    return {
        relative: read_file(shared_file(relative), relative)
        for relative in (VOTES_2020, VOTES_2021, OBJECTS_2020, OBJECTS_2021)
    }


def _one(lines: pl.DataFrame, **where) -> dict:
    found = lines.filter(*(pl.col(k) == v for k, v in where.items()))
    assert found.height == 1, found
    return found.row(0, named=True)


def _write(tmp_path: Path, text: str, name: str = "pa.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


# --- the real editions --------------------------------------------------------------------------------------------


def test_every_edition_detected_read_whole_and_named_by_its_years(editions):
    expected = {
        VOTES_2020: ("Public Accounts of Canada, vote table (2011-2018)", 2 * 4214),
        VOTES_2021: ("Public Accounts of Canada, vote table (2011-2019)", 2 * 5336),
        OBJECTS_2020: ("Public Accounts of Canada, standard object table (2011-2018)", 8575),
        OBJECTS_2021: ("Public Accounts of Canada, standard object table (2011-2019)", 9647),
    }
    for relative, result in editions.items():
        assert result.source_format == "ca_public_accounts"
        assert (result.edition, result.lines.height, result.rejected.height) == (*expected[relative], 0)
        assert contract_rejections(result).height == 0
        assert set(result.lines["entity_code"]) == {"CAN"} and set(result.lines["currency"]) == {"CAD"}
        assert set(result.lines["is_total"]) == {False}


def test_national_defence_fy2018_vote_1_as_read_by_hand(editions):
    # eav_eac_en_2020-07-13.csv line 3941:
    # 2018,133,"Department of National Defence",1,"Operating/Program",16071130527.00,15739904501.00
    lines = editions[VOTES_2020].lines
    authorities = _one(lines, row=3941, measure="authorities")
    expenditures = _one(lines, row=3941, measure="expenditures")
    assert (authorities["value"], authorities["phase"], authorities["source_column"]) == (
        16_071_130_527.0,
        "enacted",
        "authorities",
    )
    assert (expenditures["value"], expenditures["phase"]) == (15_739_904_501.0, "actual")
    assert {k: authorities[k] for k in ("period", "organization", "account", "account_title", "funding_type")} == {
        "period": 2018,
        "organization": "133",
        "account": "1",
        "account_title": "Operating/Program",
        "funding_type": "voted",
    }
    assert (authorities["category"], authorities["line_item"], authorities["file"]) == ("vote", None, VOTES_2020)
    assert authorities["organization_title"] == "Department of National Defence"
    assert (authorities["period_type"], authorities["fiscal_year_start_month"], authorities["fiscal_year_label"]) == (
        "fiscal_year",
        4,
        "end",
    )
    assert (authorities["unit"], authorities["unit_factor"], authorities["price_basis"]) == ("CAD", 1.0, "current")


def test_the_2021_edition_restates_the_same_figure_with_the_same_identity(editions):
    # eav_eac_en_2021-04-08.csv line 4282 (lines end CR CR LF): the same row, not revised:
    # 2018,133,"Department of National Defence",1,"Operating/Program",16071130527.00,15739904501.00
    old = _one(editions[VOTES_2020].lines, row=3941, measure="expenditures")
    new = _one(editions[VOTES_2021].lines, row=4282, measure="expenditures")
    assert new["value"] == 15_739_904_501.0
    assert _one(editions[VOTES_2021].lines, row=4282, measure="authorities")["value"] == 16_071_130_527.0
    assert {k: old[k] for k in IDENTITY} == {k: new[k] for k in IDENTITY}
    assert old["edition"] != new["edition"]


def test_every_figure_of_the_2020_edition_keeps_its_identity_in_the_2021_one(editions):
    """Each figure the July 2020 files give (FY2011-FY2018) is found in the April 2021 files, so the newer edition
    revises it; names reworded between the editions (org 348, the Senate's and the climate incentive's statutory
    items) do not break it. The one exception is a row the 2021 standard-object table no longer has."""
    for old, new, gone in ((VOTES_2020, VOTES_2021, 0), (OBJECTS_2020, OBJECTS_2021, 1)):
        before = editions[old].lines.select(IDENTITY)
        after = editions[new].lines.filter(pl.col("period") <= 2018).select(IDENTITY)
        missing = before.join(after, on=IDENTITY, how="anti", nulls_equal=True)
        assert missing.height == gone, missing
        assert before.is_duplicated().sum() == 0 and after.is_duplicated().sum() == 0
    # 2014, org 136, "Transfer payments": in the 2020 standard-object table only
    assert missing.select("period", "organization", "line_item").rows() == [(2014, "136", "Transfer payments")]


def test_reworded_names_keep_one_identity(editions):
    # org 348 is "Department of Indigenous Services Canada" in 2020 (line 4200) and "... Services" in 2021
    old = _one(editions[VOTES_2020].lines, row=4200, measure="authorities")
    assert old["organization"] == "348" and old["value"] == 1_894_996_163.0
    # "Climate action incentive payments" (2020 line 3733) became "Climate Action Incentive Payment" (2021 line 4063)
    before = _one(editions[VOTES_2020].lines, row=3733, measure="expenditures")
    after = _one(editions[VOTES_2021].lines, row=4063, measure="expenditures")
    assert before["line_item_title"] == "Climate action incentive payments"
    assert after["line_item_title"] == "Climate Action Incentive Payment"
    assert before["line_item"] == after["line_item"] == "climate action incentive payment"
    assert before["value"] == after["value"] == 663_758_550.0


def test_fiscal_year_2011_gains_rows_in_the_later_edition(editions):
    for relative, rows in ((VOTES_2020, 554), (VOTES_2021, 609)):
        lines = editions[relative].lines.filter(pl.col("period") == 2011)
        assert lines.filter(pl.col("measure") == "authorities").height == rows
        assert lines.filter(pl.col("measure") == "expenditures").height == rows


def test_statutory_items_told_apart_from_votes(editions):
    lines = editions[VOTES_2020].lines.filter(pl.col("measure") == "expenditures")
    split = dict(lines.group_by("funding_type").len().rows())
    assert split == {"statutory": 2593, "voted": 1621}
    assert set(lines.filter(pl.col("funding_type") == "statutory")["account"]) == {"S"}
    assert lines.filter((pl.col("funding_type") == "voted") & pl.col("line_item").is_not_null()).height == 0
    assert dict(editions[VOTES_2021].lines.filter(pl.col("measure") == "expenditures").group_by("funding_type").len()
                .rows()) == {"statutory": 3320, "voted": 2016}  # fmt: skip
    # National Defence FY2018 (2020 lines 3941-3953): vote 1, 5, 10, 15, 20 and eight statutory items
    defence = lines.filter((pl.col("organization") == "133") & (pl.col("period") == 2018))
    assert sorted(defence.filter(pl.col("funding_type") == "voted")["account"]) == ["1", "10", "15", "20", "5"]
    assert defence.filter(pl.col("funding_type") == "statutory").height == 8


def test_an_item_stated_twice_in_one_year_is_two_figures(editions):
    # Canada Revenue Agency (46), FY2012, statutory "Court Awards" twice: 2020 lines 598 and 599
    lines = editions[VOTES_2020].lines.filter(pl.col("measure") == "expenditures")
    first = _one(lines, row=598)
    second = _one(lines, row=599)
    assert (first["line_item"], first["value"]) == ("court award", 51_620.0)
    assert (second["line_item"], second["value"]) == ("court award #2", 1_509_627.0)
    assert first["line_item_title"] == second["line_item_title"] == "Court Awards"


def test_an_empty_cell_is_a_missing_figure_not_a_rejected_row(editions):
    # 2020 line 3224: 2017,46,"Canada Revenue Agency","S","Disbursements to provinces under the Softwood ...",,0.31
    lines = editions[VOTES_2020].lines
    authorities = _one(lines, row=3224, measure="authorities")
    assert (authorities["value"], authorities["missing_marker"]) == (None, "empty")
    assert _one(lines, row=3224, measure="expenditures")["value"] == 0.31
    # the 2021 edition leaves both blank on line 3036 (Canadian Transportation Agency, FY2016)
    both = editions[VOTES_2021].lines.filter(pl.col("row") == 3036)
    assert both["missing_marker"].to_list() == ["empty", "empty"]


def test_standard_objects_are_their_own_category(editions):
    # eso_eac_en_2020-07-13.csv line 7876: 2018,133,"Department of National Defence","Personnel",9794735019.50
    lines = editions[OBJECTS_2020].lines
    personnel = _one(lines, row=7876)
    assert (personnel["value"], personnel["measure"], personnel["phase"]) == (9_794_735_019.5, "expenditures", "actual")
    assert (personnel["category"], personnel["line_item"], personnel["line_item_title"]) == (
        "standard object",
        "Personnel",
        "Personnel",
    )
    assert (personnel["account"], personnel["funding_type"], personnel["organization"]) == (None, None, "133")
    # line 7888: revenues credited against spending are negative
    assert _one(lines, row=7888)["value"] == -364_428_934.23
    # easo_eac_en_2021-04-08.csv line 7875: the same figure, the same identity
    again = _one(editions[OBJECTS_2021].lines, row=7875)
    assert again["value"] == 9_794_735_019.5 and {k: again[k] for k in IDENTITY} == {k: personnel[k] for k in IDENTITY}
    # the same money as the vote table's expenditures (21,615,941,912 for National Defence in FY2018), kept apart
    defence = lines.filter((pl.col("organization") == "133") & (pl.col("period") == 2018))
    assert defence["value"].sum() == pytest.approx(21_615_941_912.44)
    assert lines.height == 8575 and set(lines["category"]) == {"standard object"}


# --- synthetic files ----------------------------------------------------------------------------------------------


def test_sniff_needs_the_header_words_not_the_name(tmp_path):
    votes = _write(tmp_path, VOTE_HEADER + '2018,133,"National Defence",1,"Operating",10.00,9.00\n', "budget.txt")
    objects = _write(tmp_path, OBJECT_HEADER + '2018,133,"National Defence","Personnel",5.00\n', "x.csv")
    other = _write(tmp_path, '"fy_ef","amount"\n2018,5\n', "eav_eac_en_2020-07-13.csv")
    assert reader.sniff(Probe(votes, "budget.txt")) and reader.sniff(Probe(objects, "x.csv"))
    assert not reader.sniff(Probe(other, "eav_eac_en_2020-07-13.csv"))
    assert detect(Probe(votes, "budget.txt")).FORMAT == "ca_public_accounts"


def test_other_formats_are_not_taken_for_public_accounts(tmp_path):
    owid = _write(tmp_path, "Entity,Code,Year,Military expenditure (% of GDP)\nCanada,CAN,2018,1.3\n")
    assert not reader.sniff(Probe(owid, "owid.csv"))


def test_a_layout_without_bom_or_quotes_and_with_crlf_reads_the_same(tmp_path):
    text = (
        "fy_ef,org_id,org_name,vote_and_statutory,description,authorities,expenditures\r\r\n"
        "2019,133,Department of National Defence,01,Operating/Program,100.00,90.50\r\r\n"
        "2019,0133,Department of National Defence,s,Contributions to employee benefit plans,7.00,7.00\r\r\n"
    )
    result = reader.read(_write(tmp_path, text), "pa.csv", default_names())
    assert result.rejected.height == 0
    assert result.lines.select("row", "account", "funding_type", "measure", "value").rows() == [
        (2, "1", "voted", "authorities", 100.0),
        (2, "1", "voted", "expenditures", 90.5),
        (3, "S", "statutory", "authorities", 7.0),
        (3, "S", "statutory", "expenditures", 7.0),
    ]
    assert result.edition == "Public Accounts of Canada, vote table (2019-2019)"
    assert set(result.lines["organization"]) == {"133"}


def test_an_unknown_header_word_is_refused_naming_the_column(tmp_path):
    text = VOTE_HEADER.replace('"expenditures"', '"expenditures","lapsed"') + '2018,1,"A",1,"B",1.00,1.00,0\n'
    with pytest.raises(InputFileError) as caught:
        reader.read(_write(tmp_path, text), "pa.csv", default_names())
    assert caught.value.column == "lapsed" and caught.value.row == 1
    assert str(caught.value).startswith("Cannot read file pa.csv, row 1, column 'lapsed': the vote table has a column")


def test_a_missing_column_is_refused_naming_it(tmp_path):
    text = '"fy_ef","org_id","org_name","vote_and_statutory","description","expenditures"\n2018,1,"A",1,"B",1.00\n'
    with pytest.raises(InputFileError, match="lacks the column\\(s\\) authorities"):
        reader.read(_write(tmp_path, text), "pa.csv", default_names())


def test_a_french_export_is_refused_clearly(tmp_path):
    text = '\ufeff"fy_ef","org_id","org_name","sobj_fr","expenditures"\n2018,133,"Défense nationale","Personnel",5\n'
    path = _write(tmp_path, text)
    assert reader.sniff(Probe(path, "pa.csv"))  # taken, so the refusal says what it is
    with pytest.raises(InputFileError) as caught:
        reader.read(path, "pa.csv", default_names())
    assert caught.value.column == "sobj_fr" and "French export" in str(caught.value)


@pytest.mark.parametrize("amount", ["1 234,56", "abc", "1.234,5", "1,234.56", "#REF!"])
def test_an_unparsable_amount_is_a_rejected_row(tmp_path, amount):
    text = VOTE_HEADER + '2018,133,"DND",1,"Operating",10.00,9.00\n' + f'2018,133,"DND",5,"Capital","{amount}",3.00\n'
    result = reader.read(_write(tmp_path, text), "pa.csv", default_names())
    assert result.rejected.select("file", "row", "column", "value").rows() == [("pa.csv", 3, "authorities", amount)]
    assert set(result.lines["row"]) == {2}  # the whole row is left out, its good cell too


def test_bad_years_orgs_and_votes_are_rejected_with_their_row(tmp_path):
    text = (
        VOTE_HEADER
        + '20x8,133,"DND",1,"Operating",10.00,9.00\n'
        + '2018,,"DND",1,"Operating",10.00,9.00\n'
        + '2018,133,"DND",1a,"Operating",10.00,9.00\n'
        + '2018,133,"DND",5,"Capital",4.00\n'
        + '2018,133,"DND",10,"Grants",2.00,1.00\n'
    )
    result = reader.read(_write(tmp_path, text), "pa.csv", default_names())
    assert result.rejected.select("row", "column", "value").rows() == [
        (2, "fy_ef", "20x8"),
        (3, "org_id", ""),
        (4, "vote_and_statutory", "1a"),
        (5, "(line)", "6 fields"),
    ]
    assert set(result.lines["account"]) == {"10"}


def test_a_negative_amount_and_a_missing_marker_are_kept(tmp_path):
    text = VOTE_HEADER + '2018,133,"DND","S","Refunds of amounts credited to revenues",-1658914.91,..\n'
    result = reader.read(_write(tmp_path, text), "pa.csv", default_names())
    assert result.rejected.height == 0
    assert result.lines.select("measure", "value", "missing_marker").rows() == [
        ("authorities", -1_658_914.91, None),
        ("expenditures", None, ".."),
    ]
    assert reader.NEVER_NEGATIVE == frozenset()
    assert contract_rejections(result).height == 0


def test_the_standard_object_table_is_read_with_its_category(tmp_path):
    text = OBJECT_HEADER + '2019,133,"DND","Personnel",10.25\n2019,133,"DND","External revenues",-3.00\n'
    result = reader.read(_write(tmp_path, text), "pa.csv", default_names())
    assert result.edition == "Public Accounts of Canada, standard object table (2019-2019)"
    assert result.lines.select("category", "line_item", "measure", "phase", "value", "source_column").rows() == [
        ("standard object", "Personnel", "expenditures", "actual", 10.25, "expenditures"),
        ("standard object", "External revenues", "expenditures", "actual", -3.0, "expenditures"),
    ]


def test_fold_keeps_rewordings_together_and_distinct_names_apart():
    assert reader.fold("Officers and Members of the Senate-Salaries") == reader.fold(
        "Officers and Members of the Senate - Salaries"
    )
    assert reader.fold("Climate action incentive payments") == reader.fold("Climate Action Incentive Payment")
    assert reader.fold("Court Awards") != reader.fold("Collection Agency Fees")
    assert reader.fold("Loss on Foreign Exchange status") == "loss on foreign exchange status"
