from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    name = "pavilion.core"
    verbose_name = _("Core")


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks-db's queue, named for the back office in the admin's language
    (staff look there for a mail that could not be sent)."""

    verbose_name = _("Background tasks (mail, invoice PDFs)")
    default = False


# django-tasks-db's model names, for the Japanese catalogue (its own has none).
TASK_MODEL_NAMES = (gettext_noop("Task Result"), gettext_noop("Task Results"))

# Django's own strings that its Japanese catalogue lacks in this release: the admin's
# date filter and the empty choice of a select. LOCALE_PATHS comes first, so these
# translations are used.
DJANGO_MISSING = (gettext_noop("Filter by %(field_name)s"), gettext_noop("- Select an option -"))
