"""A table of the interchange format and its columns (the types `spec` is written in)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # id, text, date, datetime, code, codes, flag, int, ref
    required: bool = False
    codes: tuple[str, ...] = ()
    ref: str = ""  # the table an id refers to


@dataclass(frozen=True)
class Table:
    key: str
    filename: str
    ssd_filename: str
    id_column: str
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...] = ()  # a table without an id: what makes a row unique
    aliases: tuple[tuple[str, str], ...] = ()  # (another name a system gives a column, its name)
    # (column, the column whose cell stands for it when it is empty): Mosaic leaves
    # prof_professional_id empty and refers to its workers by prof_staff_id.
    fallbacks: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)
