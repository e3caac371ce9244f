"""A conference-scale event for the benchmark, built with ``bulk_create`` in batches.

The default size is a COP: 12 days, 120 venues, 10,000 sessions, 15,000 people and
2,000 organisations, about 3 speakers and 1-2 hosts per session, titles in English
and Japanese. Published sessions sit in one-hour slots between 08:00 and 20:00 venue
time, one session per slot and venue, so none overlap. About 5% are cancelled and 1%
have a time but no confirmed date. The same seed and first day give the same data.

The bench event is replaced on each run: it and the people and organisations whose
slugs start with ``bench-`` are deleted first. ``bulk_create`` skips ``clean()``;
the data is built to satisfy it anyway.

As a function: ``generate(sessions=..., seed=...)``. As a script, on the benchmark's
own database (see bench/README.md)::

    .venv/bin/python bench/generate.py --sessions 10000 --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from pavilion.programme.models import Event

EVENT_SLUG = "bench-cop"
PREFIX = "bench-"
TIMEZONE = "America/Belem"
SECONDARY_TIMEZONES = ["Asia/Tokyo"]
FIRST_HOUR = 8  # first slot starts 08:00 venue time
SLOTS_PER_DAY = 12  # last slot starts 19:00 and ends by 20:00
BATCH = 2000

PLACES = [
    ("Tokyo", "東京", "JP"),
    ("Yokohama", "横浜", "JP"),
    ("Osaka", "大阪", "JP"),
    ("Kyoto", "京都", "JP"),
    ("Saitama", "さいたま", "JP"),
    ("Sapporo", "札幌", "JP"),
    ("Sendai", "仙台", "JP"),
    ("Nagoya", "名古屋", "JP"),
    ("Kobe", "神戸", "JP"),
    ("Fukuoka", "福岡", "JP"),
    ("Hiroshima", "広島", "JP"),
    ("Kitakyushu", "北九州", "JP"),
    ("Toyama", "富山", "JP"),
    ("Baku", "バクー", "AZ"),
    ("Belém", "ベレン", "BR"),
    ("São Paulo", "サンパウロ", "BR"),
    ("Bangkok", "バンコク", "TH"),
    ("Jakarta", "ジャカルタ", "ID"),
    ("Manila", "マニラ", "PH"),
    ("Seoul", "ソウル", "KR"),
    ("Bonn", "ボン", "DE"),
    ("Freiburg", "フライブルク", "DE"),
    ("Copenhagen", "コペンハーゲン", "DK"),
    ("Paris", "パリ", "FR"),
    ("Lisbon", "リスボン", "PT"),
    ("Nairobi", "ナイロビ", "KE"),
    ("Cape Town", "ケープタウン", "ZA"),
    ("Lagos", "ラゴス", "NG"),
    ("Mexico City", "メキシコシティ", "MX"),
    ("Bogotá", "ボゴタ", "CO"),
    ("Vancouver", "バンクーバー", "CA"),
    ("Toronto", "トロント", "CA"),
    ("Melbourne", "メルボルン", "AU"),
    ("Auckland", "オークランド", "NZ"),
    ("Chennai", "チェンナイ", "IN"),
    ("Dhaka", "ダッカ", "BD"),
    ("Hanoi", "ハノイ", "VN"),
    ("Kuala Lumpur", "クアラルンプール", "MY"),
    ("Istanbul", "イスタンブール", "TR"),
    ("Dubai", "ドバイ", "AE"),
]

# (kind, English pattern, Japanese pattern)
ORG_PATTERNS = [
    ("city", "City of {en}", "{ja}市"),
    ("region", "{en} Region", "{ja}地域"),
    ("national_agency", "{en} Environment Agency", "{ja}環境庁"),
    ("un_agency", "UN Office in {en}", "国連{ja}事務所"),
    ("ngo", "{en} Green Network", "{ja}グリーンネットワーク"),
    ("university", "University of {en}", "{ja}大学"),
    ("research", "{en} Institute for Sustainability", "{ja}持続可能性研究所"),
    ("business", "{en} Energy Company", "{ja}エネルギー株式会社"),
    ("network_office", "Network Office {en}", "ネットワーク{ja}事務所"),
]

GIVEN = [
    ("Maria", "マリア"),
    ("John", "ジョン"),
    ("Aisha", "アイシャ"),
    ("Carlos", "カルロス"),
    ("Fatima", "ファティマ"),
    ("Ahmed", "アハメド"),
    ("Elena", "エレナ"),
    ("David", "デビッド"),
    ("Priya", "プリヤ"),
    ("Lucas", "ルーカス"),
    ("Sofia", "ソフィア"),
    ("Kwame", "クワメ"),
    ("Anna", "アンナ"),
    ("Minh", "ミン"),
    ("Ines", "イネス"),
    ("Omar", "オマール"),
    ("Grace", "グレース"),
    ("Pedro", "ペドロ"),
    ("Leila", "レイラ"),
    ("Jonas", "ヨナス"),
]
SURNAMES = [
    ("Silva", "シルバ"),
    ("Smith", "スミス"),
    ("Mensah", "メンサー"),
    ("Garcia", "ガルシア"),
    ("Aliyev", "アリエフ"),
    ("Müller", "ミュラー"),
    ("Rahman", "ラーマン"),
    ("Nguyen", "グエン"),
    ("Kim", "キム"),
    ("Okafor", "オカフォー"),
    ("Santos", "サントス"),
    ("Dubois", "デュボア"),
    ("Hansen", "ハンセン"),
    ("Kaya", "カヤ"),
    ("Mwangi", "ムワンギ"),
    ("Costa", "コスタ"),
    ("Chen", "チェン"),
    ("Patel", "パテル"),
    ("Rossi", "ロッシ"),
    ("Novak", "ノヴァク"),
]
JA_GIVEN = [
    ("Yuki", "由紀"),
    ("Hiroshi", "浩"),
    ("Akiko", "明子"),
    ("Takeshi", "武"),
    ("Naoko", "直子"),
    ("Kenji", "健二"),
    ("Emi", "恵美"),
    ("Daisuke", "大輔"),
    ("Sachiko", "幸子"),
    ("Haruto", "陽翔"),
    ("Mei", "芽依"),
    ("Ryo", "亮"),
]
JA_SURNAMES = [
    ("Sato", "佐藤"),
    ("Suzuki", "鈴木"),
    ("Takahashi", "高橋"),
    ("Tanaka", "田中"),
    ("Watanabe", "渡辺"),
    ("Ito", "伊藤"),
    ("Yamamoto", "山本"),
    ("Nakamura", "中村"),
    ("Kobayashi", "小林"),
    ("Kato", "加藤"),
    ("Yoshida", "吉田"),
    ("Matsumoto", "松本"),
]
PERSON_TITLES = [
    ("Mayor", "市長"),
    ("Deputy Mayor", "副市長"),
    ("Governor", "知事"),
    ("Director", "部長"),
    ("Head of Climate Policy", "気候政策課長"),
    ("Researcher", "研究員"),
    ("Programme Officer", "プログラムオフィサー"),
    ("Senior Advisor", "シニアアドバイザー"),
    ("Secretary General", "事務局長"),
    ("Minister", "大臣"),
]

TOPICS = [
    ("Urban climate action", "都市の気候変動対策"),
    ("Multilevel governance", "マルチレベル・ガバナンス"),
    ("Nature-based solutions", "自然を基盤とした解決策"),
    ("Climate finance for cities", "都市の気候ファイナンス"),
    ("Resilient infrastructure", "強靭なインフラ"),
    ("Clean energy transition", "クリーンエネルギーへの移行"),
    ("Sustainable mobility", "持続可能なモビリティ"),
    ("Circular economy", "循環経済"),
    ("Adaptation planning and NAPs", "適応計画とNAPs"),
    ("Local contributions to NDCs", "NDCsへの地域の貢献"),
    ("LGMA dialogue", "LGMA対話"),
    ("Heat and health", "暑熱と健康"),
    ("Water security", "水の安全保障"),
    ("Food systems", "食料システム"),
    ("Youth and the climate", "若者と気候"),
    ("Biodiversity in cities", "都市の生物多様性"),
]
FORMATS = [
    ("High-level dialogue", "ハイレベル対話"),
    ("Panel", "パネル"),
    ("Workshop", "ワークショップ"),
    ("Roundtable", "ラウンドテーブル"),
    ("Launch", "ローンチ"),
    ("Good practice", "優良事例"),
]
SEGMENTS = [
    ("Opening", "開会"),
    ("High-level session", "ハイレベルセッション"),
    ("Action session", "アクションセッション"),
]
GLOSSARY = [
    ("bench-lgma", "LGMA", "", "Local Governments and Municipal Authorities constituency"),
    ("bench-ndcs", "NDCs", "", "Nationally Determined Contributions"),
    ("bench-naps", "NAPs", "", "National Adaptation Plans"),
    ("bench-champ", "CHAMP", "", "Coalition for High Ambition Multilevel Partnerships"),
    ("bench-town-hall-cops", "Town Hall COPs", "タウンホールCOP", "Town Hall COPs"),
]
# Speakers per session, weighted to average 3.
SPEAKER_COUNTS = [1, 2, 3, 4, 5]
SPEAKER_WEIGHTS = [1, 2, 4, 2, 1]


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text) or "x"


def delete_bench_data() -> None:
    """Remove the bench event and the people and organisations made for it."""
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
        VenueAim,
        VenuePartner,
    )

    event = Event.objects.filter(slug=EVENT_SLUG).first()
    if event is not None:
        # Children first, so that each delete is one plain query.
        for model in (Chapter, SessionLink, SessionHost, Participation):
            model.objects.filter(session__event=event).delete()
        Session.objects.filter(event=event).delete()
        VenuePartner.objects.filter(venue__event=event).delete()
        VenueAim.objects.filter(venue__event=event).delete()
        Venue.objects.filter(event=event).delete()
        event.delete()
    Person.objects.filter(slug__startswith=PREFIX).delete()
    Organisation.objects.filter(slug__startswith=PREFIX).delete()


def _glossary() -> None:
    """A few footnoted terms, so that pages pay for footnoting as the real site does."""
    from pavilion.pages.models import GlossaryTerm

    if GlossaryTerm.objects.exists():
        return
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(
            slug=slug,
            term_en=term_en,
            term_ja=term_ja,
            expansion_en=expansion,
            definition_en=f"{expansion} (benchmark data).",
            definition_ja=f"{expansion}（ベンチマーク用データ）。",
        )
        for slug, term_en, term_ja, expansion in GLOSSARY
    )


def generate(
    *,
    sessions: int = 10_000,
    people: int = 15_000,
    venues: int = 120,
    days: int = 12,
    orgs: int = 2_000,
    seed: int = 1,
    start: dt.date | None = None,
    verbose: bool = False,
) -> Event:
    """Replace the bench event with a fresh one of the given size; return it.

    ``start`` is the first day; by default a week from today, so that the home
    page has upcoming sessions to show as it does before and during an event.
    """
    from django.db import transaction

    slots = days * venues * SLOTS_PER_DAY
    if sessions > slots:
        raise ValueError(
            f"{sessions} sessions do not fit in {days} days x {venues} venues x "
            f"{SLOTS_PER_DAY} slots ({slots})."
        )
    if min(people, venues, days, orgs) < 1:
        raise ValueError("people, venues, days and orgs must each be at least 1.")
    if start is None:
        start = dt.date.today() + dt.timedelta(days=7)

    clock = time.perf_counter()

    def step(label: str) -> None:
        if verbose:
            print(f"  {label}: {time.perf_counter() - clock:.1f} s", file=sys.stderr)

    with transaction.atomic():
        delete_bench_data()
        step("previous bench data deleted")
        _glossary()
        event = _build(
            rng=random.Random(seed),
            sessions=sessions,
            people=people,
            venues=venues,
            days=days,
            orgs=orgs,
            start=start,
            step=step,
        )
    if _analyze():
        step("planner statistics updated")
    return event


def _analyze() -> bool:
    """Refresh the planner's statistics, as autovacuum does on a production PostgreSQL.

    Without them (a server with autovacuum off, or a run right after loading) the
    planner takes every table for nearly empty and picks plans that are slower by
    orders of magnitude. SQLite gathers no statistics unless told to, and a Django
    site never tells it, so SQLite is measured as it runs.
    """
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    models = [*apps.get_app_config("programme").get_models(), apps.get_model("pages.GlossaryTerm")]
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")
    return True


def _build(*, rng, sessions, people, venues, days, orgs, start, step) -> Event:
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
        VenueAim,
        VenuePartner,
    )

    tz = ZoneInfo(TIMEZONE)
    event = Event.objects.create(
        slug=EVENT_SLUG,
        name_en="Benchmark Climate Conference",
        name_ja="ベンチマーク気候会議",
        short_name_en="Bench COP",
        short_name_ja="ベンチCOP",
        place_en="Belém, Brazil",
        place_ja="ブラジル・ベレン",
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        timezone=TIMEZONE,
        secondary_timezones=list(SECONDARY_TIMEZONES),
        is_featured=not Event.objects.filter(is_featured=True).exists(),
        is_example=True,
        is_public=True,
    )

    # Organisations.
    org_objs = []
    seen_names: dict[str, int] = {}
    for i in range(orgs):
        place_en, place_ja, country = rng.choice(PLACES)
        kind, pattern_en, pattern_ja = rng.choice(ORG_PATTERNS)
        name_en = pattern_en.format(en=place_en)
        name_ja = pattern_ja.format(ja=place_ja)
        n = seen_names[name_en] = seen_names.get(name_en, 0) + 1
        if n > 1:
            name_en, name_ja = f"{name_en} {n}", f"{name_ja} {n}"
        org_objs.append(
            Organisation(
                slug=f"{PREFIX}org-{i:05d}-{_slug(name_en)}"[:100],
                name_en=name_en,
                name_ja=name_ja,
                kind=kind,
                country="" if kind == "un_agency" else country,
                website=f"https://example.org/{i}/" if rng.random() < 0.5 else "",
            )
        )
    org_objs = Organisation.objects.bulk_create(org_objs, batch_size=BATCH)
    step(f"{len(org_objs)} organisations")

    # Venues; the first is "ours", with partners and aims as the home page shows them.
    venue_objs = []
    for i in range(venues):
        if i == 0:
            name_en, name_ja = "Multilevel Action Pavilion", "マルチレベル・アクション・パビリオン"
        elif i <= len(PLACES):
            place_en, place_ja, _country = PLACES[i - 1]
            name_en, name_ja = f"{place_en} Pavilion", f"{place_ja}パビリオン"
        else:
            name_en, name_ja = f"Meeting Room {i}", f"会議室 {i}"
        venue_objs.append(
            Venue(
                event=event,
                slug=f"v{i:03d}-{_slug(name_en)}"[:80],
                name_en=name_en,
                name_ja=name_ja,
                is_ours=i == 0,
                area_m2=100 if i == 0 else None,
                capacity=rng.choice([40, 60, 80, 120, 200]),
                description_en=(
                    "A pavilion for local and regional governments, with NDCs and NAPs "
                    "at the centre of its programme."
                    if i == 0
                    else ""
                ),
                description_ja=(
                    "地方政府のためのパビリオン。NDCsとNAPsをプログラムの中心に据えます。"
                    if i == 0
                    else ""
                ),
                networking_area_en="A networking area for meetings." if i == 0 else "",
                networking_area_ja="打ち合わせのためのネットワーキングエリア。" if i == 0 else "",
                order=i,
            )
        )
    venue_objs = Venue.objects.bulk_create(venue_objs, batch_size=BATCH)
    ours = venue_objs[0]
    VenuePartner.objects.bulk_create(
        VenuePartner(venue=ours, organisation=org, order=n) for n, org in enumerate(org_objs[:3])
    )
    VenueAim.objects.bulk_create(
        VenueAim(
            venue=ours,
            text_en=f"Aim {n + 1}: accelerate local climate action with CHAMP partners.",
            text_ja=f"目標{n + 1}：CHAMPのパートナーとともに地域の気候行動を加速する。",
            order=n,
        )
        for n in range(3)
    )
    step(f"{len(venue_objs)} venues")

    # People.
    person_objs = []
    for i in range(people):
        japanese = rng.random() < 0.3
        if japanese:
            (given_en, given_ja), (sur_en, sur_ja) = rng.choice(JA_GIVEN), rng.choice(JA_SURNAMES)
        else:
            (given_en, given_ja), (sur_en, sur_ja) = rng.choice(GIVEN), rng.choice(SURNAMES)
        name_en = f"{given_en} {sur_en}"
        # Japanese order for Japanese names (佐藤 由紀), katakana with a dot for others.
        name_ja = f"{sur_ja} {given_ja}" if japanese else f"{given_ja}・{sur_ja}"
        title_en, title_ja = rng.choice(PERSON_TITLES)
        person_objs.append(
            Person(
                slug=f"{PREFIX}p{i:05d}-{_slug(name_en)}",
                name_en=name_en,
                name_ja=name_ja,
                title_en=title_en,
                title_ja=title_ja if rng.random() < 0.9 else "",
                organisation=rng.choice(org_objs) if rng.random() < 0.9 else None,
                bio_en=f"{name_en} works on local climate action." if rng.random() < 0.3 else "",
                bio_ja="",
            )
        )
    person_objs = Person.objects.bulk_create(person_objs, batch_size=BATCH)
    step(f"{len(person_objs)} people")

    # Sessions: distinct (day, venue, hour) slots, so no two overlap in a venue.
    chosen = rng.sample(range(days * venues * SLOTS_PER_DAY), sessions)
    n_cancelled = max(1, round(sessions * 0.05)) if sessions >= 2 else 0
    n_tbc = max(1, round(sessions * 0.01)) if sessions >= 2 else 0
    marked = rng.sample(range(sessions), n_cancelled + n_tbc)
    cancelled, tbc = set(marked[:n_cancelled]), set(marked[n_cancelled:])
    session_objs = []
    for i, slot in enumerate(chosen):
        day, rest = divmod(slot, venues * SLOTS_PER_DAY)
        venue_index, hour_index = divmod(rest, SLOTS_PER_DAY)
        hour = FIRST_HOUR + hour_index
        minutes = rng.choices([30, 45, 60], weights=[1, 2, 5])[0]
        topic_en, topic_ja = rng.choice(TOPICS)
        format_en, format_ja = rng.choice(FORMATS)
        number = i + 1
        local = dt.datetime.combine(start + dt.timedelta(days=day), dt.time(hour), tzinfo=tz)
        starts_at = local.astimezone(dt.UTC)
        session = Session(
            event=event,
            venue=venue_objs[venue_index],
            slug=f"s{number:05d}-{_slug(topic_en)}",
            title_en=f"{topic_en}: {format_en}, session {number}",
            title_ja=f"{topic_ja}：{format_ja} セッション {number}",
            summary_en=(
                f"{format_en} on {topic_en.lower()}: how local and regional governments "
                "plan, finance and report their action, with examples from member cities."
            ),
            summary_ja=(
                f"{topic_ja}についての{format_ja}。地方政府が行動を計画し、資金を調達し、"
                "報告する方法を、会員都市の事例とともに紹介します。"
            ),
            status=Session.Status.CANCELLED if i in cancelled else Session.Status.PUBLISHED,
        )
        if i in tbc:
            session.tbc_start_time = dt.time(hour)
            session.tbc_end_time = (local + dt.timedelta(minutes=minutes)).time()
        else:
            session.starts_at = starts_at
            session.ends_at = starts_at + dt.timedelta(minutes=minutes)
        if rng.random() < 0.1:
            session.recording_url = f"https://www.youtube.com/watch?v=bench{number:05d}"
        session_objs.append(session)
    session_objs = Session.objects.bulk_create(session_objs, batch_size=BATCH)
    step(f"{len(session_objs)} sessions")

    # Speakers: some people speak often (a few dozen sessions), most once or twice.
    frequent = person_objs[: max(1, people // 75)]
    roles = Participation.Role
    participations = []
    for session in session_objs:
        count = min(people, rng.choices(SPEAKER_COUNTS, weights=SPEAKER_WEIGHTS)[0])
        picked: list = []
        while len(picked) < count:
            pool = frequent if rng.random() < 0.15 else person_objs
            person = rng.choice(pool)
            if person not in picked:
                picked.append(person)
        segmented = count >= 3 and rng.random() < 0.1
        for n, person in enumerate(picked):
            if n == 0 and count >= 3:
                role = rng.choice([roles.MODERATOR, roles.OPENING])
            elif n == count - 1 and count >= 4 and rng.random() < 0.3:
                role = roles.CLOSING
            else:
                role = rng.choice([roles.SPEAKER, roles.PANELLIST, roles.PRESENTER, roles.KEYNOTE])
            segment_en, segment_ja = SEGMENTS[min(n, 2)] if segmented else ("", "")
            participations.append(
                Participation(
                    session=session,
                    person=None if rng.random() < 0.02 else person,
                    role=role,
                    segment_en=segment_en,
                    segment_ja=segment_ja,
                    order=n,
                )
            )
    Participation.objects.bulk_create(participations, batch_size=BATCH)
    step(f"{len(participations)} participations")

    # Hosts: one or two per session; some organisations host many sessions.
    busy_hosts = org_objs[: max(1, orgs // 20)]
    host_roles = SessionHost.Role
    hosts = []
    for session in session_objs:
        count = min(orgs, 1 if rng.random() < 0.6 else 2)
        picked = []
        while len(picked) < count:
            org = rng.choice(busy_hosts if rng.random() < 0.3 else org_objs)
            if org not in picked:
                picked.append(org)
        for n, org in enumerate(picked):
            role = (
                host_roles.ORGANISER
                if n == 0
                else rng.choice(
                    [host_roles.CO_ORGANISER, host_roles.COOPERATION, host_roles.SUPPORTER]
                )
            )
            hosts.append(SessionHost(session=session, organisation=org, role=role, order=n))
    SessionHost.objects.bulk_create(hosts, batch_size=BATCH)
    step(f"{len(hosts)} hosts")

    # Links and recording chapters.
    link_kinds = SessionLink.Kind
    links = []
    chapters = []
    for session in session_objs:
        order = 0
        if rng.random() < 0.4:
            kind = rng.choice([link_kinds.WEBSITE, link_kinds.EVENT_PAGE])
            links.append(
                SessionLink(
                    session=session,
                    kind=kind,
                    url=f"https://example.org/sessions/{session.slug}/",
                    label_en="Event page" if kind == link_kinds.EVENT_PAGE else "Website",
                    label_ja="イベントページ" if kind == link_kinds.EVENT_PAGE else "ウェブサイト",
                    order=order,
                )
            )
            order += 1
        if session.recording_url:
            links.append(
                SessionLink(
                    session=session,
                    kind=link_kinds.RECORDING,
                    url=session.recording_url,
                    label_en="Recording",
                    label_ja="録画",
                    order=order,
                )
            )
            for n in range(rng.randint(0, 3)):
                chapters.append(
                    Chapter(
                        session=session,
                        offset=dt.timedelta(minutes=5 + 12 * n, seconds=rng.randint(0, 59)),
                        title_en=f"Part {n + 1}",
                        title_ja=f"第{n + 1}部",
                    )
                )
    SessionLink.objects.bulk_create(links, batch_size=BATCH)
    Chapter.objects.bulk_create(chapters, batch_size=BATCH)
    step(f"{len(links)} links, {len(chapters)} chapters")
    return event


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=15_000)
    parser.add_argument("--venues", type=int, default=120)
    parser.add_argument("--days", type=int, default=12)
    parser.add_argument("--orgs", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--start", type=dt.date.fromisoformat, default=None, help="first day, YYYY-MM-DD"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.run import setup_django

    database = setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    began = time.perf_counter()
    event = generate(
        sessions=args.sessions,
        people=args.people,
        venues=args.venues,
        days=args.days,
        orgs=args.orgs,
        seed=args.seed,
        start=args.start,
        verbose=True,
    )
    print(
        f"Generated {event.slug} ({event.start_date} to {event.end_date}) on {database} "
        f"in {time.perf_counter() - began:.1f} s."
    )


if __name__ == "__main__":
    main()
