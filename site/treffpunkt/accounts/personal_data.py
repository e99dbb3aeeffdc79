"""A person's data across the deployment: deleting it and handing it out (DSGVO Art. 15-20).

The core sends :data:`treffpunkt.signals.account_deleted` and
:data:`treffpunkt.signals.personal_data_export`; every app that keeps personal data answers
through its ``receivers.py``. What the core itself holds (the account) is added here.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from treffpunkt.signals import account_deleted, personal_data_export

FORMAT_VERSION = 1


def addresses_of(user) -> frozenset[str]:
    """The account's own address and every verified address added to it, lower case.

    Unverified addresses are left out: whoever typed one in has not shown that it is theirs,
    so data kept under it (e.g. someone else's public sign-up) are not theirs to delete or read.
    """
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return frozenset(a.strip().lower() for a in [user.email, *verified] if a)


def delete_account(user, site) -> None:
    """Every app removes or anonymises what it holds about ``user``; then the account goes."""
    with transaction.atomic():
        _forget(user, site)
        user.delete()


def _forget(user, site) -> None:
    account_deleted.send(site, user=user, email=user.email, emails=addresses_of(user))
    user._personal_data_forgotten = True


def forget_on_any_deletion(sender, instance, **kwargs) -> None:
    """``pre_delete`` of the user model: an account deleted elsewhere (by staff in the
    admin, a shell, a management command) loses its personal data too."""
    if getattr(instance, "_personal_data_forgotten", False):
        return
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    with transaction.atomic():
        _forget(instance, site)


def _account_section(user) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "section": "account",
        "data": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("email")
            ],
            # Which second factors are set up, never their secrets.
            "second_factors": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
    }


def export(user, site) -> dict[str, Any]:
    """Everything held about ``user``: the account, then each app's section by name."""
    return _collect(user, site)[0]


def _collect(user, site) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The export and the person's own files: an answer may carry ``files``, a list of
    (name in the ZIP, an open-able file field), besides its JSON ``data``."""
    sections: dict[str, Any] = {}
    files: list[tuple[str, Any]] = []
    answers = [_account_section(user)]
    answers += personal_data_export.collect(site, user=user, emails=addresses_of(user))
    for answer in answers:
        files += answer.get("files") or []
        name = answer["section"]
        if name in sections:  # two receivers with one name: keep both
            existing = sections[name]
            sections[name] = (existing if isinstance(existing, list) else [existing]) + [
                answer["data"]
            ]
        else:
            sections[name] = answer["data"]
    document = {
        "format": "treffpunkt-personal-data",
        "version": FORMAT_VERSION,
        "created_at": timezone.now(),
        "site": site.hostname if site else None,
        "sections": dict(sorted(sections.items())),
    }
    return document, files


def _dumps(document) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def export_json(user, site) -> str:
    return _dumps(export(user, site))


#: the export's own name inside the ZIP
ZIP_DATA_NAME = "daten.json"


def export_zip(user, site):
    """The export as a ZIP: ``daten.json`` and the files the person uploaded themselves
    (their working-group documents …), read from private storage. A temporary file (on
    disk beyond a few MB), rewound, for a streaming response."""
    import tempfile
    import zipfile

    document, files = _collect(user, site)
    # returned open: the response streams it and closes it
    archive = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(ZIP_DATA_NAME, _dumps(document))
        seen: set[str] = set()
        for name, field in files:
            if name in seen or name == ZIP_DATA_NAME:
                continue
            seen.add(name)
            try:
                with field.open("rb") as source, bundle.open(name, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except (FileNotFoundError, OSError):
                # a file missing from storage: the JSON still lists it
                bundle.writestr(f"{name}.fehlt.txt", "File not found in storage.\n")
    archive.seek(0)
    return archive
