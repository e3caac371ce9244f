from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _forget_counts(**kwargs) -> None:
    from .selectors import member_counts_forget

    member_counts_forget()


class MembershipConfig(AppConfig):
    name = "pavilion.membership"
    verbose_name = _("Membership")

    def ready(self) -> None:
        from .models import Member

        # The cached member counts are dropped whenever a member changes.
        post_save.connect(_forget_counts, sender=Member, dispatch_uid="membership-counts-save")
        post_delete.connect(_forget_counts, sender=Member, dispatch_uid="membership-counts-delete")
