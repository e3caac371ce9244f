"""The embedded SQLite database: WAL mode, so the worker reads while a command writes."""

import sqlite3
import threading

from django.db.backends.sqlite3.base import DatabaseWrapper


def _connection(path):
    """A Django connection to the SQLite file ``path`` with the project's options
    (whichever database the suite itself runs on)."""
    from pavilion.settings import SQLITE_OPTIONS

    wrapper = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": SQLITE_OPTIONS,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        }
    )
    wrapper.ensure_connection()
    return wrapper


def test_sqlite_file_runs_in_wal_mode_and_readers_do_not_wait_for_a_writer(
    tmp_path, django_db_blocker
):
    path = tmp_path / "db.sqlite3"
    with django_db_blocker.unblock():  # a file of its own, not the test database
        _wal_reads_while_writing(path)


def _wal_reads_while_writing(path):
    writer = _connection(path)
    with writer.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("CREATE TABLE t (n INTEGER)")
        cursor.execute("INSERT INTO t VALUES (1)")
    # The writer holds its write transaction open …
    writer.cursor().execute("BEGIN IMMEDIATE")
    writer.cursor().execute("INSERT INTO t VALUES (2)")
    # … and a reader in another thread still reads the committed row at once.
    seen = []

    def read():
        reader = sqlite3.connect(path, timeout=0)
        seen.append(reader.execute("SELECT COUNT(*) FROM t").fetchone()[0])
        reader.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(5)
    writer.cursor().execute("COMMIT")
    writer.close()
    assert seen == [1]
