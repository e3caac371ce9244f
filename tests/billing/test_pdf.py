import datetime as dt
import logging
import subprocess

import pytest
from django.core.files.storage import FileSystemStorage

from pavilion.billing.models import Invoice
from pavilion.billing.pdf import invoice_pdf_bytes, invoice_pdf_store
from pavilion.billing.services import invoice_issue

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_missing_glyphs(caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield
    missing = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert not [m for m in missing if ".notdef" in m or "glyph" in m.lower()], missing


@pytest.fixture
def private_dir(monkeypatch, tmp_path):
    """The invoices' private storage, in a temporary folder."""
    location = tmp_path / "private"
    monkeypatch.setattr(
        Invoice._meta.get_field("pdf"), "storage", FileSystemStorage(location=location)
    )
    return location


def _pdf_tool(tool, path, *args):
    return subprocess.run(
        [tool, *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_japanese_invoice_pdf_embeds_both_faces_and_shows_name_and_amount(
    schedules, tmp_path, no_missing_glyphs
):
    member = MemberFactory(
        name_ja="さいたま市", language="ja", currency="JPY", country="JP", population=1_300_000
    )
    invoice = invoice_issue(member=member, year=2027, issued_on=dt.date(2027, 1, 5))
    path = tmp_path / "invoice.pdf"
    path.write_bytes(invoice_pdf_bytes(invoice))

    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    # Subset names ("ABCDEF+IPAPGothic"): a Japanese invoice is set in IPA P Gothic only.
    assert [row[0].partition("+")[2] for row in rows] == ["IPAPGothic"], fonts.stdout
    # Columns from the end: emb sub uni object-number generation.
    assert all(row[-5] == "yes" for row in rows), fonts.stdout

    text = _pdf_tool("pdftotext", path, "-layout")
    assert "さいたま市" in text
    assert "請求書" in text
    assert "2027-0001" in text
    assert "￥690,000" in text
    assert "2027年2月4日" in text  # due date, written the Japanese way
    assert "会費の算定根拠" in text and "所得グループ" in text
    # The basis names the schedule and the population the band was chosen by.
    assert "会費表" in text and "（人口1,300,000人）" in text


def test_english_invoice_pdf_shows_total_reasons_and_payment_instructions(
    schedules, tmp_path, no_missing_glyphs
):
    member = MemberFactory(name_en="Freiburg im Breisgau", country="DE", population=230_000)
    invoice = invoice_issue(member=member, year=2027)
    path = tmp_path / "invoice.pdf"
    path.write_bytes(invoice_pdf_bytes(invoice))
    text = " ".join(_pdf_tool("pdftotext", path).split())
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    # An English invoice needs no Japanese glyph: only the small Latin face is embedded.
    assert [line.split()[0].partition("+")[2] for line in fonts.stdout.splitlines()[2:]] == [
        "DejaVu-Sans"
    ], fonts.stdout
    assert "Freiburg im Breisgau" in text
    assert "€1,680.00" in text
    assert "200,001–300,000 inhabitants (population 230,000)" in text
    assert "Fee schedule" in text
    assert "High income" in text
    assert "Please quote the invoice number 2027-0001" in text


def test_english_invoice_of_a_member_named_only_in_japanese_has_every_glyph(
    schedules, tmp_path, no_missing_glyphs
):
    member = MemberFactory(name_en="", name_ja="北九州市", country="JP", population=900_000)
    invoice = invoice_issue(member=member, year=2027)
    path = tmp_path / "invoice.pdf"
    path.write_bytes(invoice_pdf_bytes(invoice))
    assert "北九州市" in _pdf_tool("pdftotext", path)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    # Latin text in DejaVu Sans, the name in IPA P Gothic: both embedded.
    names = {line.split()[0].partition("+")[2] for line in fonts.stdout.splitlines()[2:]}
    assert names == {"DejaVu-Sans", "IPAPGothic"}, fonts.stdout


def test_render_task_stores_pdf_privately_and_records_when(schedules, private_dir):
    invoice = invoice_issue(member=MemberFactory(), year=2027)
    assert not invoice.pdf
    invoice_pdf_store(invoice_id=invoice.pk)
    invoice.refresh_from_db()
    assert invoice.rendered_at is not None
    assert invoice.pdf.name.startswith("invoices/2027/")
    stored = private_dir / invoice.pdf.name
    assert stored.read_bytes().startswith(b"%PDF")
    # Rendering again replaces the file rather than piling up copies.
    invoice_pdf_store(invoice_id=invoice.pk)
    assert len(list((private_dir / "invoices" / "2027").iterdir())) == 1


def test_pdf_is_rendered_by_the_queued_task_after_commit(
    schedules, private_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(member=MemberFactory(), year=2027)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.rendered_at is not None
    assert (private_dir / invoice.pdf.name).exists()
