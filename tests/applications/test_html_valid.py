"""Every page of the application form (the steps behind a resume link too) is valid
HTML, checked by the Nu Html Checker like the site's other public pages."""

import pytest
from django.core import mail

from tests.core.test_html_valid import html_problems

from .factories import pdf_upload
from .test_views import STEP1, _token_from_mail

pytestmark = pytest.mark.django_db


def test_every_step_and_the_status_pages_are_valid_html(client, schedules, tmp_path):
    pages = []
    for lang in ("en", "ja"):
        mail.outbox.clear()
        base = f"/{lang}/membership/apply/"
        pages.append(client.get(base))
        pages.append(client.post(base, STEP1 | {"country": "XX", "name_en": f"{lang} town"}))
        client.post(base, STEP1 | {"name_en": f"{lang} town", "name_ja": ""})
        token = _token_from_mail()
        step = f"{base}{token}/step/"
        pages.append(client.get(step + "2/"))
        pages.append(client.post(step + "2/", {"contact_email": "nope"}))
        client.post(
            step + "2/",
            {"contact_name": "A", "contact_email": "a@example.org", "language": lang},
        )
        pages.append(client.get(step + "3/"))
        pages.append(client.post(step + "3/", {"population": "-1", "currency": "EUR"}))
        client.post(
            step + "3/",
            {
                "population": "1000",
                "population_source": "c",
                "population_year": "2020",
                "currency": "EUR",
            },
        )
        pages.append(client.get(step + "4/"))
        pages.append(client.post(step + "4/", {"kind": "letter_of_intent"}))
        client.post(step + "4/", {"kind": "letter_of_intent", "file": pdf_upload()})
        pages.append(client.get(step + "5/"))
        pages.append(client.post(step + "5/", {}))
        client.post(step + "5/", {"consent": "on"})
        pages.append(client.get(f"{base}{token}/thanks/"))
        pages.append(client.get(f"{base}{token}/"))
    files = []
    for n, response in enumerate(pages):
        assert response.status_code in {200, 400}, response.status_code
        path = tmp_path / f"page-{n}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    assert html_problems(files) == []


def test_the_answer_form_and_its_thanks_are_valid_html(client, schedules, tmp_path):
    from .test_views import _asked

    token = _asked(client)
    base = f"/en/membership/apply/{token}/"
    pages = [client.get(base), client.post(base, {"note": "", "kind": "other"})]
    client.post(base, {"note": "Sent.", "kind": "other", "file": pdf_upload()})
    pages.append(client.get(f"{base}answered/"))
    files = []
    for n, response in enumerate(pages):
        assert response.status_code in {200, 400}, response.status_code
        path = tmp_path / f"answer-{n}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    assert html_problems(files) == []
