"""Queueing background tasks so that they run only for changes that were committed.

With the database queue (production's ``django_tasks_db``, in the same database as the
data), the task's row is written inside the caller's transaction: the worker sees it
once the transaction commits, and a rollback takes it away with the data (the
transactional-outbox pattern; no second commit per request). With any other queue the
task is handed over by ``transaction.on_commit``. Outside a transaction it is queued at
once in both cases.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.tasks import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("pavilion.queue")


def queue_shares_the_transaction(task: Task) -> bool:
    """True inside a transaction when ``task`` is queued in this database's task table."""
    if not transaction.get_connection().in_atomic_block:
        return False
    return isinstance(task.get_backend(), DatabaseBackend) and (
        router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS
    )


def task_enqueue_after_commit(task: Task, *, what: str, **kwargs) -> None:
    """Queue ``task(**kwargs)`` so that it exists only if the current transaction commits.

    ``what`` names the task in the log line written if a queue outside the database
    cannot take it after the commit (the change is committed by then, so the request
    must not fail; the log says what was lost)."""
    if queue_shares_the_transaction(task):
        task.enqueue(**kwargs)
        return
    transaction.on_commit(partial(_enqueue_logged, task, what, kwargs))


def _enqueue_logged(task: Task, what: str, kwargs: dict) -> None:
    try:
        task.enqueue(**kwargs)
    except Exception:
        logger.exception("Not queued: %s", what)
