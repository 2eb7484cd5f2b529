"""Capability in orbit on the whole real corpus (the session fixture `full`: every file of ../shared/data in one
inbox beside the starter data): the UCS editions, GCAT's payload catalogue, CelesTrak's export and the J-book XML
in marts.space_objects, space_capability, space_object_revisions, say_spend_field and procurement_line_items, with
values read by hand from the files (the data README) or counted here from the files themselves."""

from __future__ import annotations

import csv
import datetime as dt
import html
import re

import pytest

from tests.conftest import SHARED_DATA, query

UCS = "Union of Concerned Scientists, UCS Satellite Database"
GCAT = "Jonathan McDowell, General Catalog of Artificial Space Objects (GCAT)"
CELESTRAK = "CelesTrak, general perturbations (OMM) elements"


def test_every_ucs_edition_is_whole_in_space_objects_less_its_quarantined_rows(full):
    rows = query(
        full.layout,
        "select file, count(*), count(*) filter (where users = 'Military') from marts.space_objects "
        "where source = ? group by file order by min(edition_date)",
        [UCS],
    )
    quarantined = dict(
        query(
            full.layout,
            "select file, count(distinct \"row\") from marts.quarantine where is_current and file like '%UCS-Sat%' "
            "group by file",
        )
    )
    # data README: satellites per edition 2,787 / 4,550 / 5,465 / 6,718; users exactly "Military" 358 / 402 / 424 / 444
    # (the January 2023 CSV has five rows broken as published, quarantined: tests/test_ucs.py)
    assert [count + quarantined.get(file, 0) for file, count, _ in rows] == [2_787, 4_550, 5_465, 6_718]
    assert [military for *_, military in rows] == [358, 402, 424, 444]
    assert sum(quarantined.values()) == 5


def _ucs_military(path, nation: str) -> int:
    """Satellites of a UCS CSV whose operator country names `nation` (alone or as a party) and whose users name
    the military, counted from the file itself."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        country, users = header.index("Country of Operator/Owner"), header.index("Users")
        return sum(
            1
            for row in reader
            if len(row) > users
            and nation in [part.strip() for part in row[country].split("/")]
            and "military" in [part.strip().lower() for part in row[users].split("/")]
        )


@pytest.mark.parametrize(("code", "spelled"), [("USA", "USA"), ("CHN", "China"), ("RUS", "Russia")])
def test_military_satellites_active_per_year_from_the_ucs_editions(full, code, spelled):
    rows = query(
        full.layout,
        "select year, edition_date, sum(active) from marts.space_capability where operator_code = ? and source = ? "
        "and user_class = 'military' and is_latest_edition_of_year group by all order by year",
        [code, UCS],
    )
    assert [year for year, *_ in rows] == [2020, 2021, 2022]
    assert all(active > 50 for *_, active in rows)
    # the January 2023 edition (launches to 2022-12-28) is 2022's latest; counted here from the CSV itself (none of
    # its five quarantined rows is a military satellite)
    assert rows[-1][1] == dt.date(2022, 12, 28)
    assert rows[-1][2] == _ucs_military(SHARED_DATA / "space/ucs/UCS-Satellite-Database-1-1-2023.csv", spelled)


def test_a_satellite_in_three_catalogues_is_one_object(full):
    rows = query(
        full.layout,
        "select source, object_name, cospar_id, in_sources, in_editions from marts.space_objects "
        "where object_id = 'NORAD 25544' order by source, edition_date",
    )
    # the International Space Station: CelesTrak line 57, GCAT's Zarya block, and every UCS edition
    assert [r[0] for r in rows] == [CELESTRAK, GCAT, UCS, UCS, UCS, UCS]
    assert rows[0][1:3] == ("ISS (ZARYA)", "1998-067A")
    assert all(r[3] == sorted([CELESTRAK, GCAT, UCS]) and r[4] == 6 for r in rows)


def test_sputnik_is_in_gcat_with_its_state_and_military_payloads_are_counted_over_the_years(full):
    [sputnik] = query(
        full.layout,
        "select catalogue_id, norad_id, launch_date, operator_code, users from marts.space_objects "
        "where source = ? and catalogue_id = 'S00002'",
        [GCAT],
    )
    # data README: psatcat line 3 is Sputnik 1 (S00002, 1957 ALP 2, UNState SU)
    assert sputnik == ("S00002", 2, dt.date(1957, 10, 4), "SUN", "C")
    years = dict(
        query(
            full.layout,
            "select year, sum(active) from marts.space_capability where source = ? and user_class = 'military' "
            "and operator_code = 'USA' group by year",
            [GCAT],
        )
    )
    assert min(years) <= 1960 and max(years) == 2025
    assert years[1990] > 50 and years[2020] > years[2000]


def test_a_reclassified_satellite_is_listed_between_the_editions(full):
    rows = query(
        full.layout,
        "select previous_edition, edition, previous_value, value from marts.space_object_revisions "
        "where object_id = 'NORAD 44859' and field = 'detailed_purpose'",
    )
    # 1HOPSAT-TD, row 2 of each edition: 'Technology Development' in August 2020, 'Infrared Imaging' from 2021
    assert rows == [
        (
            "UCS Satellite Database, launches to 2020-07-30",
            "UCS Satellite Database, launches to 2021-08-24",
            "Technology Development",
            "Infrared Imaging",
        )
    ]


def test_say_spend_field_has_all_three_sides_for_the_usa(full):
    rows = query(
        full.layout,
        "select year, capability_area, attention_share_pct, spend_share_pct, satellites_fielded, fielded_share_pct, "
        "fielded_source from marts.say_spend_field where nation_code = 'USA' "
        "and attention_share_pct is not null and spend_share_pct is not null and satellites_fielded is not null",
    )
    assert rows
    by_year: dict[int, list] = {}
    for row in rows:
        by_year.setdefault(row[0], []).append(row)
    for year_rows in by_year.values():  # each side's shares cover the areas: they add up to 100 percent
        for column in (2, 3, 5):
            assert sum(r[column] for r in year_rows) == pytest.approx(100, abs=0.1)
    assert {r[6] for r in rows} <= {UCS, GCAT}


def test_gps_iii_in_the_jbook_beside_its_p1_line(full):
    [(quantity, cost, unit, p1_line)] = query(
        full.layout,
        "select quantity, weapon_system_cost_usd_millions, unit_cost_usd_millions, p1_line_number "
        "from marts.procurement_line_items where line_item = 'GPSIII' and fiscal_year = 2016 "
        "and phase = 'request' and funding_type = 'total'",
    )
    # data README: J-book XML, GPS III (P-1 line 3) budget year one 286.218 $M
    assert (quantity, round(cost, 3), round(unit, 3), p1_line) == (1, 286.218, 286.218, "3")
    [(book, p1, p1_edition)] = query(
        full.layout,
        "select weapon_system_cost_usd_millions, p1_amount_usd_millions, p1_edition from marts.procurement_line_items "
        "where line_item = 'ADV555' and fiscal_year = 2017 and funding_type = 'total'",
    )
    # the FY2016 book's projection for FY2017 (650.718) beside the FY2019 P-1's actual (645,569 thousand, row 963)
    assert (round(book, 3), round(p1, 3), p1_edition) == (650.718, 645.569, "FY2019 President's Budget")


def test_the_orbit_page_draws_military_satellites_by_nation_and_say_spend_field_for_the_usa(full):
    reports = full.layout.reports
    page = (reports / "orbit.html").read_text(encoding="utf-8")
    anchors = re.findall(r'<figure id="([^"]+)">', page)
    [usa] = [a for a in anchors if a.startswith("say-spend-field-usa-")]
    assert anchors[:2] == ["military-satellites-ucs", "military-satellites-gcat"]
    with (reports / "data" / "orbit-military-satellites-ucs.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    usa_rows = [r for r in rows if r["operator"] == "United States of America"]
    # one point per UCS edition; the newest is the January 2023 CSV, counted from the file itself
    assert [r["edition_date"] for r in usa_rows] == ["2020-07-30", "2021-08-24", "2022-04-29", "2022-12-28"]
    assert int(usa_rows[-1]["active"]) == _ucs_military(
        SHARED_DATA / "space/ucs/UCS-Satellite-Database-1-1-2023.csv", "USA"
    )
    with (reports / "data" / f"orbit-{usa}.csv").open(encoding="utf-8") as handle:
        field = list(csv.DictReader(handle))
    assert len(field) == 9 and all(
        r["attention_share_pct"] and r["spend_share_pct"] and r["fielded_share_pct"] for r in field
    )
    caption = html.unescape(
        re.search(r'<figure id="military-satellites-ucs">.*?<figcaption>(.*?)</figcaption>', page, re.S)[1]
    )
    assert caption.startswith(f"Source: {UCS} (UCS Satellite Database, launches to 2020-07-30, ")
