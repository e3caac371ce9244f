"""The contact form: routing, acknowledgement in the sender's language, robots kept out,
bad input kept and explained, the protected address in the "Got any questions?" block."""

import re
import time

import pytest
from django.core import mail, signing
from django.template import Context, Template

from pavilion.core.models import AuditEntry
from pavilion.enquiries import services
from pavilion.enquiries.forms import TIMESTAMP_SALT
from pavilion.enquiries.models import Enquiry, Topic
from tests.factories import StaffFactory

from .factories import EnquiryFactory, TopicRouteFactory

pytestmark = pytest.mark.django_db

URL = "/en/contact/"


def shown(seconds_ago: float = 10) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def post_data(**changes) -> dict:
    data = {
        "topic": "membership",
        "name": "Aiko Tanaka",
        "organisation": "Saitama City",
        "email": "aiko@example.jp",
        "language": "en",
        "message": "How does our city join?",
        "website": "",
        "shown": shown(),
    }
    data.update(changes)
    return data


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture(autouse=True)
def _committed(django_capture_on_commit_callbacks, monkeypatch):
    """Each request's after-commit work (the mail) runs when the request ends."""
    from django.test import Client

    original = Client.post

    def post(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)


@pytest.fixture
def routes():
    return {topic: TopicRouteFactory(topic=topic) for topic in Topic.values}


def test_an_enquiry_reaches_the_topics_person_with_reply_to_the_sender(client, routes):
    response = client.post(URL, post_data(topic="press"))
    assert response.status_code == 303
    assert response["Location"] == "/en/contact/thanks/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.topic, enquiry.status, enquiry.routed_to) == (
        "press",
        "new",
        "press@example.org",
    )
    staff, ack = mail.outbox
    assert staff.to == ["press@example.org"]
    assert staff.reply_to == ["aiko@example.jp"]
    assert "How does our city join?" in staff.body
    assert f"/admin/enquiries/enquiry/{enquiry.pk}/change/" in staff.body
    assert ack.to == ["aiko@example.jp"]
    assert "We have received your enquiry" in ack.subject
    assert AuditEntry.objects.filter(action="pavilion.enquiry.received").count() == 1


def test_the_acknowledgement_is_in_the_senders_language(client, routes):
    client.post("/ja/contact/", post_data(language="ja", name="田中 愛子"))
    ack = mail.outbox[-1]
    assert ack.to == ["aiko@example.jp"]
    assert "お問い合わせ" in ack.subject
    assert "田中 愛子" in ack.body and "佐藤 愛子" in ack.body
    # The acknowledgement never repeats the message: the form is no mail relay.
    assert "How does our city join?" not in ack.body


def test_a_topic_without_a_route_goes_to_the_route_for_other(client):
    TopicRouteFactory(topic=Topic.OTHER, email="info@example.org")
    client.post(URL, post_data(topic="programme"))
    assert mail.outbox[0].to == ["info@example.org"]


def test_the_topic_in_the_address_is_preselected(client, routes):
    response = client.get(URL + "?topic=associate")
    assert re.search(r'<option value="associate" selected>', response.content.decode())
    assert 'name="website"' in response.content.decode()


def test_a_filled_honeypot_stores_and_sends_nothing(client, routes):
    response = client.post(URL, post_data(website="http://spam.example"))
    assert response.status_code == 303
    assert Enquiry.objects.count() == 0
    assert mail.outbox == []


def test_a_form_sent_too_fast_is_shown_again_politely_with_everything_kept(client, routes):
    response = client.post(URL, post_data(shown=shown(seconds_ago=0.5)))
    assert response.status_code == 400
    page = text_of(response)
    assert "That was very quick" in page
    assert 'value="Aiko Tanaka"' in response.content.decode()
    assert "How does our city join?" in page
    assert Enquiry.objects.count() == 0 and mail.outbox == []


def test_a_forged_or_missing_timestamp_counts_as_too_fast(client, routes):
    response = client.post(URL, post_data(shown="forged"))
    assert response.status_code == 400
    assert Enquiry.objects.count() == 0


def test_too_many_posts_from_one_address_are_refused_with_the_form_kept(client, routes, settings):
    settings.PAVILION_ENQUIRIES_PER_ADDRESS = 2
    settings.PAVILION_ENQUIRIES_PER_EMAIL = 100
    for n in range(2):
        assert client.post(URL, post_data(email=f"a{n}@example.jp")).status_code == 303
    response = client.post(URL, post_data(email="late@example.jp"))
    assert response.status_code == 429
    assert "try again later" in text_of(response)
    assert 'value="late@example.jp"' in response.content.decode()
    assert Enquiry.objects.count() == 2


def test_too_many_posts_for_one_email_address_are_refused(client, routes, settings):
    settings.PAVILION_ENQUIRIES_PER_EMAIL = 1
    assert client.post(URL, post_data()).status_code == 303
    assert client.post(URL, post_data()).status_code == 429
    assert Enquiry.objects.count() == 1


def test_an_oversized_message_is_refused_with_a_clear_error(client, routes):
    response = client.post(URL, post_data(message="x" * 5001))
    assert response.status_code == 400
    assert "Your message is 5001 characters long; please shorten it to at most 5000" in text_of(
        response
    )
    assert Enquiry.objects.count() == 0


def test_missing_fields_are_named_on_their_fields_in_japanese(client, routes):
    response = client.post("/ja/contact/", post_data(name="", email="not-an-address"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "お名前を入力してください。" in text_of(response)
    # The error is linked to its field.
    field = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert "id_name_error" in field
    assert 'value="How does our city join?"' not in html  # the textarea keeps it as text:
    assert "How does our city join?</textarea>" in html


def test_html_typed_into_the_form_is_shown_as_text(client, routes):
    script = "<script>alert('x')</script>"
    response = client.post(URL, post_data(name=script, message=script, email="bad"))
    html = response.content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_the_thank_you_page(client):
    assert "Thank you for your message" in text_of(client.get("/en/contact/thanks/"))


def test_the_contact_block_hides_the_address_from_harvesters_but_not_from_people(routes):
    html = Template('{% load enquiries %}{% contact_block "membership" %}').render(Context({}))
    assert "membership@example.org" not in html and "mailto:" not in html
    assert "membership (at) example.org" in html
    assert 'data-mail-user="pihsrebmem"' in html and 'data-mail-domain="gro.elpmaxe"' in html
    assert "Aiko Sato will be happy to help you." in html
    assert 'href="/en/contact/?topic=membership"' in html
    assert "enquiries/contact.js" in html


def test_the_membership_page_shows_the_contact_block_and_testimonials(client, routes):
    from tests.pages.factories import QuoteFactory

    QuoteFactory(quote_en="We sail the boats.", person_en="Philippe Joubert")
    page = text_of(client.get("/en/membership/"))
    assert "Got any questions?" in page
    assert "membership (at) example.org" in page
    assert "We sail the boats." in page and "Philippe Joubert" in page


def test_status_and_handler_changes_are_audited():
    enquiry = EnquiryFactory()
    staff = StaffFactory()
    services.enquiry_update(
        enquiry=enquiry,
        status=Enquiry.Status.ANSWERED,
        handler=staff,
        notes="Called back.",
        actor=staff,
    )
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.handler, enquiry.notes) == ("answered", staff, "Called back.")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {"pavilion.enquiry.answered", "pavilion.enquiry.assigned"}


def test_staff_change_an_enquirys_status_in_the_admin(client):
    enquiry = EnquiryFactory(message="<b>bold?</b>")
    staff = StaffFactory()
    client.force_login(staff)
    url = f"/en/admin/enquiries/enquiry/{enquiry.pk}/change/"
    page = client.get(url).content.decode()
    assert "&lt;b&gt;bold?&lt;/b&gt;" in page
    response = client.post(url, {"status": "closed", "handler": staff.pk, "notes": "Done."})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == "closed"
    entry = AuditEntry.objects.get(action="pavilion.enquiry.closed")
    assert entry.actor == staff and entry.data == {"from": "new", "to": "closed"}


def _token_in(response) -> str:
    return re.search(r'name="shown" value="([^"]+)"', response.content.decode()).group(1)


def test_an_empty_form_sent_at_once_names_the_missing_fields_only(client, routes):
    response = client.post(
        "/ja/contact/",
        {"topic": "", "name": "", "email": "", "message": "", "shown": shown(0.5)},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "送信が早すぎました" not in page
    assert "下記の印のある項目を修正してください。" in page
    assert "お名前を入力してください。" in page
    # The box above the form lists the fields, each linked to its field, like the other forms.
    box = (
        response.content.decode()
        .split('<div class="form-errors" role="alert">')[1]
        .split("</div>")[0]
    )
    assert '<a href="#id_name">' in box and '<a href="#id_message">' in box


def test_the_too_quick_message_appears_once(client, routes):
    response = client.post("/ja/contact/", post_data(shown=shown(0.5)))
    assert response.status_code == 400
    assert text_of(response).count("送信が早すぎました") == 1


def test_a_corrected_form_counts_the_time_since_it_was_first_shown(client, routes):
    # Shown 8 seconds ago; sent with a bad address; corrected and sent back at once.
    first = client.post(URL, post_data(email="q@example", shown=shown(8)))
    assert first.status_code == 400
    assert "Please give an e-mail address such as name@example.org." in text_of(first)
    carried = _token_in(first)
    assert signing.loads(carried, salt=TIMESTAMP_SALT) < time.time() - 7
    again = client.post(URL, post_data(shown=carried))
    assert again.status_code == 303
    assert Enquiry.objects.count() == 1


def test_a_form_sent_too_fast_keeps_its_first_moment_so_the_next_send_goes_through(
    client, routes, monkeypatch
):
    first = client.post(URL, post_data(shown=shown(1)))
    assert "That was very quick" in text_of(first)
    carried = _token_in(first)
    # Three seconds later the visitor sends it again: it has been four seconds in all.
    now = time.time()
    monkeypatch.setattr("pavilion.enquiries.forms.time.time", lambda: now + 3)
    assert client.post(URL, post_data(shown=carried)).status_code == 303


def test_a_forged_timestamp_is_not_carried_into_the_form_shown_again(client, routes):
    response = client.post(URL, post_data(shown="forged", email="bad"))
    assert response.status_code == 400
    token = _token_in(response)
    assert token != "forged"
    assert abs(signing.loads(token, salt=TIMESTAMP_SALT) - time.time()) < 5
