"""Frictionless `datapackage.json` descriptors: which CSV files a folder holds and what their fields are."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import InputFileError

#: Field types milspace's starter files use (a subset of the Table Schema types).
FIELD_TYPES = {"string", "integer", "number", "boolean", "date"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    unit: str | None
    required: bool

    @property
    def described(self) -> str:
        """The description with the unit after it, as the warehouse's column comment: "... Unit: <unit>."."""
        return self.description + (f" Unit: {self.unit}." if self.unit else "")


@dataclass(frozen=True)
class Resource:
    """One file described by a data package."""

    name: str
    path: Path
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


def load_package(folder: Path) -> dict[str, Resource]:
    """Read `folder/datapackage.json`; resources by name, in the order the descriptor lists them."""
    descriptor = folder / "datapackage.json"
    shown = str(descriptor)
    try:
        data = json.loads(descriptor.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(shown, "the data package descriptor is missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(shown, f"not valid JSON ({exc})") from None
    resources: dict[str, Resource] = {}
    for i, res in enumerate(data.get("resources") or []):
        try:
            fields = tuple(
                Field(
                    name=f["name"],
                    type=f.get("type", "string"),
                    description=f.get("description", ""),
                    unit=f.get("unit"),
                    required=bool(f.get("constraints", {}).get("required", False)),
                )
                for f in res["schema"]["fields"]
            )
            resource = Resource(
                name=res["name"],
                path=folder / res["path"],
                description=res.get("description", ""),
                fields=fields,
                primary_key=tuple(res["schema"].get("primaryKey", [])),
            )
        except (KeyError, TypeError) as exc:
            raise InputFileError(shown, f"resource {i + 1} lacks {exc}") from None
        unknown = [f.name for f in fields if f.type not in FIELD_TYPES]
        if unknown:
            raise InputFileError(shown, f"resource {resource.name!r}: unsupported field types for {unknown}")
        resources[resource.name] = resource
    if not resources:
        raise InputFileError(shown, "the descriptor lists no resources")
    return resources
