"""A year's dues does not hold up anyone else's mail: its render batches and the
invoice mails they send are queued below everything else."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from pavilion.billing.models import Invoice
from pavilion.billing.tasks import BULK_PRIORITY, invoices_render_pdfs
from pavilion.core.mail import mail_enqueue

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings, monkeypatch, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(
        Invoice._meta.get_field("pdf"), "storage", FileSystemStorage(location=tmp_path)
    )


def _queue():
    """What the worker takes next, in its order: (task name, priority, recipients)."""
    return [
        (row.task_path.rpartition(".")[2], row.priority, row.args_kwargs["kwargs"].get("to"))
        for row in DBTaskResult.objects.ready().order_by(*DBTaskResult._meta.ordering)
    ]


def test_a_visitor_mail_queued_during_a_dues_run_goes_out_before_the_dues(
    schedules, database_queue
):
    members = [MemberFactory(billing_email=f"city{n}@example.org") for n in range(2)]
    call_command("issue_dues", "2027")
    mail_enqueue(to=["visitor@example.org"], subject="Your seat", body="See you there.")
    assert _queue() == [
        ("mail_send", 0, ["visitor@example.org"]),
        ("invoices_render_pdfs", BULK_PRIORITY, None),
    ]

    # The batch renders and mails its invoices: those mails wait behind a new visitor's.
    (batch,) = DBTaskResult.objects.filter(task_path__endswith="invoices_render_pdfs")
    invoices_render_pdfs.func(**batch.args_kwargs["kwargs"])
    batch.delete()
    mail_enqueue(to=["late@example.org"], subject="Your seat", body="See you there.")
    assert _queue() == [
        ("mail_send", 0, ["visitor@example.org"]),
        ("mail_send", 0, ["late@example.org"]),
        ("mail_send", BULK_PRIORITY, [members[0].billing_email]),
        ("mail_send", BULK_PRIORITY, [members[1].billing_email]),
    ]


def test_an_approved_applicants_invoice_is_not_bulk(schedules, database_queue):
    from pavilion.billing.services import invoice_issue

    invoice_issue(member=MemberFactory(), year=2027)
    assert _queue() == [("invoice_render_pdf", 0, None)]
