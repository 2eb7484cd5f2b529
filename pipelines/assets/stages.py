"""Who owns each stage of the asset graph and how the UI can filter it: owners and tags by asset group.

The groups are the stages of the data flow: `inputs` (files read and checked), `staging` (loaded into the working
warehouse), `marts` (the public tables built by sql/marts/), `publish` (the report and the published warehouse).
Edit OWNERS to name the people or team answering for a stage (Dagster accepts e-mail addresses and `team:<name>`).
"""

from __future__ import annotations

import dagster as dg

#: The stage's owners, as Dagster shows them on each asset.
OWNERS = {
    "inputs": ["team:milspace-intake"],
    "staging": ["team:milspace-intake"],
    "marts": ["team:milspace-marts"],
    "publish": ["team:milspace-report"],
}

#: What each stage is, as a tag value the UI filters on (`stage`), and whether analysts query it (`audience`).
TAGS = {
    "inputs": {"stage": "inputs", "audience": "pipeline"},
    "staging": {"stage": "staging", "audience": "pipeline"},
    "marts": {"stage": "marts", "audience": "analysts"},
    "publish": {"stage": "publish", "audience": "analysts"},
}


def with_stage(spec: dg.AssetSpec) -> dg.AssetSpec:
    """`spec` with its stage's owners and tags (a group not listed here is left as it is)."""
    group = spec.group_name or ""
    if group not in OWNERS:
        return spec
    return spec.merge_attributes(owners=OWNERS[group], tags=TAGS[group])
