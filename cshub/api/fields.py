"""Serializer fields every API serializer uses (through `ApiModelSerializer`)."""

import datetime as dt
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

M = TypeVar("M", bound=models.Model)
NAIVE = "Give the time zone offset, e.g. 2026-11-22T14:05:00Z or +00:00"


class AwareDateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time: a value without an offset is refused, never read as London time.

    (The interchange importer keeps its own documented rule for times without an offset.)"""

    default_error_messages = {**serializers.DateTimeField.default_error_messages, "naive": NAIVE}

    def to_internal_value(self, value: Any) -> dt.datetime:
        try:
            parsed = parse_datetime(value.strip()) if isinstance(value, str) else value
        except ValueError:  # well formed but not a real time (minute 60): DRF words it
            parsed = None
        if isinstance(parsed, dt.datetime) and parsed.tzinfo is None:
            self.fail("naive")
        return super().to_internal_value(value)


class ApiModelSerializer(serializers.ModelSerializer[M], Generic[M]):
    """Every date-time field a model gives is an `AwareDateTimeField`."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: AwareDateTimeField,
    }
