"""The demo content: COP29 as the source page shows it, and an invented upcoming event.

The COP29 part carries the facts of the source page exactly (names, titles,
Baku times, the Japanese forms of names). The second event is an example,
labelled as such everywhere, whose dates follow the day the demo is loaded so
that what only makes sense before an event (registering, waiting lists,
"upcoming sessions", calendar subscriptions) can be tried.

``demo_load`` is idempotent: rows are found by their slugs and updated, the
speakers, hosts, links and chapters of each demo session are replaced by the
demo's set, and nothing the demo did not create is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.utils import timezone

from pavilion.pages.models import GlossaryTerm

from .models import (
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

COP29_SLUG = "cop29"
EXAMPLE_EVENT_SLUG = "example-climate-week-belem"
EXAMPLE_DAYS_AHEAD = 21
EXAMPLE_LENGTH_DAYS = 5

BAKU = ZoneInfo("Asia/Baku")
BELEM = ZoneInfo("America/Belem")

OUR_PAVILION = "multilevel-action-urbanization-pavilion"
JAPAN_PAVILION = "japan-pavilion"
EXAMPLE_PAVILION = "example-pavilion"

# The source names the Japan Pavilion's event page and a recording but not
# their addresses. The event page points to the Ministry of the Environment's
# site, and the recording to the ministry's video channel: the exact video
# address is not in the source.
JAPAN_PAVILION_EVENT_PAGE = "https://www.env.go.jp/"
JAPAN_PAVILION_RECORDING = "https://www.youtube.com/@env_japan"

Role = Participation.Role
HostRole = SessionHost.Role
LinkKind = SessionLink.Kind
Kind = Organisation.Kind


# --------------------------------------------------------------------------
# Organisations and people
# --------------------------------------------------------------------------

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "slug": "iclei",
        "name_en": "ICLEI – Local Governments for Sustainability",
        "name_ja": "イクレイ－持続可能性をめざす自治体協議会",
        "short_name_en": "ICLEI",
        "short_name_ja": "イクレイ",
        "kind": Kind.NETWORK_OFFICE,
        "country": "",
        "website": "https://iclei.org/",
    },
    {
        "slug": "un-habitat",
        "name_en": "United Nations Human Settlements Programme (UN-Habitat)",
        "name_ja": "国連人間居住計画（UN-Habitat）",
        "short_name_en": "UN-Habitat",
        "short_name_ja": "UN-Habitat",
        "kind": Kind.UN_AGENCY,
        "country": "",
        "website": "https://unhabitat.org/",
    },
    {
        "slug": "scupa",
        "name_en": (
            "State Committee for Urban Planning and Architecture of the Republic of Azerbaijan"
            " (SCUPA)"
        ),
        "name_ja": "アゼルバイジャン国家都市計画建築委員会（SCUPA）",
        "short_name_en": "SCUPA",
        "short_name_ja": "SCUPA",
        "kind": Kind.NATIONAL_AGENCY,
        "country": "AZ",
        "website": "",
    },
    {
        "slug": "saitama-city",
        "name_en": "Saitama City",
        "name_ja": "さいたま市",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.CITY,
        "country": "JP",
        "website": "https://www.city.saitama.lg.jp/",
    },
    {
        "slug": "iclei-japan",
        "name_en": "ICLEI Japan",
        "name_ja": "イクレイ日本",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.NETWORK_OFFICE,
        "country": "JP",
        "website": "https://japan.iclei.org/",
    },
    {
        "slug": "iclei-world-secretariat",
        "name_en": "ICLEI World Secretariat",
        "name_ja": "イクレイ世界事務局",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.NETWORK_OFFICE,
        "country": "DE",
        "website": "https://iclei.org/",
    },
    {
        "slug": "iclei-europe",
        "name_en": "ICLEI Europe",
        "name_ja": "イクレイヨーロッパ事務局",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.NETWORK_OFFICE,
        "country": "DE",
        "website": "https://iclei-europe.org/",
    },
    {
        "slug": "tokyo-metropolitan-government",
        "name_en": "Tokyo Metropolitan Government",
        "name_ja": "東京都",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.REGION,
        "country": "JP",
        "website": "https://www.metro.tokyo.lg.jp/",
    },
    {
        "slug": "ministry-of-the-environment-japan",
        "name_en": "Ministry of the Environment, Japan",
        "name_ja": "環境省",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.NATIONAL_AGENCY,
        "country": "JP",
        "website": "https://www.env.go.jp/",
    },
    {
        "slug": "yokohama-city",
        "name_en": "Yokohama City",
        "name_ja": "横浜市",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.CITY,
        "country": "JP",
        "website": "https://www.city.yokohama.lg.jp/",
    },
    {
        "slug": "bangkok-metropolitan-administration",
        "name_en": "Bangkok Metropolitan Administration",
        "name_ja": "バンコク都",
        "short_name_en": "BMA",
        "short_name_ja": "",
        "kind": Kind.CITY,
        "country": "TH",
        "website": "https://www.bangkok.go.th/",
    },
    # Invented, for the example event.
    {
        "slug": "example-riverside-city",
        "name_en": "Riverside City (example)",
        "name_ja": "リバーサイド市（例）",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.CITY,
        "country": "BR",
        "website": "",
    },
    {
        "slug": "example-sakura-hills-city",
        "name_en": "Sakura Hills City (example)",
        "name_ja": "さくらヒルズ市（例）",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.CITY,
        "country": "JP",
        "website": "",
    },
    {
        "slug": "example-green-coast-region",
        "name_en": "Green Coast Region (example)",
        "name_ja": "グリーンコースト州（例）",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.REGION,
        "country": "BR",
        "website": "",
    },
    {
        "slug": "example-institute-for-urban-resilience",
        "name_en": "Institute for Urban Resilience (example)",
        "name_ja": "都市レジリエンス研究所（例）",
        "short_name_en": "",
        "short_name_ja": "",
        "kind": Kind.RESEARCH,
        "country": "",
        "website": "",
    },
]

PEOPLE: list[dict[str, Any]] = [
    {
        "slug": "kazuhiko-takemoto",
        "name_en": "Kazuhiko Takemoto",
        "name_ja": "竹本 和彦",
        "title_en": "President, ICLEI Japan",
        "title_ja": "イクレイ日本理事長",
        "organisation": "iclei-japan",
    },
    {
        "slug": "yutaka-matsuzawa",
        "name_en": "Yutaka Matsuzawa",
        "name_ja": "松澤 裕",
        "title_en": "Vice-Minister for Global Environmental Affairs, Ministry of the Environment",
        "title_ja": "環境省 地球環境審議官",
        "organisation": "ministry-of-the-environment-japan",
    },
    {
        "slug": "togo-uchida",
        "name_en": "Togo Uchida",
        "name_ja": "内田 東吾",
        "title_en": "Secretary General, ICLEI Japan",
        "title_ja": "イクレイ日本事務局長",
        "organisation": "iclei-japan",
    },
    {
        "slug": "hayato-shimizu",
        "name_en": "Hayato Shimizu",
        "name_ja": "清水 勇人",
        "title_en": "Mayor of Saitama City",
        "title_ja": "さいたま市長",
        "organisation": "saitama-city",
    },
    {
        "slug": "yuriko-koike",
        "name_en": "Yuriko Koike",
        "name_ja": "小池 百合子",
        "title_en": "Governor of Tokyo",
        "title_ja": "東京都知事",
        "organisation": "tokyo-metropolitan-government",
    },
    # Invented, for the example event.
    {
        "slug": "example-alex-rivera",
        "name_en": "Alex Rivera (example)",
        "name_ja": "アレックス・リベラ（例）",
        "title_en": "Mayor of Riverside City (example)",
        "title_ja": "リバーサイド市長（例）",
        "organisation": "example-riverside-city",
    },
    {
        "slug": "example-hanako-mihon",
        "name_en": "Hanako Mihon (example)",
        "name_ja": "見本 花子（例）",
        "title_en": "Mayor of Sakura Hills City (example)",
        "title_ja": "さくらヒルズ市長（例）",
        "organisation": "example-sakura-hills-city",
    },
    {
        "slug": "example-jordan-lee",
        "name_en": "Jordan Lee (example)",
        "name_ja": "ジョーダン・リー（例）",
        "title_en": "Climate Director, Green Coast Region (example)",
        "title_ja": "グリーンコースト州 気候部長（例）",
        "organisation": "example-green-coast-region",
    },
    {
        "slug": "example-sam-okafor",
        "name_en": "Sam Okafor (example)",
        "name_ja": "サム・オカフォー（例）",
        "title_en": "Researcher, Institute for Urban Resilience (example)",
        "title_ja": "都市レジリエンス研究所 研究員（例）",
        "organisation": "example-institute-for-urban-resilience",
    },
]


# --------------------------------------------------------------------------
# COP29
# --------------------------------------------------------------------------

COP29_EVENT: dict[str, Any] = {
    "name_en": "COP29 — UN Climate Change Conference",
    "name_ja": "COP29（国連気候変動枠組条約第29回締約国会議）",
    "short_name_en": "COP29",
    "short_name_ja": "COP29",
    "place_en": "Baku, Azerbaijan",
    "place_ja": "アゼルバイジャン・バクー",
    "start_date": dt.date(2024, 11, 11),
    "end_date": dt.date(2024, 11, 22),
    "timezone": "Asia/Baku",
    "secondary_timezones": ["Asia/Tokyo"],
    "is_example": False,
    "is_public": True,
}

OUR_PAVILION_VENUE: dict[str, Any] = {
    "name_en": "Multilevel Action & Urbanization Pavilion",
    "name_ja": "マルチレベル・アクション&都市化パビリオン",
    "is_ours": True,
    "area_m2": 100,
    "capacity": None,
    "equipment_en": "Modern audio-visual equipment",
    "equipment_ja": "最新のオーディオビジュアル設備",
    "website": "https://iclei.org/",
    "order": 0,
    "description_en": (
        "ICLEI, UN-Habitat and Azerbaijan's State Committee for Urban Planning and Architecture"
        " (SCUPA), with the support of other event partners, are jointly opening the"
        " Multilevel Action & Urbanization Pavilion. Throughout COP29 the pavilion will be an"
        " international stage for the climate agenda of cities and regions, focusing not only"
        " on their challenges and needs but also on the achievements and commitments of local"
        " governments working on climate action.\n\n"
        "The pavilion brings together representatives of cities, towns and regions and of the"
        " constituent organisations of the LGMA (Local Governments and Municipal Authorities),"
        " along with the individuals and organisations that support local and subnational"
        " actors in playing a greater role in achieving the goals of the Paris Agreement. The"
        " pavilion space is planned at 100 m², designed to bring in modern audio-visual"
        " technology. The pavilion is scheduled to be open from 11 to 22 November 2024."
    ),
    "description_ja": (
        "イクレイとUN-Habitat、アゼルバイジャン国家都市計画建築委員会(SCUPA)は、その他のイベント・"
        "パートナーの支援を受けて、共同で「マルチレベル・アクション&都市化パビリオン(Multilevel"
        " Action & Urbanization Pavilion)」を開設します。このパビリオンは、COP29期間中、都市と地域の"
        "気候アジェンダの国際的な舞台となり、課題やニーズだけでなく、気候変動対策に取り組む自治体の"
        "成果やコミットメントにも焦点を当てます。\n\n"
        "パビリオンには、都市、町、地域、そしてLGMA(Local Governments and Municipal Authorities)"
        "構成組織の代表者が参加し、パリ協定の目標達成に向けてより大きな役割を果すために地方や"
        "サブナショナルなアクターを支援する個人や団体が集結します。パビリオンのスペースは100㎡を"
        "予定しており、最新のオーディオビジュアル技術を導入できるよう計画しています。パビリオンは、"
        "2024年11月11日から22日までオープンする予定です。"
    ),
    "networking_area_en": (
        "Besides the event space, the pavilion has a dedicated networking space for informal"
        " discussions that support connections between stakeholders. Visitors can also find"
        " networking opportunities between sessions."
    ),
    "networking_area_ja": (
        "イベントスペースに加え、パビリオンにはステークホルダーのつながりをサポートするインフォーマルな"
        "ディスカッションができる専用のネットワーキングスペースがあります。セッションの合間にも"
        "ネットワーキングの機会を見つけることができます。"
    ),
}

OUR_PAVILION_PARTNERS: list[tuple[str, str]] = [
    ("iclei", VenuePartner.Role.CO_ORGANISER),
    ("un-habitat", VenuePartner.Role.CO_ORGANISER),
    ("scupa", VenuePartner.Role.CO_ORGANISER),
]

OUR_PAVILION_AIMS: list[tuple[str, str]] = [
    (
        "Our main aim is to create a place where a wide range of stakeholders come together to"
        " discuss tackling the climate crisis at the local and state level. The Multilevel"
        " Action & Urbanization Pavilion therefore offers everyone who visits a space to learn"
        " how cities, towns, regions and other local governments, working with a range of"
        " partners, contribute to the global challenge of climate change.",
        "私たちの主な目的は、さまざまなステークホルダーが一堂に会し、気候危機への対処を地方・州レベルで"
        "議論する場を設けることです。そのため、「マルチレベル・アクション&都市化パビリオン」を訪れる"
        "すべての人に、都市、町、地域等の自治体が、さまざまなパートナーと協力して地球規模の気候変動問題に"
        "どのように貢献しているかを知ってもらう空間を提供します。",
    ),
    (
        "Through a two-week programme we share valuable insights and knowledge with our partners,"
        " and we encourage participants to put forward their own perspectives, deepening"
        " collective learning and finding opportunities to cooperate. Besides the dedicated"
        " networking area, visitors to the pavilion can find networking opportunities between"
        " sessions.",
        "2週間のプログラムを通じて、私たちはパートナーと貴重な洞察や知識を共有し、参加者には、自らの"
        "視点をアウトプットすることで、集団としての学びを深め、協力の機会を見出すことを奨励します。"
        "パビリオン来場者は、専用のネットワーキング・エリアに加え、セッションの合間にもネットワーキングの"
        "機会を見つけることができます。",
    ),
    (
        "The pavilion is designed to encourage a wide range of discussions, especially among"
        " local governments, national governments and stakeholders. Besides the event space, the"
        " pavilion has a dedicated networking space for informal discussions that support"
        " connections between stakeholders. Through a well-designed space and engaging"
        " activities, we aim to plan events from a broad range of perspectives, to offer"
        " opportunities for a comprehensive discussion of the agenda, and to appeal to a wider"
        " audience.",
        "パビリオンの設計は、特に地方自治体、国家政府やステークホルダー間の多様な議論を促すものです。"
        "イベントスペースに加え、パビリオンにはステークホルダーのつながりをサポートするインフォーマルな"
        "ディスカッションができる専用のネットワーキングスペースもあります。優れたデザインのスペースと"
        "魅力的なアクティビティを通じて、私たちは幅広い視点からイベントを企画し、議題について包括的に"
        "議論する機会を提供し、より多くの聴衆にアピールすることを目指しています。",
    ),
]

JAPAN_PAVILION_VENUE: dict[str, Any] = {
    "name_en": "Japan Pavilion",
    "name_ja": "ジャパン・パビリオン",
    "is_ours": False,
    "order": 1,
}


def _baku(day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2024, 11, day, hour, minute, tzinfo=BAKU)


COP29_SESSIONS: list[dict[str, Any]] = [
    {
        "slug": "urban7-saitama-e-kizuna-high-level-talks",
        "venue": OUR_PAVILION,
        "starts_at": _baku(12, 16, 30),
        "ends_at": _baku(12, 17, 30),
        "title_en": (
            "The Urban7 – Saitama City “E-KIZUNA High-Level Talks”: Continuing the critical role"
            " and engagement of local governments in the G7"
        ),
        "title_ja": (
            "Urban7 – さいたま市「E-KIZUNAハイレベル・トーク」：G7における自治体の重要な役割と"
            "関与を継続するために"
        ),
        "summary_en": (
            "Organised by Saitama City in cooperation with ICLEI Japan. Speakers to be announced."
        ),
        "summary_ja": "さいたま市とイクレイ日本の協力により開催します。登壇者は調整中です。",
        "participations": [(None, Role.SPEAKER, "", "")],
        "hosts": [("saitama-city", HostRole.ORGANISER), ("iclei-japan", HostRole.COOPERATION)],
        "links": [
            (
                LinkKind.WEBSITE,
                "https://www.city.saitama.lg.jp/",
                "Saitama City website",
                "さいたま市ホームページ",
            ),
        ],
    },
    {
        "slug": "lgma-response-to-cop29-and-world-climate-action-summit",
        "venue": OUR_PAVILION,
        "starts_at": _baku(13, 10, 0),
        "ends_at": _baku(13, 11, 0),
        "title_en": "LGMA Response to COP29 and World Climate Action Summit",
        "title_ja": "COP29および世界気候行動サミットに対するLGMAの対応",
        "summary_en": "In this session, Governor of Tokyo Yuriko Koike gives a talk.",
        "summary_ja": "このセッションでは、小池百合子 東京都知事が講演を行います。",
        "participations": [("yuriko-koike", Role.SPEAKER, "", "")],
        "hosts": [
            ("iclei-world-secretariat", HostRole.ORGANISER),
            ("iclei-europe", HostRole.ORGANISER),
        ],
        "links": [
            (
                LinkKind.WEBSITE,
                "https://iclei.org/",
                "Multilevel Action & Urbanization Pavilion website",
                "マルチレベル・アクション&都市化パビリオン ホームページ",
            ),
        ],
    },
    {
        "slug": "japan-pavilion-multilevel-action-high-level-and-action-sessions",
        "venue": JAPAN_PAVILION,
        # The source gives the time but not the date.
        "starts_at": None,
        "ends_at": None,
        "tbc_start_time": dt.time(14, 0),
        "tbc_end_time": dt.time(15, 15),
        "title_en": "Multilevel climate action: high-level and action sessions",
        "title_ja": "マルチレベルの気候変動対策：ハイレベル・セッションとアクション・セッション",
        "summary_en": (
            "Opening by the President of ICLEI Japan and a keynote from the Ministry of the"
            " Environment, followed by a high-level session and an action session. The time"
            " is set; the day is still to be announced."
        ),
        "summary_ja": (
            "イクレイ日本理事長によるオープニングと環境省による基調講演に続き、ハイレベル・セッションと"
            "アクション・セッションを行います。時間は決まっており、開催日は追ってお知らせします。"
        ),
        "recording_url": JAPAN_PAVILION_RECORDING,
        "participations": [
            ("kazuhiko-takemoto", Role.OPENING, "", ""),
            ("yutaka-matsuzawa", Role.KEYNOTE, "", ""),
            ("togo-uchida", Role.MODERATOR, "High-level session", "ハイレベル・セッション"),
            ("hayato-shimizu", Role.SPEAKER, "Action session", "アクション・セッション"),
        ],
        "hosts": [
            ("iclei-japan", HostRole.ORGANISER),
            ("ministry-of-the-environment-japan", HostRole.COOPERATION),
        ],
        "links": [
            (
                LinkKind.EVENT_PAGE,
                JAPAN_PAVILION_EVENT_PAGE,
                "COP29 Japan Pavilion | Event page",
                "COP29 ジャパンパビリオン|イベントページ",
            ),
            (LinkKind.RECORDING, JAPAN_PAVILION_RECORDING, "Recording", "録画映像"),
        ],
    },
    {
        "slug": "japan-pavilion-c2p2-yokohama-bangkok",
        "venue": JAPAN_PAVILION,
        "starts_at": _baku(13, 11, 45),
        "ends_at": _baku(13, 13, 0),
        "title_en": (
            "C2P2 good practice: the Yokohama City – Bangkok Metropolitan Administration"
            " partnership"
        ),
        "title_ja": "C2P2の優良事例：「横浜市・バンコク都連携」",
        "summary_en": (
            "Opening remarks by Yutaka Matsuzawa, Vice-Minister for Global Environmental"
            " Affairs, Ministry of the Environment; a C2P2 good-practice presentation on the"
            " partnership between Yokohama City and Bangkok Metropolitan Administration (from"
            " 23:05 in the recording); closing remarks by Hayato Shimizu, Mayor of Saitama City."
        ),
        "summary_ja": (
            "開会挨拶：松澤 裕 環境省 地球環境審議官。C2P2の優良事例「横浜市・バンコク都連携」"
            "（録画映像の23:05〜）。閉会挨拶：清水 勇人 さいたま市長。"
        ),
        "recording_url": JAPAN_PAVILION_RECORDING,
        "participations": [
            ("yutaka-matsuzawa", Role.OPENING, "", ""),
            ("hayato-shimizu", Role.CLOSING, "", ""),
        ],
        "hosts": [
            ("ministry-of-the-environment-japan", HostRole.ORGANISER),
            ("iclei-japan", HostRole.COOPERATION),
        ],
        "links": [
            (
                LinkKind.EVENT_PAGE,
                JAPAN_PAVILION_EVENT_PAGE,
                "COP29 Japan Pavilion | Event page",
                "COP29 ジャパンパビリオン|イベントページ",
            ),
            (LinkKind.RECORDING, JAPAN_PAVILION_RECORDING, "Recording", "録画映像"),
        ],
        "chapters": [
            (
                dt.timedelta(minutes=23, seconds=5),
                "C2P2 good practice: Yokohama City – Bangkok Metropolitan Administration"
                " partnership",
                "C2P2の優良事例：「横浜市・バンコク都連携」",
            ),
        ],
    },
]


# --------------------------------------------------------------------------
# Glossary (the footnotes of the source page)
# --------------------------------------------------------------------------

GLOSSARY: list[dict[str, Any]] = [
    {
        "slug": "champ",
        "term_en": "CHAMP",
        "term_ja": "CHAMP",
        "expansion_en": "Coalition for High Ambition Multilevel Partnerships",
        "expansion_ja": "高い野心のマルチレベル・パートナーシップ連合",
        "definition_en": (
            "COP28 hosted the Local Climate Action Summit (LCAS), the first official COP event"
            " bringing together leaders of cities and regions, including heads of local"
            " governments. During the LCAS, the COP28 Presidency launched the Coalition for High"
            " Ambition Multilevel Partnerships (CHAMP): a commitment by governments declaring"
            " closer cooperation with subnational governments in planning and implementing NDCs"
            " (the greenhouse gas emission reduction targets submitted every five years as"
            " nationally determined contributions), NAPs (national adaptation plans) and other"
            " plans. Signed by 72 countries, including Japan."
        ),
        "definition_ja": (
            "COP28では、自治体の首長を含む都市や地域のリーダーが集まるCOP初の公式イベント"
            "「Local Climate Action Summit(LCAS)」が開催された。LCAS期間中、COP28議長国は"
            "「高い野心のマルチレベル・パートナーシップ連合(CHAMP)」を立ち上げた。NDCs(国が決定する"
            "貢献として5年ごとに提出する温室効果ガス排出削減目標)やNAPs(国家適応計画)等の計画や実施に"
            "おいて、地方政府との連携強化を宣言した政府のコミットメント。日本を含む72か国が署名。"
        ),
        "aliases": "Coalition for High Ambition Multilevel Partnerships",
    },
    {
        "slug": "town-hall-cops",
        "term_en": "Town Hall COPs",
        "term_ja": "タウンホールCOP",
        "expansion_en": "",
        "expansion_ja": "",
        "definition_en": (
            "The Town Hall COPs initiative is, in effect, a local version of the Conference of"
            " the Parties to the UN Framework Convention on Climate Change (UNFCCC COP). It was"
            " held in 2023 as a “local stocktake” and continues from 2024. By bringing"
            " city-level needs to global policy experts, it amplifies the voices of the people"
            " who experience the effects of climate change on the ground. By holding “Town Hall"
            " COPs” and other climate events, local governments can bring their residents'"
            " priorities into climate action."
        ),
        "definition_ja": (
            "タウンホールCOP(Town Hall COPs)イニシアティブは、国連気候変動枠組条約の締約国会議"
            "(UNFCCC COP)のいわばローカル版であり、「ローカル・ストックテイク」として2023年に実施され、"
            "2024年以降も継続される。これは、都市レベルのニーズを世界の政策専門家に届けることで、"
            "気候変動の影響を現場で経験している人々の声を高めるものである。「タウンホールCOP」やその他の"
            "気候関連イベントを開催することで、自治体は市民の優先事項を気候変動対策に取り入れることが"
            "できる。"
        ),
        "aliases": "Town Hall COP, タウンホールCOP, タウンホール COP",
    },
    {
        "slug": "lgma",
        "term_en": "LGMA",
        "term_ja": "LGMA",
        "expansion_en": "Local Governments and Municipal Authorities",
        "expansion_ja": "自治体・地方当局（Local Governments and Municipal Authorities）",
        "definition_en": (
            "The constituency of local governments and municipal authorities in the UN climate"
            " process; representatives of its constituent organisations take part in the"
            " Multilevel Action & Urbanization Pavilion."
        ),
        "definition_ja": (
            "国連の気候変動交渉における自治体・地方当局の構成組織（コンスティチュエンシー）。"
            "その構成組織の代表者が「マルチレベル・アクション&都市化パビリオン」に参加する。"
        ),
        "aliases": "Local Governments and Municipal Authorities",
    },
    {
        "slug": "ndcs",
        "term_en": "NDCs",
        "term_ja": "NDCs",
        "expansion_en": "Nationally Determined Contributions",
        "expansion_ja": "国が決定する貢献",
        "definition_en": (
            "The greenhouse gas emission reduction targets that each country submits every five"
            " years as its nationally determined contribution."
        ),
        "definition_ja": "国が決定する貢献として5年ごとに提出する温室効果ガス排出削減目標。",
        "aliases": "NDC, 国が決定する貢献",
    },
    {
        "slug": "naps",
        "term_en": "NAPs",
        "term_ja": "NAPs",
        "expansion_en": "National Adaptation Plans",
        "expansion_ja": "国家適応計画",
        "definition_en": (
            "National adaptation plans: the plans in which countries set out how they adapt to"
            " climate change. CHAMP commits governments to work with subnational governments on"
            " them."
        ),
        "definition_ja": (
            "国家適応計画。各国が気候変動への適応の進め方を定める計画。CHAMPでは、その計画や実施に"
            "おける地方政府との連携強化が宣言された。"
        ),
        "aliases": "NAP, 国家適応計画",
    },
]


# --------------------------------------------------------------------------
# The example event (invented; dates follow the day the demo is loaded)
# --------------------------------------------------------------------------

EXAMPLE_EVENT: dict[str, Any] = {
    "name_en": "Example: Climate Week Belém (demo data)",
    "name_ja": "【例】気候ウィーク・ベレン（デモデータ）",
    "short_name_en": "Example week",
    "short_name_ja": "【例】気候ウィーク",
    "place_en": "Belém, Brazil (example)",
    "place_ja": "ブラジル・ベレン（例）",
    "timezone": "America/Belem",
    "secondary_timezones": ["Asia/Tokyo"],
    "is_example": True,
    "is_featured": False,
    "is_public": True,
}

EXAMPLE_VENUE: dict[str, Any] = {
    "name_en": "Example Pavilion (demo data)",
    "name_ja": "【例】パビリオン（デモデータ）",
    "is_ours": True,
    "capacity": 60,
    "order": 0,
    "equipment_en": "Projector and microphones (example)",
    "equipment_ja": "プロジェクターとマイク（例）",
    "description_en": (
        "An invented venue for trying out what the site offers before an event: registering"
        " for a seat, the waiting list, booking a networking table and subscribing to the"
        " calendar. Its sessions, speakers and organisations are invented; none of it is real."
    ),
    "description_ja": (
        "イベント前に使う機能（座席の申込み、キャンセル待ち、ネットワーキング・テーブルの予約、"
        "カレンダーの購読）を試すための架空の会場です。セッション、登壇者、団体はすべて架空のもので、"
        "実在しません。"
    ),
    "networking_area_en": "An invented networking area with tables that can be booked (example).",
    "networking_area_ja": "予約できるテーブルのある架空のネットワーキング・エリアです（例）。",
}

_EXAMPLE_NOTE_EN = "An example session invented for the demo."
_EXAMPLE_NOTE_JA = "デモ用に作られた架空のセッション（例）です。"

# (day of the event counted from 0, start, end) in Belém time; None for a date to be confirmed.
EXAMPLE_SESSIONS: list[dict[str, Any]] = [
    {
        "slug": "example-opening-of-the-example-pavilion",
        "when": (0, dt.time(10, 0), dt.time(11, 0)),
        "status": Session.Status.PUBLISHED,
        "title_en": "Example: Opening of the example pavilion",
        "title_ja": "【例】パビリオンの開会",
        "summary_en": f"{_EXAMPLE_NOTE_EN} Welcome words from the invented host city.",
        "summary_ja": f"{_EXAMPLE_NOTE_JA}架空の開催都市による歓迎の挨拶。",
        "participations": [
            ("example-alex-rivera", Role.OPENING, "", ""),
            ("example-hanako-mihon", Role.KEYNOTE, "", ""),
        ],
        "hosts": [("example-riverside-city", HostRole.ORGANISER)],
    },
    {
        "slug": "example-cities-adapting-to-heat-and-floods",
        "when": (0, dt.time(14, 0), dt.time(15, 30)),
        "status": Session.Status.PUBLISHED,
        "title_en": "Example: Cities adapting to heat and floods",
        "title_ja": "【例】暑さと洪水に適応する都市",
        "summary_en": (
            f"{_EXAMPLE_NOTE_EN} A panel of invented speakers; in Japan time it falls on the"
            " next day."
        ),
        "summary_ja": f"{_EXAMPLE_NOTE_JA}架空の登壇者によるパネル。日本時間では翌日になります。",
        "participations": [
            ("example-jordan-lee", Role.MODERATOR, "", ""),
            ("example-sam-okafor", Role.PANELLIST, "", ""),
            ("example-hanako-mihon", Role.PANELLIST, "", ""),
        ],
        "hosts": [
            ("example-green-coast-region", HostRole.ORGANISER),
            ("example-institute-for-urban-resilience", HostRole.CO_ORGANISER),
        ],
    },
    {
        "slug": "example-financing-local-climate-action",
        "when": (1, dt.time(11, 0), dt.time(12, 0)),
        "status": Session.Status.PUBLISHED,
        "title_en": "Example: Financing local climate action",
        "title_ja": "【例】地域の気候変動対策の資金調達",
        "summary_en": f"{_EXAMPLE_NOTE_EN} How an invented city pays for its climate plan.",
        "summary_ja": f"{_EXAMPLE_NOTE_JA}架空の都市が気候変動対策の計画の資金をどう確保するか。",
        "participations": [("example-alex-rivera", Role.SPEAKER, "", "")],
        "hosts": [("example-riverside-city", HostRole.ORGANISER)],
    },
    {
        "slug": "example-networking-evening",
        "when": (1, dt.time(16, 0), dt.time(17, 30)),
        "status": Session.Status.PUBLISHED,
        "title_en": "Example: Networking evening for cities and partners",
        "title_ja": "【例】都市とパートナーのネットワーキング・イブニング",
        "summary_en": (
            f"{_EXAMPLE_NOTE_EN} Tables in the networking area can be booked; in Japan time it"
            " falls on the next day."
        ),
        "summary_ja": (
            f"{_EXAMPLE_NOTE_JA}ネットワーキング・エリアのテーブルを予約できます。日本時間では翌日に"
            "なります。"
        ),
        "participations": [],
        "hosts": [("example-sakura-hills-city", HostRole.ORGANISER)],
    },
    {
        "slug": "example-workshop-on-urban-heat-maps",
        "when": (2, dt.time(10, 0), dt.time(11, 0)),
        "status": Session.Status.CANCELLED,
        "title_en": "Example: Workshop on urban heat maps",
        "title_ja": "【例】都市の暑熱マップのワークショップ",
        "summary_en": f"{_EXAMPLE_NOTE_EN} It shows how a cancelled session looks.",
        "summary_ja": f"{_EXAMPLE_NOTE_JA}中止になったセッションの表示例です。",
        "participations": [("example-sam-okafor", Role.PRESENTER, "", "")],
        "hosts": [("example-institute-for-urban-resilience", HostRole.ORGANISER)],
    },
    {
        "slug": "example-draft-session",
        "when": (2, dt.time(14, 0), dt.time(15, 0)),
        "status": Session.Status.DRAFT,
        "title_en": "Example: A draft session, not yet published",
        "title_ja": "【例】未公開の下書きセッション",
        "summary_en": f"{_EXAMPLE_NOTE_EN} Only staff see it until it is published.",
        "summary_ja": f"{_EXAMPLE_NOTE_JA}公開されるまではスタッフにのみ表示されます。",
        "participations": [(None, Role.SPEAKER, "", "")],
        "hosts": [("example-green-coast-region", HostRole.ORGANISER)],
    },
    {
        "slug": "example-partner-dialogue-date-to-be-confirmed",
        "when": None,
        "tbc": (dt.time(11, 0), dt.time(12, 0)),
        "status": Session.Status.PUBLISHED,
        "title_en": "Example: Partner dialogue",
        "title_ja": "【例】パートナー対話",
        "summary_en": f"{_EXAMPLE_NOTE_EN} The time is known, the date is still to be confirmed.",
        "summary_ja": f"{_EXAMPLE_NOTE_JA}時間は決まっていますが、日付は未定です。",
        "participations": [("example-jordan-lee", Role.MODERATOR, "", "")],
        "hosts": [("example-green-coast-region", HostRole.ORGANISER)],
    },
    {
        "slug": "example-closing-young-people-and-local-governments",
        "when": (4, dt.time(10, 0), dt.time(11, 30)),
        "status": Session.Status.PUBLISHED,
        "title_en": "Example: Closing session — young people and local governments",
        "title_ja": "【例】閉会セッション：若者と自治体",
        "summary_en": f"{_EXAMPLE_NOTE_EN} Invented young speakers talk with invented mayors.",
        "summary_ja": f"{_EXAMPLE_NOTE_JA}架空の若者と架空の首長が語り合います。",
        "participations": [
            ("example-hanako-mihon", Role.SPEAKER, "", ""),
            ("example-alex-rivera", Role.CLOSING, "", ""),
        ],
        "hosts": [("example-sakura-hills-city", HostRole.ORGANISER)],
    },
]


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


class _Tally:
    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.created = 0
        self.updated = 0

    def add(self, kind: str, *, created: bool | None) -> None:
        """Count a row; ``created`` is None for the replaced rows of a session."""
        self.rows[kind] += 1
        if created is None:
            return
        if created:
            self.created += 1
        else:
            self.updated += 1


def _upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    tally: _Tally,
    kind: str,
) -> Any:
    """Find the row by its natural key, set the demo's values, check and save it."""
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    tally.add(kind, created=created)
    return obj


def _create(model: type[models.Model], values: dict[str, Any], tally: _Tally, kind: str) -> Any:
    obj = model(**values)
    obj.full_clean()
    obj.save()
    tally.add(kind, created=None)
    return obj


def _load_session(
    *,
    event: Event,
    venue: Venue,
    data: dict[str, Any],
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    tbc: tuple[dt.time, dt.time] | None,
    organisations: dict[str, Organisation],
    people: dict[str, Person],
    tally: _Tally,
) -> Session:
    session = _upsert(
        Session,
        {"event": event, "slug": data["slug"]},
        {
            "venue": venue,
            "title_en": data["title_en"],
            "title_ja": data["title_ja"],
            "summary_en": data["summary_en"],
            "summary_ja": data["summary_ja"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "tbc_start_time": tbc[0] if tbc else None,
            "tbc_end_time": tbc[1] if tbc else None,
            "status": data.get("status", Session.Status.PUBLISHED),
            "recording_url": data.get("recording_url", ""),
        },
        tally,
        "sessions",
    )
    # The demo's own set of speakers, hosts, links and chapters replaces the previous one.
    session.participations.all().delete()
    session.hosts.all().delete()
    session.links.all().delete()
    session.chapters.all().delete()
    for order, (person, role, segment_en, segment_ja) in enumerate(data.get("participations", [])):
        _create(
            Participation,
            {
                "session": session,
                "person": people[person] if person else None,
                "role": role,
                "segment_en": segment_en,
                "segment_ja": segment_ja,
                "order": order,
            },
            tally,
            "participations",
        )
    for order, (organisation, role) in enumerate(data.get("hosts", [])):
        _create(
            SessionHost,
            {
                "session": session,
                "organisation": organisations[organisation],
                "role": role,
                "order": order,
            },
            tally,
            "hosts",
        )
    for order, (kind, url, label_en, label_ja) in enumerate(data.get("links", [])):
        _create(
            SessionLink,
            {
                "session": session,
                "kind": kind,
                "url": url,
                "label_en": label_en,
                "label_ja": label_ja,
                "order": order,
            },
            tally,
            "links",
        )
    for offset, title_en, title_ja in data.get("chapters", []):
        _create(
            Chapter,
            {"session": session, "offset": offset, "title_en": title_en, "title_ja": title_ja},
            tally,
            "chapters",
        )
    return session


def _load_cop29(
    *, organisations: dict[str, Organisation], people: dict[str, Person], tally: _Tally
) -> Event:
    # COP29 is the featured event unless staff have featured another one.
    other_featured = Event.objects.filter(is_featured=True).exclude(slug=COP29_SLUG).exists()
    event = _upsert(
        Event,
        {"slug": COP29_SLUG},
        {**COP29_EVENT, "is_featured": not other_featured},
        tally,
        "events",
    )
    ours = _upsert(
        Venue, {"event": event, "slug": OUR_PAVILION}, OUR_PAVILION_VENUE, tally, "venues"
    )
    japan = _upsert(
        Venue, {"event": event, "slug": JAPAN_PAVILION}, JAPAN_PAVILION_VENUE, tally, "venues"
    )
    for order, (organisation, role) in enumerate(OUR_PAVILION_PARTNERS):
        _upsert(
            VenuePartner,
            {"venue": ours, "organisation": organisations[organisation]},
            {"role": role, "order": order},
            tally,
            "venue_partners",
        )
    for order, (text_en, text_ja) in enumerate(OUR_PAVILION_AIMS):
        _upsert(
            VenueAim,
            {"venue": ours, "order": order},
            {"text_en": text_en, "text_ja": text_ja},
            tally,
            "aims",
        )
    venues = {OUR_PAVILION: ours, JAPAN_PAVILION: japan}
    for data in COP29_SESSIONS:
        tbc = (data["tbc_start_time"], data["tbc_end_time"]) if "tbc_start_time" in data else None
        _load_session(
            event=event,
            venue=venues[data["venue"]],
            data=data,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            tbc=tbc,
            organisations=organisations,
            people=people,
            tally=tally,
        )
    return event


def _load_example(
    *,
    today: dt.date,
    organisations: dict[str, Organisation],
    people: dict[str, Person],
    tally: _Tally,
) -> Event:
    start = today + dt.timedelta(days=EXAMPLE_DAYS_AHEAD)
    end = start + dt.timedelta(days=EXAMPLE_LENGTH_DAYS - 1)
    event = _upsert(
        Event,
        {"slug": EXAMPLE_EVENT_SLUG},
        {**EXAMPLE_EVENT, "start_date": start, "end_date": end},
        tally,
        "events",
    )
    venue = _upsert(
        Venue, {"event": event, "slug": EXAMPLE_PAVILION}, EXAMPLE_VENUE, tally, "venues"
    )
    # The sessions move with the event: clear their old times first, so that a session's
    # new slot is never checked against another demo session's stale one.
    Session.objects.filter(
        event=event, slug__in=[data["slug"] for data in EXAMPLE_SESSIONS]
    ).update(starts_at=None, ends_at=None)
    for data in EXAMPLE_SESSIONS:
        if data["when"] is None:
            starts_at = ends_at = None
        else:
            day, start_time, end_time = data["when"]
            date = start + dt.timedelta(days=day)
            starts_at = dt.datetime.combine(date, start_time, tzinfo=BELEM)
            ends_at = dt.datetime.combine(date, end_time, tzinfo=BELEM)
        _load_session(
            event=event,
            venue=venue,
            data=data,
            starts_at=starts_at,
            ends_at=ends_at,
            tbc=data.get("tbc"),
            organisations=organisations,
            people=people,
            tally=tally,
        )
    # Bookable networking tables, so that a newcomer can try booking one.
    from pavilion.networking.demo import networking_demo_load

    networking_demo_load(venue=venue)
    _open_example_registration(event)
    return event


def _open_example_registration(event: Event) -> None:
    """Open registration for the example event's dated sessions (seats: the venue's),
    so that a newcomer can try registering, the waiting list and check-in."""
    from pavilion.registration.models import RegistrationSettings
    from pavilion.registration.services import registration_settings_save

    dated = event.sessions.filter(status=Session.Status.PUBLISHED, starts_at__isnull=False)
    for session in dated.select_related("venue"):
        if not RegistrationSettings.objects.filter(session=session).exists():
            registration_settings_save(settings=RegistrationSettings(session=session, is_open=True))


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> dict[str, int]:
    """Create or update the demo content; return how many rows of each kind it holds.

    The result maps each kind ("events", "sessions", …) to the number of demo rows
    written, plus "created" (rows found by their key that did not exist before) and
    "updated" (such rows that did). The speakers, hosts, links and chapters of a
    session are replaced on every run and counted under their kind only.
    """
    today = today or timezone.localdate()
    tally = _Tally()
    organisations = {
        data["slug"]: _upsert(
            Organisation,
            {"slug": data["slug"]},
            {k: v for k, v in data.items() if k != "slug"},
            tally,
            "organisations",
        )
        for data in ORGANISATIONS
    }
    people = {
        data["slug"]: _upsert(
            Person,
            {"slug": data["slug"]},
            {
                **{k: v for k, v in data.items() if k not in {"slug", "organisation"}},
                "organisation": organisations[data["organisation"]],
            },
            tally,
            "people",
        )
        for data in PEOPLE
    }
    for data in GLOSSARY:
        _upsert(
            GlossaryTerm,
            {"slug": data["slug"]},
            {k: v for k, v in data.items() if k != "slug"},
            tally,
            "glossary_terms",
        )
    _load_cop29(organisations=organisations, people=people, tally=tally)
    _load_example(today=today, organisations=organisations, people=people, tally=tally)
    return {**tally.rows, "created": tally.created, "updated": tally.updated}
