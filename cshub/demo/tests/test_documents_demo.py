import datetime as dt

from cshub.audit.models import AuditEvent
from cshub.demo.generator import generate
from cshub.documents import storage
from cshub.documents.models import Document, ScanStatus


def test_the_demo_holds_a_few_synthetic_documents_made_through_the_actions(db, settings, tmp_path):
    settings.CSHUB_CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")  # a demo machine without clamd
    summary = generate(seed=7, today=dt.date(2026, 11, 23), years=1, referrals_per_year=60)
    # The missing-from-care profiles' placeholder photographs are made with the profiles.
    documents = list(Document.objects.filter(philomena_profiles__isnull=True).order_by("id"))
    assert summary.documents == len(documents) == 3
    assert not summary.documents_scanned
    assert {d.content_type for d in documents} == {"image/png", "application/pdf"}
    assert [d.police_only for d in documents] == [False, False, True]
    assert all(d.scan_status == ScanStatus.CLEAN for d in documents)
    assert storage.read(documents[0].stored_name).startswith(b"\x89PNG")
    # Not scanned, and the trail says so.
    for d in documents:
        assert AuditEvent.objects.filter(object_id=str(d.pk), detail__demo_unscanned=True).exists()
