"""Loads the World Bank income classification shipped with Pavilion, so that a fresh
installation can quote fees at once (data/income_groups_2023.csv names its source)."""

import csv
import datetime as dt
import hashlib
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "income_groups_2023.csv"
TITLE = "World Bank income groups, fiscal year 2024"
SOURCE = (
    "World Bank country classifications by income level for fiscal year 2024 "
    "(effective 1 July 2023), as carried by the country table of the Python package "
    "hdx-python-country 4.2.5 (OCHA Humanitarian Data Exchange, MIT licence)."
)
SOURCE_URL = (
    "https://datahelpdesk.worldbank.org/knowledgebase/articles/"
    "906519-world-bank-country-and-lending-groups"
)


def load(apps, schema_editor):
    IncomeSnapshot = apps.get_model("membership", "IncomeSnapshot")
    CountryIncome = apps.get_model("membership", "CountryIncome")
    if IncomeSnapshot.objects.filter(is_shipped=True, title=TITLE).exists():
        return
    raw = DATA.read_bytes()
    lines = [line for line in raw.decode("utf-8").splitlines() if not line.startswith("#")]
    snapshot = IncomeSnapshot.objects.create(
        title=TITLE,
        source=SOURCE,
        source_url=SOURCE_URL,
        valid_from=dt.date(2023, 7, 1),
        is_shipped=True,
        file_sha256=hashlib.sha256(raw).hexdigest(),
    )
    CountryIncome.objects.bulk_create(
        CountryIncome(snapshot=snapshot, country=row["country"], group=row["group"])
        for row in csv.DictReader(lines)
    )


def unload(apps, schema_editor):
    apps.get_model("membership", "IncomeSnapshot").objects.filter(
        is_shipped=True, title=TITLE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("membership", "0002_fee_schedule_bands_amounts_discounts")]

    operations = [migrations.RunPython(load, unload)]
