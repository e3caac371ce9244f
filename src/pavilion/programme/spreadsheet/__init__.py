"""The programme as a spreadsheet: the documented columns, read from and written to CSV and XLSX.

- ``columns``: the column set and the words each structured cell accepts, as data;
- ``cells``: the small syntax of the structured cells (hosts, speakers, links, chapters);
- ``readers``: a CSV or XLSX file into rows of strings;
- ``validate``: rows into a plan of writes, or problems (row, column, message);
- ``services``: ``programme_import``, all or nothing;
- ``export``: the same columns out, so that an export imports back unchanged.

See docs/import.md.
"""
