"""Documents uploaded before private storage existed move out of MEDIA_ROOT (random names)."""

from django.db import migrations


def move(apps, schema_editor):
    from treffpunkt.core.privatefiles import move_into_private_storage

    Document = apps.get_model("wagtaildocs", "Document")
    for document in Document.objects.exclude(file="").iterator():
        move_into_private_storage(document)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_upcoming_events_block_in_core"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
