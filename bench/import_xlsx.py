"""How long the spreadsheet import takes on a conference-sized programme (target: 30 s).

Writes a 10,000-row XLSX in the import's columns (synthesised like bench/generate.py's
data: 120 venues, about 3 speakers and 1-2 hosts a session, Japanese titles, links,
recordings with chapters, 5% cancelled, 1% without a date), then times, on an empty
event:

- reading the file (openpyxl, read-only);
- a dry run (reading and checking every row, writing nothing);
- the import for real (creating the sessions, their parts and 15,000 people);
- the same file imported again (nothing changes: every row is compared and left alone);
- the file with every title changed, imported again (every session updated);
- exporting the event back to XLSX.

It prints seconds, rows per second and SQL queries for each, and the target beside the
import. It uses its own event (``import-bench``) and people and organisations whose
slugs start with ``import-bench-``, and removes them afterwards (``--keep`` leaves
them), so it never touches the data of bench/run.py.

    .venv/bin/python bench/import_xlsx.py                  # SQLite at var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pavilion_bench .venv/bin/python bench/import_xlsx.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import (  # noqa: E402
    FORMATS,
    GIVEN,
    JA_GIVEN,
    JA_SURNAMES,
    ORG_PATTERNS,
    PERSON_TITLES,
    PLACES,
    SEGMENTS,
    SURNAMES,
    TOPICS,
)

EVENT_SLUG = "import-bench"
PREFIX = "import-bench-"
TARGET_SECONDS = 30.0
SLOTS_PER_DAY = 12
FIRST_HOUR = 8


def synthesise_rows(*, sessions: int, venues: int, days: int, people: int, orgs: int, seed: int):
    """The header and ``sessions`` rows, in the import's columns."""
    from pavilion.programme.spreadsheet.cells import format_item, join_items
    from pavilion.programme.spreadsheet.columns import KEYS

    rng = random.Random(seed)
    start = dt.date(2030, 11, 11)
    person_parts = []
    for i in range(people):
        if rng.random() < 0.3:
            (given_en, given_ja), (sur_en, sur_ja) = rng.choice(JA_GIVEN), rng.choice(JA_SURNAMES)
            name_ja = f"{sur_ja} {given_ja}"
        else:
            (given_en, given_ja), (sur_en, sur_ja) = rng.choice(GIVEN), rng.choice(SURNAMES)
            name_ja = f"{given_ja}・{sur_ja}"
        title_en, title_ja = rng.choice(PERSON_TITLES)
        # Names repeat (there are 15,000 people and a few hundred names): the slug tells
        # them apart, as the export writes it.
        person_parts.append(
            [f"{given_en} {sur_en}", name_ja, title_en, title_ja, f"{PREFIX}p{i:05d}"]
        )
    org_names = [f"{PREFIX}org-{i:05d}" for i in range(orgs)]
    rows = [list(KEYS)]
    chosen = rng.sample(range(days * venues * SLOTS_PER_DAY), sessions)
    for n, slot in enumerate(chosen, start=1):
        day, rest = divmod(slot, venues * SLOTS_PER_DAY)
        venue, hour = divmod(rest, SLOTS_PER_DAY)
        hour += FIRST_HOUR
        minutes = rng.choice([30, 45, 60, 60, 60])
        topic_en, topic_ja = rng.choice(TOPICS)
        format_en, format_ja = rng.choice(FORMATS)
        status = "cancelled" if rng.random() < 0.05 else "published"
        tbc = rng.random() < 0.01
        begin = dt.datetime.combine(start + dt.timedelta(days=day), dt.time(hour))
        finish = begin + dt.timedelta(minutes=minutes)
        speakers = []
        count = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 2, 1])[0]
        segmented = count >= 3 and rng.random() < 0.1
        for k in range(count):
            role = rng.choice(["speaker", "panellist", "presenter", "keynote"])
            if k == 0 and count >= 3:
                role = rng.choice(["moderator", "opening"])
            labels = SEGMENTS[min(k, 2)] if segmented else ("", "")
            parts = ["TBA"] if rng.random() < 0.02 else rng.choice(person_parts)
            speakers.append(format_item(role, list(parts), labels))
        hosts = [format_item("organiser", [rng.choice(org_names)])]
        if rng.random() < 0.4:
            other = rng.choice(org_names)
            if other not in hosts[0]:
                hosts.append(format_item(rng.choice(["cooperation", "supporter"]), [other]))
        links, recording, chapters = [], "", []
        if rng.random() < 0.4:
            links.append(
                format_item(
                    "event_page",
                    [f"https://example.org/sessions/{n}/"],
                    ("Event page", "イベントページ"),
                )
            )
        if rng.random() < 0.1:
            recording = f"https://www.youtube.com/watch?v=bench{n:05d}"
            links.append(format_item("recording", [recording], ("Recording", "録画")))
            for c in range(rng.randint(0, 3)):
                chapters.append(
                    f"{5 + 12 * c:02d}:{rng.randint(0, 59):02d} Part {c + 1} | 第{c + 1}部"
                )
        values = {
            "external_id": f"B{n:05d}",
            "status": status,
            "date": "" if tbc else begin.date().isoformat(),
            "start": begin.strftime("%H:%M"),
            "end": finish.strftime("%H:%M"),
            "japan_start": "",
            "venue": f"v{venue:03d}",
            "title_en": f"{topic_en}: {format_en}, session {n}",
            "title_ja": f"{topic_ja}：{format_ja} セッション {n}",
            "summary_en": f"{format_en} on {topic_en.lower()}: how local governments act.",
            "summary_ja": f"{topic_ja}についての{format_ja}。",
            "hosts": join_items(hosts),
            "speakers": join_items(speakers),
            "links": join_items(links),
            "recording": recording,
            "chapters": join_items(chapters),
        }
        rows.append([values[key] for key in KEYS])
    return rows, start


def write_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Programme")
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def clean_up() -> None:
    from django.db import transaction

    from pavilion.programme.models import (
        Chapter,
        Event,
        Organisation,
        Participation,
        Person,
        Session,
        SessionHost,
        SessionLink,
        Venue,
    )

    with transaction.atomic():
        event = Event.objects.filter(slug=EVENT_SLUG).first()
        if event is not None:
            for model in (Chapter, SessionLink, SessionHost, Participation):
                rows = model.objects.filter(session__event=event)
                rows._raw_delete(rows.db)
            rows = Session.objects.filter(event=event)
            rows._raw_delete(rows.db)
            Venue.objects.filter(event=event).delete()
            event.delete()
        Person.objects.filter(slug__startswith=PREFIX).delete()
        Organisation.objects.filter(slug__startswith=PREFIX).delete()


def prepare(*, start: dt.date, days: int, venues: int, orgs: int):
    """The empty event with its venues, and the organisations the file names."""
    from pavilion.programme.models import Event, Organisation, Venue

    clean_up()
    event = Event.objects.create(
        slug=EVENT_SLUG,
        name_en="Import benchmark",
        name_ja="インポートのベンチマーク",
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        timezone="America/Belem",
        secondary_timezones=["Asia/Tokyo"],
        is_example=True,
        is_public=False,
    )
    Venue.objects.bulk_create(
        Venue(event=event, slug=f"v{i:03d}", name_en=f"Room {i}", name_ja=f"会議室 {i}", order=i)
        for i in range(venues)
    )
    rng = random.Random(0)
    Organisation.objects.bulk_create(
        Organisation(
            slug=f"{PREFIX}org-{i:05d}",
            name_en=f"{rng.choice(ORG_PATTERNS)[1].format(en=rng.choice(PLACES)[0])} {i}",
            kind="city",
        )
        for i in range(orgs)
    )
    return event


def timed(label: str, function, rows: int, results: list, target: float | None = None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        value = function()
        seconds = time.perf_counter() - began
    results.append((label, seconds, rows / seconds if seconds else 0, len(queries), target))
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=15_000)
    parser.add_argument("--venues", type=int, default=120)
    parser.add_argument("--days", type=int, default=12)
    parser.add_argument("--orgs", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="leave the imported event in place")
    args = parser.parse_args(argv)

    from bench.run import setup_django

    database = setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from pavilion.programme.spreadsheet.export import export_xlsx
    from pavilion.programme.spreadsheet.readers import read_table
    from pavilion.programme.spreadsheet.services import programme_import_file

    rows, start = synthesise_rows(
        sessions=args.sessions,
        venues=args.venues,
        days=args.days,
        people=args.people,
        orgs=args.orgs,
        seed=args.seed,
    )
    data = write_xlsx(rows)
    event = prepare(start=start, days=args.days, venues=args.venues, orgs=args.orgs)
    n = len(rows) - 1
    print(f"{n} rows, {len(data) / 1e6:.1f} MB of XLSX, on {database}.")

    results: list = []
    failures = []
    try:
        timed("read the XLSX", lambda: read_table(data, "bench.xlsx"), n, results)

        def run(dry_run: bool):
            report = programme_import_file(
                event=event, data=data, file_name="bench.xlsx", dry_run=dry_run
            )
            if not report.ok:
                failures.extend(report.problem_lines()[:10])
            return report

        dry = timed("dry run (read + check)", lambda: run(True), n, results, TARGET_SECONDS)
        real = timed("import, empty event", lambda: run(False), n, results, TARGET_SECONDS)
        again = timed("import again, no change", lambda: run(False), n, results, TARGET_SECONDS)
        title = rows[0].index("title_en")
        for values in rows[1:]:
            values[title] += " (revised)"
        data = write_xlsx(rows)
        changed = timed(
            "import again, every title changed", lambda: run(False), n, results, TARGET_SECONDS
        )
        timed("export to XLSX", lambda: export_xlsx(event=event), n, results)
    finally:
        if not args.keep:
            clean_up()

    width = max(len(r[0]) for r in results)
    print(f"{'step':<{width}}  {'seconds':>8}  {'rows/s':>8}  {'queries':>7}  target")
    for label, seconds, rate, queries, target in results:
        verdict = ""
        if target is not None:
            verdict = f"<= {target:.0f} s {'PASS' if seconds <= target else 'MISS'}"
        print(f"{label:<{width}}  {seconds:8.2f}  {rate:8.0f}  {queries:7d}  {verdict}")
    if failures:
        print("The import found problems:", *failures, sep="\n  ")
        return 1
    print(
        f"Created {real.created} sessions and {real.people_created} people "
        f"(dry run counted {dry.created}); the second import left {again.unchanged} unchanged, "
        f"the third updated {changed.updated}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
