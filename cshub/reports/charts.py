"""Charts as inline SVG drawn on the server, so a page and its PDF show them without
JavaScript. Each chart goes with a table of the same figures (the template shows both);
the SVG carries `role="img"` and a label that says so.

A value of None is a suppressed figure (publication): its bar is not drawn, and "c"
stands where its number would be, so a chart never gives away what its table hides."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

INK = "#0b0c0c"
GRID = "#b1b4b6"
BLUE = "#1d70b8"
# GOV.UK colours, then a marker shape each, so a line is told apart without colour too.
SERIES = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#28a197", "#6f72af", "#b58840"]
MARKERS = ["circle", "square", "triangle", "diamond"]
FONT = mark_safe('font-family="arial, sans-serif"')  # nosec B308 # a constant attribute, no input
SUPPRESSED = "c"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString
    # The table that goes with it: column headings, then (row heading, cells) per row.
    columns: Sequence[str]
    rows: Sequence[tuple[str, Sequence[str]]]


def _show(value: int | None) -> str:
    return SUPPRESSED if value is None else f"{value:,}"


def _axis(items: Sequence[tuple[str, int | None]]) -> str:
    """The top of a chart's scale: the largest number shown (none when none is shown)."""
    return max((f"{v:,}" for _, v in items if v), key=lambda t: int(t.replace(",", "")), default="")


def _svg(width: int, height: int, title: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="cshub-chart__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-label="{}: chart; the same figures are in the table '
        'with it">{}</svg>',
        width,
        height,
        width,
        height,
        title,
        body,
    )


def bars(title: str, items: Sequence[tuple[str, int | None]], *, share_of: int | None = None) -> Chart:
    """Horizontal bars, one per item, longest first as given; the table gives the number and,
    with `share_of`, the share of that total."""
    biggest = max((v for _, v in items if v), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(items):
        y = 30 * i
        width = 0.0 if value is None else round(260 * value / biggest, 1)
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="14" fill="{}" {}>{}</text>'
                '<rect x="300" y="{}" width="{}" height="20" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="14" fill="{}" {}>{}</text>',
                y + 19,
                INK,
                FONT,
                label[:40],
                y + 5,
                width,
                BLUE,
                300 + width + 8,
                y + 19,
                INK,
                FONT,
                _show(value),
            )
        )
    svg = _svg(640, max(30 * len(items), 30), title, mark_safe("".join(parts)))  # noqa: S308 (escaped above)  # nosec B308, B703
    columns = ["Number"] + (["Share"] if share_of is not None else [])
    rows = []
    for label, value in items:
        cells = [_show(value)]
        if share_of is not None:
            cells.append(_share(value, share_of))
        rows.append((label, cells))
    return Chart(title, svg, columns, rows)


def _share(value: int | None, total: int | None) -> str:
    if value is None or total is None:
        return SUPPRESSED
    if not total:
        return "–"  # noqa: RUF001 (GOV.UK: nothing to share out)
    return f"{100 * value / total:.1f}%"


def columns(title: str, items: Sequence[tuple[str, int | None]], *, every: int = 1) -> Chart:
    """Vertical columns in order (days of the week, hours of the day); every `every`-th label
    is written under its column."""
    n = max(len(items), 1)
    step = min(60, 600 // n)
    biggest = max((v for _, v in items if v), default=0) or 1
    plot = 160
    parts = [
        format_html(
            '<line x1="40" y1="{}" x2="{}" y2="{}" stroke="{}"></line>', plot, 40 + step * n, plot, GRID
        )
    ]
    parts.append(
        format_html(
            '<text x="0" y="14" font-size="12" fill="{}" {}>{}</text>',
            INK,
            FONT,
            _axis(items),
        )
    )
    for i, (label, value) in enumerate(items):
        x = 40 + step * i
        height = 0.0 if value is None else round(plot * value / biggest, 1)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                x + 2,
                plot - height,
                step - 4,
                height,
                BLUE,
            )
        )
        if value is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="{}" {}>{}</text>',
                    x + 4,
                    plot - 4,
                    INK,
                    FONT,
                    SUPPRESSED,
                )
            )
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="{}" {}>{}</text>',
                    x + 2,
                    plot + 16,
                    INK,
                    FONT,
                    label[:5],
                )
            )
    svg = _svg(40 + step * n + 10, plot + 24, title, mark_safe("".join(parts)))  # noqa: S308 (escaped above)  # nosec B308, B703
    return Chart(title, svg, ["Number"], [(label, [_show(v)]) for label, v in items])


def _marker(shape: str, x: float, y: float, colour: str) -> SafeString:
    if shape == "square":
        return format_html('<rect x="{}" y="{}" width="8" height="8" fill="{}"></rect>', x - 4, y - 4, colour)
    if shape == "triangle":
        return format_html(
            '<polygon points="{},{} {},{} {},{}" fill="{}"></polygon>',
            x,
            y - 5,
            x - 5,
            y + 4,
            x + 5,
            y + 4,
            colour,
        )
    if shape == "diamond":
        return format_html(
            '<polygon points="{},{} {},{} {},{} {},{}" fill="{}"></polygon>',
            x,
            y - 5,
            x + 5,
            y,
            x,
            y + 5,
            x - 5,
            y,
            colour,
        )
    return format_html('<circle cx="{}" cy="{}" r="4" fill="{}"></circle>', x, y, colour)


def lines(title: str, x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | None]]]) -> Chart:
    """One line per series across the x labels (quarters), each with its colour and marker
    shape and a key; a suppressed point breaks its line. The table has a row per series."""
    # the first and last points stand in from the edges, so their labels fit beneath them
    width, plot, left, right = 640, 180, 90, 70
    n = max(len(x_labels), 1)
    step = (width - left - right) / max(n - 1, 1)
    biggest = max((v for _, values in series for v in values if v), default=0) or 1

    def xy(i: int, v: int) -> tuple[float, float]:
        return round(left + step * i if n > 1 else left + (width - left - right) / 2, 1), round(
            10 + plot - plot * v / biggest, 1
        )

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>',
            40,
            plot + 10,
            width - 10,
            plot + 10,
            GRID,
        ),
        format_html(
            '<text x="0" y="16" font-size="12" fill="{}" {}>{}</text>',
            INK,
            FONT,
            _axis([(n, v) for n, vs in series for v in vs]),
        ),
        format_html(
            '<text x="0" y="{}" font-size="12" fill="{}" {}>0</text>',
            plot + 14,
            INK,
            FONT,
        ),
    ]
    for i, label in enumerate(x_labels):
        x, _ = xy(i, 0)
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="middle" {}>{}</text>',
                x,
                plot + 28,
                INK,
                FONT,
                label,
            )
        )
    key_y = plot + 50
    for s, (name, values) in enumerate(series):
        colour, shape = SERIES[s % len(SERIES)], MARKERS[s % len(MARKERS)]
        run: list[tuple[float, float]] = []
        runs = [run]
        for i, v in enumerate(values):
            if v is None:
                run = []
                runs.append(run)
                continue
            run.append(xy(i, v))
        for r in runs:
            if len(r) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"></polyline>',
                        " ".join(f"{x},{y}" for x, y in r),
                        colour,
                    )
                )
            parts.extend(_marker(shape, x, y, colour) for x, y in r)
        ky = key_y + 20 * s
        parts.append(_marker(shape, 10, ky - 4, colour))
        parts.append(
            format_html(
                '<line x1="18" y1="{}" x2="34" y2="{}" stroke="{}" stroke-width="2"></line>'
                '<text x="42" y="{}" font-size="13" fill="{}" {}>{}</text>',
                ky - 4,
                ky - 4,
                colour,
                ky,
                INK,
                FONT,
                name,
            )
        )
    svg = _svg(width, key_y + 20 * len(series), title, mark_safe("".join(parts)))  # noqa: S308 (escaped above)  # nosec B308, B703
    return Chart(title, svg, list(x_labels), [(name, [_show(v) for v in values]) for name, values in series])


def join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((p,) for p in parts))
