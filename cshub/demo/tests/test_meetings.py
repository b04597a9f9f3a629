import datetime as dt

from cshub.demo.generator import generate
from cshub.meetings.models import Meeting, Status
from cshub.people.models import TimelineEntry, TimelineKind
from cshub.tasks.models import Source, Task


def test_the_demo_has_a_meeting_history_and_todays_agenda_ready(db):
    today = dt.date(2026, 11, 23)
    generate(seed=5, today=today, years=1, referrals_per_year=120)
    history = Meeting.objects.filter(meeting_type__code="daily", date__lt=today)
    assert history.count() == 10 and not history.exclude(status=Status.CLOSED).exists()
    assert all(d.weekday() < 5 for d in history.values_list("date", flat=True))
    decisions = TimelineEntry.objects.filter(kind=TimelineKind.MEETING_DECISION)
    assert decisions.count() >= history.count()
    meeting_tasks = Task.objects.filter(source=Source.MEETING)
    assert meeting_tasks.exclude(status="OPEN").exists() and meeting_tasks.overdue(today).exists()
    ready = Meeting.objects.get(meeting_type__code="daily", date=today)
    assert ready.status == Status.PLANNED and ready.items.current().count() >= 5
    assert ready.items.current().filter(source_kind="FLAGGED").count() == 2
