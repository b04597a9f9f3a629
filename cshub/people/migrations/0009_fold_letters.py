"""Names with letters NFKD leaves alone (ł, ı, ß, ø …) are indexed again now that
people.names.normalise folds them as they are typed (Yılmaz as yilmaz)."""

from functools import reduce
from operator import or_

from django.db import migrations
from django.db.models import Q

from cshub.people.names import FOLD, index_words


def refold(apps, schema_editor):
    PersonName = apps.get_model("people", "PersonName")
    NameWord = apps.get_model("people", "NameWord")
    letters = [chr(code) for code in FOLD]
    has = reduce(or_, (Q(forename__contains=c) | Q(surname__contains=c) for c in letters))
    rows = list(PersonName.objects.filter(has))
    for row in rows:
        row.normalised, row.fore, row.sur = index_words(row.forename, row.surname)
    PersonName.objects.bulk_update(rows, ["normalised", "fore", "sur"], batch_size=1000)
    words = sorted({w for row in rows for w in (row.fore, row.sur) if w})
    NameWord.objects.bulk_create([NameWord(word=w) for w in words], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("people", "0008_search_index")]
    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
