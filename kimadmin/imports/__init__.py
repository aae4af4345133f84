"""Spreadsheet import (CSV and XLSX) of KIM with their boards, FK Metra groups, activities, awards.

Flow: upload → preview (every row with its errors, counts to create/update/skip; nothing is
written) → confirm → one transaction, all rows or none, recorded in the import history. The same
preview is printed by ``flask kim import``. See ``README.md`` here for the sheet layouts.

Modules: :mod:`.reader` (file type by content, limits), :mod:`.values` (cell rules),
:mod:`.regions` (desa matching with suggestions), :mod:`.plan` (preview and apply),
:mod:`.kinds` (one module per kind), :mod:`.storage` (the file kept between preview and
confirm), :mod:`.service` (the transaction), :mod:`.views`, :mod:`.cli`.
"""
