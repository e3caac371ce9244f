"""Factories and helpers for application tests."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from pavilion.applications.models import Application, token_hash
from pavilion.membership.models import Category, OrganisationKind

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(
    name: str = "letter.pdf", content: bytes = PDF_BYTES, content_type="application/pdf"
):
    return SimpleUploadedFile(name, content, content_type=content_type)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft with every step filled in (a Japanese city), ready to submit.
    ``token`` (not a field) sets the resume token; the default is unique per row."""

    class Meta:
        model = Application
        exclude = ["token"]

    token = factory.Sequence(lambda n: f"test-token-{n:04d}-" + "x" * 30)
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))
    status = Application.Status.DRAFT
    language = "en"
    step = 3
    name_en = factory.Sequence(lambda n: f"Example City {n}")
    name_ja = factory.Sequence(lambda n: f"例 市 {n}")
    kind = OrganisationKind.LOCAL_GOVERNMENT
    category = Category.LOCAL_REGIONAL
    country = "JP"
    locality = "Saitama"
    website = "https://example.org"
    contact_name = "Aiko Tanaka"
    contact_title = "Director"
    contact_email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    contact_phone = "+81 3 1234 5678"
    population = 45_000
    population_source = "National census"
    population_year = 2020
    currency = "EUR"
    org_key_en = factory.LazyAttribute(lambda o: "".join(o.name_en.casefold().split()))
    org_key_ja = factory.LazyAttribute(lambda o: "".join(o.name_ja.casefold().split()))
