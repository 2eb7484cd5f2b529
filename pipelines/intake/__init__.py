"""The checked stage: where every input becomes rows that load and rows that are quarantined.

- contract.py  apply a Pandera contract to a frame: valid rows go on, failing rows become quarantine rows.
- shipped.py   the starter and reference files (data packages under data_raw/): read, then their contract.
- inbox.py     the inbox (data_raw/inbox/) and the shipped budget-line extracts: detect, read, check, set aside.
- documents.py strategy documents (data_raw/strategies/ and the inbox): read, score, and their rows.
- staging.py   load checked inbox files into the run's staging tables (lines, quarantine, sources).

The shapes rows take here (budget line, rejected row, staging.sources record) are declared in pipelines/shapes.py.
"""
