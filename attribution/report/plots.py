"""Figures for the HTML report, drawn with matplotlib and returned as inline SVG text.

Every function takes plain data (lists, dicts, arrays) and returns one ``<svg>`` element as a
string that the report template inlines, so the page needs no file beside it and no script.
Output is deterministic: a fixed hash salt per figure and no date in the metadata.

Corpus-derived strings reach the SVG only through matplotlib's XML writer or
``html.escape``, and ``$`` is escaped so matplotlib never parses a label as mathtext.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import re
from collections.abc import Callable, Mapping, Sequence

import matplotlib
import matplotlib.dates
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.figure import Figure

#: Okabe-Ito, readable by colour-blind readers; groups take these in order.
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: Operators take a second, distinct set so a group's colour is never read as an operator's.
OPERATOR_COLOURS = ["#762A83", "#8C510A", "#B2182B", "#01665E", "#C51B7D", "#6B6B00", "#4D4D4D", "#3F007D"]
#: Operators also differ by marker shape, so the two maps never read alike.
OPERATOR_MARKERS = ["s", "^", "D", "v", "P", "X", "p", "h"]
#: Documents with no operator match and noise points.
NEUTRAL = "#B0B0B0"
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

_RC = {
    "svg.fonttype": "none",  # text stays text: selectable, small, styled by the page's font
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#666666",
    "axes.labelcolor": "#333333",
    "xtick.color": "#444444",
    "ytick.color": "#444444",
}
_PROBABILITY_CMAP = LinearSegmentedColormap.from_list("probability", ["#FFFFFF", "#C6DBEF", "#4292C6", "#08306B"])
_COUNT_CMAP = LinearSegmentedColormap.from_list("counts", ["#FFFFFF", "#FDD49E", "#FC8D59", "#B30000"])


def label_text(value: object) -> str:
    """A corpus-derived label made safe for matplotlib text (no mathtext)."""
    return str(value).replace("$", r"\$")


def group_colour(index: int) -> str:
    """The colour of the ``index``-th group (by sorted cluster id); noise is neutral."""
    return NEUTRAL if index < 0 else GROUP_COLOURS[index % len(GROUP_COLOURS)]


def operator_colour(index: int) -> str:
    """The colour of the ``index``-th operator name."""
    return OPERATOR_COLOURS[index % len(OPERATOR_COLOURS)]


def _styled(func: Callable[..., str]) -> Callable[..., str]:
    """Draw under the report's rc settings without touching the global ones."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs) -> str:
        with matplotlib.rc_context(_RC):
            return func(*args, **kwargs)

    return wrapper


def _new_figure(width: float, height: float) -> Figure:
    # dpi 72 makes display coordinates equal SVG points, which the hover targets rely on.
    return Figure(figsize=(width, height), dpi=72, layout="constrained")


def _to_svg(fig: Figure, name: str, description: str, hover: Sequence[tuple[float, float, str]] = ()) -> str:
    """Serialise ``fig`` as one inline ``<svg>`` element labelled for screen readers.

    ``hover`` holds (x, y, text) in display points: each becomes an invisible circle with a
    ``<title>``, so a pointer over a dot shows which document it is.
    """
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"attribution-{name}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE: not allowed inline
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, count=1, flags=re.S)
    height = fig.get_figheight() * 72
    attributes = f' role="img" aria-label="{html.escape(description)}" class="plot plot-{html.escape(name)}"'
    svg = svg.replace("<svg ", "<svg" + attributes + " ", 1)
    svg = re.sub(r'(<svg[^>]*?) width="[\d.]+pt" height="[\d.]+pt"', r"\1", svg, count=1)
    if hover:
        targets = "".join(
            f'<circle cx="{x:.1f}" cy="{height - y:.1f}" r="5"><title>{html.escape(text)}</title></circle>'
            for x, y, text in hover
        )
        svg = svg.replace("</svg>", f'<g class="hover-targets">{targets}</g></svg>')
    return svg.strip()


@_styled
def document_map(
    xy: np.ndarray,
    categories: Sequence[int],
    names: Sequence[str],
    colours: Sequence[str],
    *,
    hollow: Sequence[bool] | None = None,
    tooltips: Sequence[str] = (),
    title: str = "",
    name: str = "map",
    unmatched_label: str = "no match",
    markers: Sequence[str] | None = None,
) -> str:
    """Scatter of documents at ``xy`` (n, 2), coloured by category; -1 is drawn neutral.

    ``names[i]``/``colours[i]`` describe category ``i``; ``hollow`` marks documents drawn as
    rings (between groups, or no confident match); ``markers[i]`` is category ``i``'s shape.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    categories = np.asarray(categories, dtype=int)
    hollow = np.zeros(len(xy), dtype=bool) if hollow is None else np.asarray(hollow, dtype=bool)
    fig = _new_figure(5.4, 4.6)
    ax = fig.add_subplot()
    # Dots shrink as documents grow in number, so a crowded map stays legible.
    size = 34.0 if len(xy) <= 200 else max(6.0, 34.0 * float(np.sqrt(200 / len(xy))))
    edge = 1.4 if len(xy) <= 200 else 0.5
    for code in sorted(set(categories.tolist()), key=lambda c: (c < 0, c)):
        colour = NEUTRAL if code < 0 else colours[code]
        label = label_text(names[code] if code >= 0 else unmatched_label)
        for is_hollow in (False, True):
            mask = (categories == code) & (hollow == is_hollow)
            if not mask.any():
                continue
            ax.scatter(
                xy[mask, 0],
                xy[mask, 1],
                s=size,
                linewidths=edge,
                marker="o" if markers is None or code < 0 else markers[code % len(markers)],
                facecolors="none" if is_hollow else colour,
                edgecolors=colour if is_hollow else "white",
                label=label,
                zorder=2 if is_hollow else 3,
            )
            label = None  # one legend entry per category
    ax.set_xticks([])
    ax.set_yticks([])
    ax.spines[["left", "bottom"]].set_color("#CCCCCC")
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(label_text(title), loc="left", fontsize=11, color="#222222")
    # As many legend columns as fit the figure's width; a wider legend would squeeze the map.
    handles, labels = ax.get_legend_handles_labels()
    column_points = 5.5 * max((len(label) for label in labels), default=1) + 28
    ncols = max(1, min(len(labels), 3, int(fig.get_figwidth() * 72 * 0.95 // column_points)))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=ncols, frameon=False, fontsize=9)
    hover = []
    if len(tooltips):
        fig.canvas.draw()  # fixes the layout so data -> display points is final
        points = ax.transData.transform(xy)
        hover = [(float(x), float(y), text) for (x, y), text in zip(points, tooltips)]
    return _to_svg(fig, name, title or "Map of documents", hover)


@_styled
def probability_heatmap(
    probabilities: np.ndarray,
    operator_names: Sequence[str],
    groups: Sequence[int],
    group_names: Sequence[str],
    *,
    document_ids: Sequence[str] = (),
) -> str:
    """Operators (rows) x documents (columns) heat map of match probabilities, 0..1.

    Documents must already be ordered by group; a coloured strip above the map names the
    group of each column.
    """
    probabilities = np.asarray(probabilities, dtype=float).reshape(len(groups), len(operator_names))
    groups = np.asarray(groups, dtype=int)
    n_docs, n_ops = probabilities.shape
    fig = _new_figure(10.0, 1.3 + 0.38 * n_ops)
    grid = fig.add_gridspec(2, 2, height_ratios=[0.22, n_ops], width_ratios=[40, 1], hspace=0.02, wspace=0.02)
    strip = fig.add_subplot(grid[0, 0])
    ax = fig.add_subplot(grid[1, 0], sharex=strip)
    bar_ax = fig.add_subplot(grid[1, 1])
    group_codes = np.where(groups < 0, len(group_names), groups)
    strip_colours = [group_colour(i) for i in range(len(group_names))] + [NEUTRAL]
    strip.imshow(
        group_codes[None, :],
        aspect="auto",
        cmap=ListedColormap(strip_colours),
        vmin=-0.5,
        vmax=len(strip_colours) - 0.5,
        interpolation="nearest",
    )
    strip.set_yticks([])
    strip.tick_params(axis="x", bottom=False, labelbottom=False)
    for side in ("left", "bottom"):
        strip.spines[side].set_visible(False)
    for code in sorted(set(groups.tolist())):
        columns = np.flatnonzero(groups == code)
        label = group_names[code] if code >= 0 else "unassigned"
        if len(columns) >= max(2, 0.04 * n_docs):
            strip.text(columns.mean(), -0.9, label_text(label), ha="center", va="bottom", fontsize=9, color="#222222")
    image = ax.imshow(
        probabilities.T, aspect="auto", cmap=_PROBABILITY_CMAP, vmin=0.0, vmax=1.0, interpolation="nearest"
    )
    for boundary in np.flatnonzero(np.diff(groups)) + 0.5:
        ax.axvline(boundary, color="#222222", linewidth=1.2)
        strip.axvline(boundary, color="white", linewidth=1.5)
    ax.set_yticks(range(n_ops), [label_text(n) for n in operator_names])
    if len(document_ids) and n_docs <= 40:
        ax.set_xticks(range(n_docs), [label_text(d) for d in document_ids], rotation=90, fontsize=7)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{n_docs} documents, grouped as on the map (each column is one document)")
    ax.spines[["top", "right"]].set_visible(True)
    bar = fig.colorbar(image, cax=bar_ax)
    bar.set_label("probability")
    return _to_svg(fig, "heatmap", "Heat map: probability that each known operator wrote each document")


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(dt.timezone.utc).replace(tzinfo=None) if parsed.tzinfo else parsed


@_styled
def timeline(
    timestamps: Sequence[str | None],
    groups: Sequence[int],
    group_names: Sequence[str],
    *,
    tooltips: Sequence[str] = (),
) -> str:
    """Documents along time (or along their order when no time stamps), one lane per group."""
    groups = np.asarray(groups, dtype=int)
    times = [_parse_time(t) for t in timestamps]
    dated = any(t is not None for t in times)
    fig = _new_figure(10.0, 0.9 + 0.42 * (len(group_names) + (groups < 0).any()))
    ax = fig.add_subplot()
    lanes = {code: lane for lane, code in enumerate(sorted(set(groups.tolist()), key=lambda c: (c < 0, c)))}
    hover = []
    positions = []
    for code, lane in lanes.items():
        rows = [i for i in np.flatnonzero(groups == code) if not dated or times[i] is not None]
        if not rows:
            continue
        x = [matplotlib.dates.date2num(times[i]) for i in rows] if dated else [i + 1 for i in rows]
        colour = group_colour(code)
        ax.scatter(x, [lane] * len(rows), s=60, marker="|", linewidths=2.0, color=colour, zorder=3)
        positions += [(xi, lane, i) for xi, i in zip(x, rows)]
    ax.set_yticks(list(lanes.values()), [label_text(group_names[c] if c >= 0 else "unassigned") for c in lanes])
    for tick, code in zip(ax.get_yticklabels(), lanes):
        tick.set_color(group_colour(code))
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.grid(axis="x", color="#EEEEEE")
    if dated:
        locator = matplotlib.dates.AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator))
        missing = sum(t is None for t in times)
        ax.set_xlabel("date (UTC)" + (f"; {missing} documents without a time stamp are not shown" if missing else ""))
    else:
        ax.set_xlabel("document, in the byline's order (no time stamps)")
    if len(tooltips) and positions:
        fig.canvas.draw()
        points = ax.transData.transform([(x, lane) for x, lane, _ in positions])
        hover = [(float(px), float(py), tooltips[i]) for (px, py), (_, _, i) in zip(points, positions)]
    return _to_svg(fig, "timeline", "Timeline of documents by group", hover)


@_styled
def posting_heatmaps(
    profiles: Mapping[str, np.ndarray], colours: Mapping[str, str] | None = None, *, tz: str = "UTC"
) -> str:
    """Hour x weekday heat maps, one panel per label; each panel shows shares of its own posts."""
    labels = list(profiles)
    n = len(labels)
    columns = 1 if n == 1 else 2
    rows = -(-n // columns)
    fig = _new_figure(10.0 if columns == 2 else 6.5, 0.6 + 1.9 * rows)
    axes = fig.subplots(rows, columns, squeeze=False)
    image = None
    grids = {label: np.asarray(profiles[label], dtype=float) for label in labels}
    shares = {label: grid / grid.sum() if grid.sum() else grid for label, grid in grids.items()}
    top = max([float(s.max()) for s in shares.values()] + [1e-9])  # one scale, so panels compare
    for ax, label in zip(axes.flat, labels):
        total = grids[label].sum()
        image = ax.imshow(shares[label], aspect="auto", cmap=_COUNT_CMAP, vmin=0.0, vmax=top, interpolation="nearest")
        ax.set_yticks(range(7), WEEKDAYS, fontsize=8)
        ax.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)], fontsize=8)
        ax.set_title(
            f"{label_text(label)}  ({int(total):,} posts)",
            loc="left",
            fontsize=10,
            color=(colours or {}).get(label, "#222222"),
        )
        ax.spines[["top", "right"]].set_visible(True)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(f"hour of day ({label_text(tz)})")
    if image is not None:
        bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, aspect=25)
        bar.set_label("share of the panel's posts")
    return _to_svg(fig, "posting", "Heat maps of posting hour by weekday")


@_styled
def k_distribution(probabilities: Mapping[str, float], estimate: int | None, interval: Sequence[int] | None) -> str:
    """Bar chart of the probability of each number of writers."""
    ks = sorted(probabilities, key=lambda k: int(k))
    values = [float(probabilities[k]) for k in ks]
    fig = _new_figure(3.6, 2.0)
    ax = fig.add_subplot()
    lo, hi = (interval or [None, None])[:2]
    colours = [
        "#08306B"
        if estimate is not None and int(k) == int(estimate)
        else "#6BAED6"
        if lo is not None and int(lo) <= int(k) <= int(hi)
        else "#C6DBEF"
        for k in ks
    ]
    ax.bar([int(k) for k in ks], values, color=colours, width=0.7)
    ax.set_xticks([int(k) for k in ks])
    ax.set_ylim(0, 1)
    ax.set_yticks([0, 0.5, 1], ["0", "50%", "100%"])
    ax.set_xlabel("number of writers")
    ax.tick_params(labelsize=9)
    return _to_svg(fig, "k", "Probability of each number of writers")


@_styled
def rolling_windows(
    windows: Sequence[Mapping],
    names: Sequence[str],
    colours: Sequence[str],
    *,
    title: str = "",
    changes: Sequence[int] = (),
) -> str:
    """Probability of each candidate writer along one text; dashed lines mark change points (tokens)."""
    fig = _new_figure(10.0, 2.1)
    ax = fig.add_subplot()
    x = [(int(w.get("start", 0)) + int(w.get("end", 0))) / 2 for w in windows]
    for name, colour in zip(names, colours):
        y = [float((w.get("probabilities") or {}).get(name) or 0.0) for w in windows]
        ax.plot(x, y, color=colour, linewidth=2, marker="o", markersize=3, label=label_text(name))
    ax.set_ylim(0, 1.02)
    ax.set_yticks([0, 0.5, 1], ["0", "50%", "100%"])
    ax.set_xlabel("position in the text (tokens, window centre)")
    ax.grid(axis="y", color="#EEEEEE")
    for token in changes:
        ax.axvline(token, color="#444444", linestyle="--", linewidth=1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    return _to_svg(fig, f"rolling-{_slug(title)}", f"Writer probabilities along the text {title}")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text)[:40].strip("-") or "x"
