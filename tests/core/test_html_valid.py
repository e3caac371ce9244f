"""Every kind of public page is valid HTML, checked by the Nu Html Checker (vnu).

Needs Java and the checker (`npm ci` installs it under node_modules/); without
them the test skips with a reason locally, and fails in CI like any skip."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

VNU = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def html_problems(files: list[str]) -> list[str]:
    """The Nu Html Checker's errors in these files, one line each (skips the test when
    Java or the checker is missing)."""
    java = shutil.which("java")
    if not java or not VNU.is_file():
        pytest.skip("needs Java and the Nu Html Checker: run `npm ci` (see docs/development.md)")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in messages
    ]


PAGES = [
    "/{lang}/",
    "/{lang}/events/",
    "/{lang}/events/cop29/programme/",
    "/{lang}/events/cop29/programme/?day=2024-11-13&tz=Europe/Paris",
    "/{lang}/events/cop29/programme/?day=not-a-day",
    "/{lang}/events/cop29/sessions/urban7-saitama-e-kizuna-high-level-talks/",
    "/{lang}/events/cop29/sessions/lgma-response-to-cop29-and-world-climate-action-summit/",
    "/{lang}/events/cop29/sessions/japan-pavilion-c2p2-yokohama-bangkok/",
    "/{lang}/events/cop29/speakers/",
    "/{lang}/speakers/yuriko-koike/",
    "/{lang}/organisations/saitama-city/",
    "/{lang}/events/example-climate-week-belem/programme/",
    "/{lang}/events/example-climate-week-belem/networking/",
    "/{lang}/events/example-climate-week-belem/sessions/example-cities-adapting-to-heat-and-floods/",
    "/{lang}/events/example-climate-week-belem/sessions/example-cities-adapting-to-heat-and-floods/register/",
    "/{lang}/membership/apply/",
    "/{lang}/membership/",
    "/{lang}/membership/rates/",
    "/{lang}/membership/rates/?currency=EUR",
    "/{lang}/membership/calculator/",
    "/{lang}/membership/calculator/?kind=local_government&country=JP&population=50001&currency=JPY",
    "/{lang}/membership/calculator/?kind=business&country=XX&population=-1&currency=EUR",
    "/{lang}/membership/members/",
    "/{lang}/membership/members/?region=142",
    "/{lang}/contact/",
    "/{lang}/contact/?topic=membership",
    "/{lang}/contact/thanks/",
    "/{lang}/associate-partnership/",
    "/{lang}/no-such-page/",
]


@pytest.mark.django_db
def test_public_pages_are_valid_html(client, tmp_path):
    call_command("load_demo", verbosity=0)
    files = []
    for lang in ("en", "ja"):
        for n, page in enumerate(PAGES):
            response = client.get(page.format(lang=lang))
            assert response.status_code in {200, 400, 404}, page
            path = tmp_path / f"{lang}-{n}.html"
            path.write_bytes(response.content)
            files.append(str(path))
    assert html_problems(files) == []
