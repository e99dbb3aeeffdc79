"""A QR ticket code per registration: added empty, filled for existing rows, then unique."""

from django.db import migrations, models

import events.models


def fill_tickets(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    for registration in Registration.objects.filter(ticket="").only("pk").iterator():
        registration.ticket = events.models.ticket_code()
        registration.save(update_fields=["ticket"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_registration_submission"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="ticket",
            field=models.CharField(default="", editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(fill_tickets, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="ticket",
            field=models.CharField(
                default=events.models.ticket_code, editable=False, max_length=16, unique=True
            ),
        ),
    ]
