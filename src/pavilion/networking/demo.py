"""Demo tables for the example event's pavilion (invented, and labelled so).

``networking_demo_load(venue=...)`` is idempotent: tables are found by their
venue and English name and updated. No opening hours are written, so the
area is open 09:00–18:00 (event time) every day of the example event.
"""

from __future__ import annotations

from pavilion.programme.models import Venue

from .models import NetworkingTable

DEMO_TABLES = [
    {"order": 1, "name_en": "Table 1 (example)", "name_ja": "テーブル1（例）", "seats": 4},
    {"order": 2, "name_en": "Table 2 (example)", "name_ja": "テーブル2（例）", "seats": 4},
    {"order": 3, "name_en": "Round table (example)", "name_ja": "丸テーブル（例）", "seats": 8},
]


def networking_demo_load(*, venue: Venue) -> int:
    """Create or update the demo tables of ``venue``; return how many it has."""
    for data in DEMO_TABLES:
        table = NetworkingTable.objects.filter(venue=venue, name_en=data["name_en"]).first()
        table = table or NetworkingTable(venue=venue)
        for field, value in data.items():
            setattr(table, field, value)
        table.is_active = True
        table.full_clean()
        table.save()
    return len(DEMO_TABLES)
