"""A web process loads what serving pages needs: the PDF library (with its font tools) and
the mail providers' webhooks (with boto3) wait for their first use, about 90 MB of memory
that a process serving pages never needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LOADED_LATER = ["fpdf", "fontTools", "boto3", "botocore", "anymail.urls"]


def test_the_web_entry_point_leaves_pdf_and_webhook_libraries_unloaded():
    script = (
        "import json, sys\n"
        "from treffpunkt.asgi import application\n"
        "from django.urls import resolve, reverse\n"
        "resolve('/'); reverse('account_login')\n"
        f"print(json.dumps([m for m in {LOADED_LATER!r} if m in sys.modules]))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "DATABASE_URL": "sqlite:///:memory:",
        "REDIS_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


@pytest.mark.django_db
def test_a_pdf_still_loads_its_library_when_asked():
    from treffpunkt.core.pdf import TEXT, document

    pdf = document()
    pdf.add_page()
    pdf.set_font(TEXT, "", 12)
    pdf.cell(text="Teilnahmebescheinigung – شهادة حضور")
    assert bytes(pdf.output()).startswith(b"%PDF")
