"""Regenerate data_raw/reference/nations.csv and nation_names.csv.

    .venv/bin/python scripts/make_nation_reference.py [SIPRI workbook]

nations.csv lists every code a budget line may carry: the ISO 3166-1 countries (from pycountry's copy of the
standard), the historical states SIPRI reports (ISO 3166-3 codes where the standard has one; milspace codes
otherwise, marked as such), and the bodies and aggregates milspace uses. The columns milspace curates by hand
(is_focus, sources) are kept from the existing file; memberships with dates live in memberships.csv.

nation_names.csv maps the names publishers write to those codes (SIPRI's country list, NATO's tables, and
common English variants). With the SIPRI workbook given, SIPRI's regions and subregions are read from its
'Current US$' sheet, and every SIPRI country name is checked to map.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pycountry

REFERENCE = Path(__file__).resolve().parents[1] / "data_raw" / "reference"
ISO = "ISO 3166-1 alpha-3 (pycountry copy of the ISO standard)"

#: Historical states SIPRI reports: code, name, source of the code.
HISTORICAL = [
    ("SUN", "USSR", "ISO 3166-3 former code (Union of Soviet Socialist Republics)"),
    ("DDR", "German Democratic Republic", "ISO 3166-3 former code"),
    ("CSK", "Czechoslovakia", "ISO 3166-3 former code"),
    ("YUG", "Yugoslavia", "ISO 3166-3 former code (Socialist Federal Republic of Yugoslavia)"),
    (
        "YAR",
        "Yemen, North",
        "milspace code for the Yemen Arab Republic (1962-1990); not an ISO code, since ISO "
        "reused YEM for unified Yemen",
    ),
]
#: Codes outside ISO 3166-1 for present-day entities.
USER_ASSIGNED = [("XKX", "Kosovo", "user-assigned code used by the European Commission and the World Bank")]

#: Names publishers write that ISO lookup does not resolve (or resolves wrongly): name -> code.
ALIASES = {
    "Cape Verde": "CPV",
    "Congo, DR": "COD",
    "Congo, Republic": "COG",
    "Cote d'Ivoire": "CIV",
    "Gambia, The": "GMB",
    "Korea, North": "PRK",
    "Korea, South": "KOR",
    "Brunei": "BRN",
    "Timor Leste": "TLS",
    "Kosovo": "XKX",
    "Russia": "RUS",
    "Czechoslovakia": "CSK",
    "German Democratic Republic": "DDR",
    "Yugoslavia": "YUG",
    "USSR": "SUN",
    "Yemen, North": "YAR",
    "European Union": "EU",
    # NATO's tables
    "United States": "USA",
    "Slovak Republic": "SVK",
    "Türkiye": "TUR",
    "Turkey": "TUR",
    "Czech Republic": "CZE",
    "North Macedonia": "MKD",
    "Netherlands": "NLD",
    "United Kingdom": "GBR",
    # common English variants
    "Iran": "IRN",
    "Syria": "SYR",
    "Viet Nam": "VNM",
    "Vietnam": "VNM",
    "Laos": "LAO",
    "Taiwan": "TWN",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Tanzania": "TZA",
    "Moldova": "MDA",
    "Kyrgyz Republic": "KGZ",
    "Eswatini": "SWZ",
}

SIPRI_REGIONS = {"Africa", "Americas", "Asia & Oceania", "Europe", "Middle East"}
SIPRI_SUBREGIONS = {
    "North Africa",
    "sub-Saharan Africa",
    "Central America and the Caribbean",
    "North America",
    "South America",
    "Oceania",
    "South Asia",
    "East Asia",
    "South East Asia",
    "Central Asia",
    "Central Europe",
    "Eastern Europe",
    "Western Europe",
}


def iso_code(name: str) -> str:
    if name in ALIASES:
        return ALIASES[name]
    return pycountry.countries.lookup(name).alpha_3


def sipri_countries(workbook: Path) -> list[tuple[str, str, str | None]]:
    """(SIPRI name, region, subregion) for every country row of the 'Current US$' sheet."""
    import openpyxl

    sheet = openpyxl.load_workbook(workbook, read_only=True)["Current US$"]
    region = subregion = None
    rows = []
    for values in sheet.iter_rows(values_only=True):
        name = values[0].strip() if isinstance(values[0], str) else None
        if not name or name == "Country":
            continue
        if name in SIPRI_REGIONS:
            region, subregion = name, None
        elif name in SIPRI_SUBREGIONS:
            subregion = name
        elif region is not None:
            rows.append((name, region, subregion))
    return rows


def main(argv: list[str]) -> None:
    existing = {r["code"]: r for r in csv.DictReader((REFERENCE / "nations.csv").open(encoding="utf-8"))}
    sipri = sipri_countries(Path(argv[1])) if len(argv) > 1 else []
    sipri_by_code = {iso_code(name): (name, region, sub) for name, region, sub in sipri}

    nations: dict[str, dict] = {}

    def add(code: str, name: str, kind: str, source: str) -> None:
        kept = existing.get(code, {})
        sipri_name, region, subregion = sipri_by_code.get(code, (None, None, None))
        nations[code] = {
            "code": code,
            "name": kept.get("name") or sipri_name or name,
            "kind": kept.get("kind") or kind,
            "region": kept.get("region") or region or "",
            "subregion": kept.get("subregion") or subregion or "",
            "is_focus": kept.get("is_focus", "false"),
            "source": kept.get("source")
            or source + ("; region: SIPRI Military Expenditure Database" if region else ""),
        }

    for country in pycountry.countries:
        add(country.alpha_3, getattr(country, "common_name", None) or country.name, "country", ISO)
    for code, name, source in USER_ASSIGNED:
        add(code, name, "country", source)
    for code, name, source in HISTORICAL:
        add(code, name, "historical_state", source)
    for code, row in existing.items():
        if code not in nations:
            nations[code] = {**row, "subregion": row.get("subregion", "")}

    fields = ["code", "name", "kind", "region", "subregion", "is_focus", "source"]
    focus_first = sorted(nations.values(), key=lambda r: (r["is_focus"] != "true", r["kind"], r["code"]))
    with (REFERENCE / "nations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(focus_first)

    names: dict[str, tuple[str, str]] = {}
    for row in nations.values():
        names.setdefault(row["name"], (row["code"], "milspace reference name"))
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(value, (country.alpha_3, ISO))
    for name, code in ALIASES.items():
        names[name] = (code, "milspace alias: a name as SIPRI, NATO or other publishers write it")
    for name, _region, _sub in sipri:
        names[name] = (iso_code(name), "SIPRI Military Expenditure Database country name")
    unknown = sorted({code for code, _ in names.values()} - nations.keys())
    if unknown:
        raise SystemExit(f"names map to codes missing from nations.csv: {unknown}")
    with (REFERENCE / "nation_names.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "code", "source"])
        for name in sorted(names, key=str.casefold):
            writer.writerow([name, *names[name]])
    print(f"wrote {len(nations)} nations and {len(names)} names to {REFERENCE}")


if __name__ == "__main__":
    main(sys.argv)
