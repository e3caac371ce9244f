"""Demo content: the pages and the testimonial of the source page, in both languages.

Idempotent: pages are found by their English address and the testimonial by the
person's English name, then updated; a second run creates nothing new."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pavilion.programme.demo import OUR_PAVILION_AIMS

from .models import Page, Status, Testimonial
from .services import page_save, testimonial_save

ABOUT_EN = """The **Multilevel Action & Urbanization Pavilion** was opened jointly by ICLEI, \
UN-Habitat and Azerbaijan's State Committee for Urban Planning and Architecture (SCUPA), \
with the support of other event partners, at COP29 in Baku. It was open from \
**11 to 22 November 2024**.

Throughout COP29 the pavilion was an international stage for the climate agenda of cities \
and regions: not only their challenges and needs, but also the achievements and commitments \
of local governments working on climate action. Representatives of cities, towns and \
regions and of the constituent organisations of the LGMA met there with the people and \
organisations that help local and subnational actors play a greater role in reaching the \
goals of the Paris Agreement.

## The space

About 100 m², with modern audio-visual equipment, an event space and a dedicated \
networking area for informal discussions between sessions.

## Our three aims

{aims}

See the [programme of the pavilion](/en/events/cop29/programme/).
"""

ABOUT_JA = """イクレイとUN-Habitat、アゼルバイジャン国家都市計画建築委員会（SCUPA）は、その他の\
イベント・パートナーの支援を受けて、COP29（バクー）で「**マルチレベル・アクション&都市化\
パビリオン**」を共同で開設しました。開設期間は**2024年11月11日から22日まで**です。

このパビリオンは、COP29期間中、都市と地域の気候アジェンダの国際的な舞台となり、課題やニーズ\
だけでなく、気候変動対策に取り組む自治体の成果やコミットメントにも焦点を当てました。都市、町、\
地域、そしてLGMA構成組織の代表者が参加し、パリ協定の目標達成に向けて地方やサブナショナルな\
アクターを支援する個人や団体が集まりました。

## スペース

約100㎡のスペースに、最新のオーディオビジュアル設備、イベントスペース、そしてセッションの合間に\
インフォーマルな議論ができる専用のネットワーキング・エリアを備えています。

## 3つの目的

{aims}

[パビリオンのプログラム](/ja/events/cop29/programme/)をご覧ください。
"""

PARTNERSHIP_EN = """Associate partnership is open to **non-governmental organisations, \
universities, state and national government agencies and not-for-profit research \
institutions**.

Its purpose is to foster dialogue between local governments and these partners, to share \
knowledge in line with the network's mission and charter, and to give partners a way to \
support the network's work and mandate. Associate partners work alongside \
[[members:local_regional]].

- [Membership and associate partnership](/en/membership/)
- [Rates and dues](/en/membership/rates/)
- [Apply online](/en/membership/apply/)
"""

PARTNERSHIP_JA = """賛助パートナー制度には、**非政府組織（NGO）、大学、州・国の政府機関、\
非営利の研究機関**が参加できます。

その目的は、自治体とこれらのパートナーとの対話を促し、ネットワークの使命と憲章に沿った知見を\
共有すること、そしてパートナーがネットワークの活動と使命を支える道を開くことです。\
賛助パートナーは、[[members:local_regional]]とともに活動します。

- [会員制度と賛助パートナー制度](/ja/membership/)
- [会費](/ja/membership/rates/)
- [オンラインで申し込む](/ja/membership/apply/)
"""


def _aims(lang: str) -> str:
    index = 0 if lang == "en" else 1
    return "\n".join(f"{n}. {aim[index]}" for n, aim in enumerate(OUR_PAVILION_AIMS, start=1))


PAGES = [
    {
        "slug_en": "about-the-pavilion",
        "slug_ja": "pavilion",
        "title_en": "About the pavilion",
        "title_ja": "パビリオンについて",
        "summary_en": (
            "The Multilevel Action & Urbanization Pavilion at COP29, Baku, 11–22 November 2024:"
            " who opened it, the space and its three aims."
        ),
        "summary_ja": (
            "COP29（バクー、2024年11月11日〜22日）の「マルチレベル・アクション&都市化パビリオン」："
            "主催者、スペース、3つの目的をご紹介します。"
        ),
        "body_en": ABOUT_EN.format(aims=_aims("en")),
        "body_ja": ABOUT_JA.format(aims=_aims("ja")),
        "in_menu": True,
        "menu_order": 10,
        "contact_topic": "programme",
    },
    {
        "slug_en": "associate-partnership",
        "slug_ja": "associate-partnership",
        "title_en": "Associate partnership",
        "title_ja": "賛助パートナー制度",
        "summary_en": (
            "For NGOs, universities, state and national government agencies and not-for-profit"
            " research institutions."
        ),
        "summary_ja": "NGO、大学、州・国の政府機関、非営利の研究機関のための制度です。",
        "body_en": PARTNERSHIP_EN,
        "body_ja": PARTNERSHIP_JA,
        "in_menu": True,
        "menu_order": 20,
        "contact_topic": "associate",
    },
]

TESTIMONIALS = [
    {
        "person_en": "Philippe Joubert",
        "person_ja": "フィリップ・ジュベール",
        "role_en": "Senior Advisor",
        "role_ja": "シニア・アドバイザー",
        "organisation_en": "World Business Council for Sustainable Development",
        "organisation_ja": "持続可能な開発のための世界経済人会議（WBCSD）",
        "quote_en": (
            "Governments need to give (the sense of) direction, as Business leaders we don't"
            " make the wind, we sail the boats. So policy should set the winds in the right"
            " directions if you want the boat going fast to the right harbor."
        ),
        "quote_ja": (
            "政府は方向性（の感覚）を示す必要があります。私たちビジネスリーダーは風を起こすのでは"
            "なく、船を操るのです。ですから、船を正しい港へ速く進めたいのであれば、政策が風を正しい"
            "方向に吹かせなければなりません。"
        ),
        "order": 0,
    }
]


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> dict[str, int]:
    """Create or update the demo pages and testimonial, published."""
    created = 0
    for data in PAGES:
        page = Page.objects.filter(slug_en=data["slug_en"]).first()
        if page is None:
            page = Page()
            created += 1
        for key, value in {**data, "status": Status.PUBLISHED}.items():
            setattr(page, key, value)
        page_save(page=page)
    for data in TESTIMONIALS:
        testimonial = Testimonial.objects.filter(person_en=data["person_en"]).first()
        if testimonial is None:
            testimonial = Testimonial()
            created += 1
        for key, value in {**data, "status": Status.PUBLISHED}.items():
            setattr(testimonial, key, value)
        testimonial_save(testimonial=testimonial)
    return {"pages": len(PAGES), "testimonials": len(TESTIMONIALS), "created": created}
