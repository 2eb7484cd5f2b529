"""Strategy documents: text extraction (extract.py), lexicon scoring with evidence (score.py), money mentions
(money.py), matching to the register (register.py) and downloading the register's documents (fetch.py)."""
