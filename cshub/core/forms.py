"""Form helpers for the GOV.UK Design System: CSS classes, error classes, the date input."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

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


class GovukFormMixin:
    """Adds GOV.UK classes to widgets, and error classes to fields that failed validation.

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
                super().add_error(target if target in self.fields else None, errors)  # type: ignore[misc]
            return
        super().add_error(field, error)  # type: ignore[misc]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            for widget_class, css in _INPUT_CLASSES.items():
                if type(field.widget) is widget_class:
                    field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()

    def full_clean(self) -> None:
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
