"""networks/ listening to its own signal: the answer to a join request goes out by mail
whether a coordinator decided on the group's page or an integration manager in the admin."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from .models import Membership
from .signals import membership_changed

ANSWERS = {Membership.Status.ACTIVE, Membership.Status.DECLINED}


@receiver(membership_changed, dispatch_uid="networks_mail_the_decision")
def mail_the_decision(sender, membership, old_status, new_status, **kwargs) -> None:
    if old_status == Membership.Status.REQUESTED and new_status in ANSWERS and membership.user_id:
        from . import tasks

        pk = membership.pk
        transaction.on_commit(lambda: tasks.notify_decision.enqueue(pk))
