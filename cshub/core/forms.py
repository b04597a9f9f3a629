"""Form helpers for the GOV.UK Design System: CSS classes, error classes, the date input."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator

from cshub.core.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX, too_long

_DAY = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")

_INPUT_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.PasswordInput: "govuk-input",
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.NumberInput: "govuk-input govuk-input--width-5",
}


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern)."""

    template_name = "govuk/date_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            "month": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            "year": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-4",
                }
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, *, label_name: str = "date", **kwargs: Any) -> None:
        self.label_name = label_name
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"The {self.label_name} must include a {' and '.join(missing)}")
        # ASCII digits only ("²".isdigit() is true), and short enough that int() cannot overflow.
        if not (_DAY.fullmatch(day) and _DAY.fullmatch(month) and _YEAR.fullmatch(year)):
            raise forms.ValidationError(f"The {self.label_name} must be a real date, for example 27 3 2025")
        try:
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise forms.ValidationError(f"The {self.label_name} must be a real date") from None


def limit_text(name: str, field: forms.Field) -> None:
    """Every text field has a limit: its own max_length, or LONG_TEXT_MAX for a text area and
    SHORT_TEXT_MAX for a line; over it, "<Label> must be N characters or fewer"."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.HiddenInput):
        return
    if field.max_length is None:
        field.max_length = LONG_TEXT_MAX if isinstance(field.widget, forms.Textarea) else SHORT_TEXT_MAX
        field.validators.append(MaxLengthValidator(field.max_length))
    # No maxlength attribute: a browser cuts pasted text short without a word (GOV.UK advice);
    # the server says what is over and keeps what was typed in the form.
    field.widget.attrs.pop("maxlength", None)
    label = str(field.label or name.replace("_", " "))
    field.error_messages["max_length"] = too_long(label, field.max_length).replace("%", "%%")


# Control characters that text pasted from a word processor carries (a manual line break is a
# vertical tab, a page break a form feed): kept as the breaks they mean, every other one
# (never typed, and not allowed in XML: a Word or PDF export would fail on it) dropped.
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n\n"})
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")


def plain_text(text: str) -> str:
    """Text as a form saves it: breaks kept, other control characters dropped."""
    return _CONTROL.sub("", text.translate(_BREAKS))


class GovukFormMixin:
    """Adds GOV.UK classes to widgets, error classes to fields that failed validation, and a
    length limit to every text field (`limit_text`).

    An action's ValidationError added with `add_error(None, exc)` lands on the form's field of
    the same name (or the one `action_fields` names, e.g. `reported_at` → `reported_date`),
    and on the error summary when the form has no such field: never a ValueError (a 500)."""

    fields: dict[str, forms.Field]
    errors: Any
    action_fields: dict[str, str] = {}

    def add_error(self, field: str | None, error: Any) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                target = self.action_fields.get(name, name)
                known = target == NON_FIELD_ERRORS or target in self.fields
                super().add_error(target if known else None, errors)  # type: ignore[misc]
            return
        super().add_error(field, error)  # type: ignore[misc]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            limit_text(name, field)
            for widget_class, css in _INPUT_CLASSES.items():
                if type(field.widget) is widget_class:
                    field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()

    def _clean_fields(self) -> None:
        """Each field's text as `plain_text`, before the form's own clean and a model form's
        instance see it."""
        super()._clean_fields()  # type: ignore[misc]
        cleaned: dict[str, Any] = self.cleaned_data  # type: ignore[attr-defined]
        for key, value in cleaned.items():
            if isinstance(value, str):
                cleaned[key] = plain_text(value)

    def full_clean(self) -> None:
        for key, text_field in self.fields.items():  # again: forms add fields after __init__
            limit_text(key, text_field)
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            widget = field.widget
            if isinstance(widget, GovukDateWidget):
                for sub in widget.widgets:
                    sub.attrs["class"] = sub.attrs.get("class", "") + " govuk-input--error"
                continue
            css = widget.attrs.get("class", "")
            for base in ("govuk-input", "govuk-textarea", "govuk-select"):
                if base in css.split():
                    widget.attrs["class"] = f"{css} {base}--error"
                    break


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass
