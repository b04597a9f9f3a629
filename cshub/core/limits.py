"""How much text CSHub keeps: the one place the limits are defined.

Models, forms, serializers and the write path all take their limits from here:

- a name (forename, surname, a professional's name): `NAME_MAX` characters;
- short text (a place, who the child was found with, a reason on one line): at most
  `SHORT_TEXT_MAX` (some are shorter; the model field says);
- long text (summaries, notes, the minutes of each agenda item, circumstances, every
  text area): `LONG_TEXT_MAX`;
- an API request body: `API_BODY_MAX_BYTES` (answered 413 before it is read);
- a page's form fields together: 2 MiB (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, in settings;
  uploaded files are not counted).

`check_lengths` refuses, with a clear message per field, any text longer than its model
field keeps. It runs before every save of a CSHub model (`refuse_over_long_text`, connected
in `CoreConfig.ready`), so every action refuses it inside its own transaction, whichever
way the value came in (page, API, import, console); actions that `bulk_create` call it
themselves.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import QuerySet
from django.utils.text import capfirst

Q = TypeVar("Q", bound=QuerySet[Any])

NAME_MAX = 100
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 20_000
API_BODY_MAX_BYTES = 2**20  # 1 MiB

# For `long_text()`: a TextField's max_length reaches its form field and serializer, the
# validator full_clean().
LONG_TEXT_VALIDATOR = MaxLengthValidator(LONG_TEXT_MAX)


def long_text(verbose_name: str | None = None, **kwargs: Any) -> "models.TextField[str, str]":
    """A TextField of long text: LONG_TEXT_MAX characters, checked by full_clean() too."""
    return models.TextField(
        verbose_name, max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR], **kwargs
    )


def field_limit(model: type[models.Model], name: str) -> int:
    """The most characters `model.name` keeps."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField | models.TextField), (model, name)
    assert field.max_length, (model, name)
    return int(field.max_length)


def too_long(label: str, limit: int) -> str:
    """The message for text over its limit (GOV.UK: "… must be 300 characters or fewer")."""
    return f"{capfirst(label)} must be {limit:,} characters or fewer"


def length_errors(obj: models.Model, labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """Field name → message, for each text field of `obj` longer than its model field keeps."""
    errors: dict[str, str] = {}
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or not field.max_length:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, str) and len(value) > field.max_length:
            label = (labels or {}).get(field.name) or str(field.verbose_name)
            errors[field.name] = too_long(label, field.max_length)
    return errors


def check_lengths(*objs: models.Model, labels: Mapping[str, str] | None = None) -> None:
    """Raise ValidationError (field-keyed, as actions do) when any text is over its limit."""
    errors: dict[str, str] = {}
    for obj in objs:
        for name, message in length_errors(obj, labels).items():
            errors.setdefault(name, message)
    if errors:
        raise ValidationError(errors)


def refuse_over_long_text(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """pre_save: no CSHub record is written with text longer than its field keeps."""
    if not sender.__module__.startswith("cshub."):
        return
    fields = kwargs.get("update_fields")
    errors = length_errors(instance)
    if fields is not None:  # a partial save checks what it writes (old rows stay readable)
        errors = {name: message for name, message in errors.items() if name in fields}
    if errors:
        raise ValidationError(errors)


def long_text_fields(model: type[models.Model]) -> list[str]:
    """The model's text columns (TextField): what a list should not read unless it shows it."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)]


def without_long_text(qs: Q, *related: str, keep: tuple[str, ...] = ()) -> Q:
    """`qs` not reading the long text of its model, nor of the `related` (select_related)
    paths, apart from `keep`: a list page shows dates, names and codes, and a row can carry
    tens of thousands of characters in each text column."""
    names = [n for n in long_text_fields(qs.model) if n not in keep]
    for path in related:
        model: Any = qs.model
        for part in path.split("__"):
            model = model._meta.get_field(part).related_model
        names += [f"{path}__{n}" for n in long_text_fields(model) if f"{path}__{n}" not in keep]
    return qs.defer(*names)
