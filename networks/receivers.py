"""networks/ listening to signals: the answer to a join request goes out by mail
whether a coordinator decided on the group's page or an integration manager in the admin; an
organisation's search entry follows its contact persons; the chrome is renewed when an action
field, organisation or contact person changes (the network's pages keep their names, lists and
languages with it: :mod:`networks.queries`)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.search import index

from treffpunkt.core.chrome import chrome_changed
from treffpunkt.core.generations import connect_saved_and_deleted
from treffpunkt.signals import account_deleted, personal_data_export

from .models import ActionField, ContactPerson, GroupPost, Membership, Organisation
from .signals import membership_changed

ANSWERS = {Membership.Status.ACTIVE, Membership.Status.DECLINED}

# what the network's pages keep with the chrome per site and language
connect_saved_and_deleted(
    chrome_changed, (ActionField, Organisation, ContactPerson), uid="networks_chrome"
)


@receiver(membership_changed, dispatch_uid="networks_mail_the_decision")
def mail_the_decision(sender, membership, old_status, new_status, **kwargs) -> None:
    if old_status == Membership.Status.REQUESTED and new_status in ANSWERS and membership.user_id:
        from . import tasks

        pk, note = membership.pk, getattr(membership, "decision_note", "")
        transaction.on_commit(lambda: tasks.notify_decision.enqueue(pk, note))


# --- the core's person signals (every site: see treffpunkt.signals) -----------------------


@receiver(account_deleted, dispatch_uid="networks_forget_person")
def forget_person(sender, user, **kwargs) -> None:
    """Memberships (requests included) go; minutes and announcements the person wrote stay
    for the group, without their name (the author is emptied)."""
    Membership.objects.filter(user_id=user.pk).delete()
    Membership.objects.filter(decided_by_id=user.pk).update(decided_by=None)
    GroupPost.objects.filter(author_id=user.pk).update(author=None)


@receiver(personal_data_export, dispatch_uid="networks_export_person")
def export_person(sender, user, emails, **kwargs) -> dict | None:
    from django.db.models.functions import Lower
    from wagtail.documents import get_document_model

    memberships = [
        {
            "working_group": m.working_group.title,
            "role": m.role,
            "status": m.status,
            "message": m.message,
            "receive_announcements": m.receive_announcements,
            "requested_at": m.created_at,
            "changed_at": m.updated_at,
        }
        for m in Membership.objects.filter(user_id=user.pk).select_related("working_group")
    ]
    posts = [
        {
            "working_group": p.working_group.title,
            "kind": p.kind,
            "title": p.title,
            "text": p.body,
            "created_at": p.created_at,
        }
        for p in GroupPost.objects.filter(author_id=user.pk).select_related("working_group")
    ]
    uploads = list(get_document_model().objects.filter(uploaded_by_user_id=user.pk))
    # the files themselves go into the ZIP download (under their title, not the storage's
    # random name)
    files = [(_zip_name(d), d.file) for d in uploads]
    documents = [
        {"title": d.title, "file_in_zip": name, "uploaded_at": d.created_at}
        for d, (name, _file) in zip(uploads, files, strict=True)
    ]
    # Contact entries an editor made with one of the person's addresses (the organisation's
    # directory; shown here because they are data about the person).
    contacts = [
        {
            "organisation": c.organisation.name,
            "name": c.name,
            "role": c.role,
            "email": c.email,
            "phone": c.phone,
        }
        for c in ContactPerson.objects.annotate(_email=Lower("email"))
        .filter(_email__in=list(emails))
        .select_related("organisation")
    ]
    if not (memberships or posts or documents or contacts):
        return None
    return {
        "section": "networks",
        "data": {
            "working_group_memberships": memberships,
            "working_group_posts": posts,
            "documents_uploaded": documents,
            "directory_contact_entries": contacts,
        },
        "files": files,
    }


def _zip_name(document) -> str:
    import posixpath

    from django.utils.text import slugify

    extension = posixpath.splitext(document.file.name)[1].lower()[:10]
    return f"dokumente/{document.pk}-{slugify(document.title)[:60] or 'dokument'}{extension}"


@receiver(post_save, sender=ContactPerson, dispatch_uid="networks_reindex_contact")
@receiver(post_delete, sender=ContactPerson, dispatch_uid="networks_reindex_contact_gone")
def reindex_organisation(sender, instance, **kwargs) -> None:
    """The search finds an organisation by its contact persons: keep its index entry up to
    date when one of them changes."""
    from .models import Organisation

    organisation = Organisation.objects.filter(pk=instance.organisation_id).first()
    if organisation is not None:
        index.insert_or_update_object(organisation)
