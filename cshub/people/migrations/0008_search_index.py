"""The person index's new search keys (people.search, people.names): the first word of the
forename and of the surname, in two composite indexes (either order), the dictionary of
every word (NameWord), and an index on the date of birth. The old keys (whole normalised
name, Metaphone of each part) are dropped: the dictionary gives sounds-alike and near
words at query time. The Person table's index is added with plain SQL (AlterField would
rebuild the table on SQLite and reset its AUTOINCREMENT high-water mark)."""

from django.db import migrations, models

from cshub.people.names import index_words

DOB_INDEX = "people_person_date_of_birth_idx"


def fill(apps, schema_editor):
    PersonName = apps.get_model("people", "PersonName")
    NameWord = apps.get_model("people", "NameWord")
    seen: set[str] = set()
    batch = []
    for row in PersonName.objects.only("id", "forename", "surname").iterator(chunk_size=2000):
        row.normalised, row.fore, row.sur = index_words(row.forename, row.surname)
        batch.append(row)
        seen.update(w for w in (row.fore, row.sur) if w)
        if len(batch) == 2000:
            PersonName.objects.bulk_update(batch, ["normalised", "fore", "sur"])
            batch = []
    PersonName.objects.bulk_update(batch, ["normalised", "fore", "sur"])
    NameWord.objects.bulk_create([NameWord(word=w) for w in sorted(seen)], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_text_limits"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=100, unique=True)),
            ],
        ),
        migrations.RemoveField(model_name="personname", name="forename_key"),
        migrations.RemoveField(model_name="personname", name="surname_key"),
        migrations.AlterField(
            model_name="personname", name="normalised", field=models.CharField(max_length=201)
        ),
        migrations.AddField(
            model_name="personname", name="fore", field=models.CharField(blank=True, max_length=100)
        ),
        migrations.AddField(
            model_name="personname", name="sur", field=models.CharField(blank=True, max_length=100)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="personname",
            index=models.Index(fields=["sur", "fore"], name="people_name_sur_fore"),
        ),
        migrations.AddIndex(
            model_name="personname",
            index=models.Index(fields=["fore", "sur"], name="people_name_fore_sur"),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"CREATE INDEX {DOB_INDEX} ON people_person (date_of_birth);",
                    f"DROP INDEX IF EXISTS {DOB_INDEX};",
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="date_of_birth",
                    field=models.DateField(blank=True, db_index=True, null=True),
                )
            ],
        ),
    ]
