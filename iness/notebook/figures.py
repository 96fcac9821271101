"""Figures: a frame in, a matplotlib Figure out, in one house style.

Every function takes ``lang`` ("en" or "fr"; default :func:`language`) for its
labels. :func:`save` writes PNG and PDF with fixed metadata, so that reruns
give the same bytes; :func:`show` displays a figure in a notebook and, when
``INESS_FIGURES_DIR`` is set (as ``iness report`` does), saves it there too.
"""
from __future__ import annotations

import os
import textwrap
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.container
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from iness import i18n
from iness.reference import taxonomy
from iness.notebook.geo import EUROPE_FRAME
from iness.paths import FIGURES_DIR_VARIABLE, PACKAGE_DATA

STYLE = PACKAGE_DATA / "iness.mplstyle"
#: Okabe-Ito, the colour-blind-safe palette of the house style
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
OUTSIDE_GREY = "#9a9a9a"
def wave_colours(waves) -> dict:
    """One colour per wave (2016 blue, 2017 orange for DSI4EU; in order otherwise)."""
    return dict(zip(sorted(set(int(w) for w in waves)), PALETTE))
def set_language(lang: str) -> None:
    """The language of figure labels, sentences and numbers (:mod:`iness.i18n`)."""
    i18n.set_language(lang)


def language(lang: str | None = None) -> str:
    return i18n.language(lang)


#: a figure label in the chosen language (:func:`iness.i18n.label`)
text = i18n.label


@contextmanager
def house_style():
    with plt.style.context(STYLE):
        yield


def category_colours() -> dict[str, str]:
    """One colour per talk category; grey for the groups outside the 8."""
    frame = taxonomy.categories().sort_values("order")
    colours, talk = {}, iter(PALETTE)
    for row in frame.itertuples():
        colours[row.category_id] = next(talk) if row.in_talk else OUTSIDE_GREY
    return colours


#: the files each figure is written as: PNG for pages and slides, PDF for papers
FORMATS = ("png", "pdf")
#: pixels per inch of the PNG (written and displayed); shown at the inline size
PNG_DPI = 150
#: fixed metadata, so that reruns give the same bytes
METADATA = {"png": {"Software": None},
            "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}


def tight_box(fig):
    """The figure's tight bounding box (inches), padded as ``bbox_inches="tight"``
    pads it: computed once per figure instead of once per file written."""
    fig.draw_without_rendering()
    return fig.get_tightbbox().padded(plt.rcParams["savefig.pad_inches"])


def png_bytes(fig, box=None) -> bytes:
    """The figure as PNG at :data:`PNG_DPI`, cropped to ``box`` (default tight)."""
    import io
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata=METADATA["png"],
                bbox_inches=tight_box(fig) if box is None else box)
    return buffer.getvalue()


def save(fig, name: str, folder: Path | str, png: bytes | None = None,
         box=None) -> list[Path]:
    """Write ``name.png`` and ``name.pdf`` (:data:`FORMATS`), byte-stable;
    ``png`` and ``box`` reuse what :func:`show` has already rendered."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    box = tight_box(fig) if box is None else box
    paths = {kind: folder / f"{name}.{kind}" for kind in FORMATS}
    paths["png"].write_bytes(png_bytes(fig, box) if png is None else png)
    fig.savefig(paths["pdf"], metadata=METADATA["pdf"], bbox_inches=box)
    return list(paths.values())


def image_of(fig, box=None, png: bytes | None = None):
    """An IPython image of the figure, shown at the size the inline backend
    would show it (the PNG is sharper: :data:`PNG_DPI`)."""
    from IPython.display import Image
    box = tight_box(fig) if box is None else box
    png = png_bytes(fig, box) if png is None else png
    from iness.notebook.pages import figure_alt
    return Image(data=png, format="png", width=round(box.width * fig.dpi),
                 metadata={"alt": figure_alt(fig)})


def _shown(fig, name: str):
    """The image to display; the PNG and PDF written too when
    INESS_FIGURES_DIR is set. One tight box and one PNG render serve all."""
    box = tight_box(fig)
    png = png_bytes(fig, box)
    folder = os.environ.get(FIGURES_DIR_VARIABLE)
    if folder:
        save(fig, name, folder, png=png, box=box)
    return image_of(fig, box, png)


def show(fig, name: str):
    """Display a figure in a notebook (saving it when INESS_FIGURES_DIR is set)."""
    from IPython.display import display
    try:
        display(_shown(fig, name))
    finally:
        plt.close(fig)


def show_updatable(fig, name: str):
    """Like :func:`show`, but return a display handle whose
    ``update(image_of(new_fig))`` redraws the figure in place (in JupyterLab)."""
    from IPython.display import display
    try:
        return display(_shown(fig, name), display_id=True)
    finally:
        plt.close(fig)


# --- data and ledger -------------------------------------------------------

def ledger_figure(summary: pd.DataFrame, lang: str | None = None):
    """Raw rows per file: kept, merged and set aside."""
    lang = language(lang)
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 3.2))
        table = summary[["kept", "merged", "set_aside"]].iloc[::-1]
        left = np.zeros(len(table))
        for column, colour in zip(table.columns, ["#009E73", "#E69F00", "#D55E00"]):
            ax.barh(table.index, table[column], left=left, color=colour,
                    label=text(column, lang))
            left += table[column].to_numpy()
        for y, total in enumerate(left):
            ax.text(total, y, f" {i18n.num(int(total), lang=lang)}", va="center", fontsize=9)
        ax.set_xlabel(text("rows", lang))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda value, _: i18n.num(value, lang=lang)))
        ax.set_title(text("ledger_title", lang))
        ax.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.22))
        ax.set_xlim(0, left.max() * 1.15)
    return fig


def points_frame(points: pd.DataFrame) -> dict | None:
    """The frame of a map of these points (see :func:`iness.notebook.geo.map_frame`)."""
    from iness.notebook.geo import map_frame
    return map_frame(points["longitude"], points["latitude"])


def in_frame(points: pd.DataFrame, frame: dict | None = None) -> pd.Series:
    """Whether each point lies inside the map's frame (by default the frame
    :func:`organisation_map` draws these points in)."""
    frame = frame or points_frame(points) or EUROPE_FRAME
    return (points["longitude"].between(*frame["longitude"])
            & points["latitude"].between(*frame["latitude"]))


def _no_map(ax, key: str, lang: str) -> None:
    """In place of a map: one sentence saying why there is none."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, textwrap.fill(text(key, lang), 40), ha="center", va="center",
            fontsize=10, color="#555555", transform=ax.transAxes)


def organisation_map(organisations: pd.DataFrame, lang: str | None = None):
    """Where the organisations are: located points inside the European frame
    (the legend counts what is drawn; a note counts the located ones outside it)
    and organisations per country."""
    import seaborn as sns
    from iness.analysis import country_label
    lang = language(lang)
    from iness.notebook.geo import aspect
    located = organisations[organisations["coord_flag"] == "ok"]
    frame = points_frame(located)
    inside = located[in_frame(located, frame)] if frame else located
    with house_style():
        fig, (ax_map, ax_bar) = plt.subplots(1, 2, figsize=(11, 5.2),
                                             gridspec_kw={"width_ratios": [1.4, 1]})
        if frame is None:
            _no_map(ax_map, "map_no_coordinates", lang)
        else:
            _borders(ax_map, frame)
        for wave, colour in wave_colours(organisations["wave"]).items():
            if frame is None:
                break
            points = inside[inside["wave"] == wave]
            drawn = i18n.num(len(points), lang=lang)
            ax_map.scatter(points["longitude"], points["latitude"], s=9, alpha=0.45,
                           color=colour, label=f"{text('wave', lang)} {wave} ({drawn})",
                           linewidths=0)
        if frame is not None:
            ax_map.set_xlim(*frame["longitude"])
            ax_map.set_ylim(*frame["latitude"])
            ax_map.set_aspect(aspect(frame))
            ax_map.set_xlabel(text("longitude", lang))
            ax_map.set_ylabel(text("latitude", lang))
            ax_map.grid(False)
            ax_map.set_title(text("map_title", lang))
            ax_map.legend(loc="upper left", markerscale=2)
        outside = len(located) - len(inside)
        if outside:
            ax_map.annotate(text("map_outside_note", lang).format(n=i18n.num(outside, lang=lang)),
                            (0.01, -0.16),
                            xycoords="axes fraction", fontsize=8, color="#555555")
        counts = (organisations.dropna(subset=["country_code"])
                  .groupby(["country_code", "wave"]).size().unstack(fill_value=0))
        counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False).index[:15]]
        counts.index = [country_label(code, lang) for code in counts.index]
        long = counts.rename_axis("country").reset_index().melt(
            id_vars="country", var_name="wave", value_name="organisations")
        sns.barplot(data=long, y="country", x="organisations", hue="wave",
                    palette=wave_colours(long["wave"]), ax=ax_bar)
        ax_bar.set_ylabel("")
        ax_bar.set_xlabel(text("organisations", lang))
        ax_bar.set_title(text("countries_title", lang))
        ax_bar.legend(title=text("wave", lang))
    fig.tight_layout()
    return fig


def _framed_countries(frame: dict = EUROPE_FRAME):
    """Country borders (Natural Earth via world-atlas) inside the map's frame."""
    from iness.notebook.geo import countries_within
    return countries_within(frame["longitude"], frame["latitude"])


def _borders(ax, frame: dict = EUROPE_FRAME, fill: str = "#f2f2f2",
             edge: str = "#b5b5b5") -> None:
    """Country borders under a map of the frame."""
    _framed_countries(frame).plot(ax=ax, color=fill, edgecolor=edge, linewidth=0.4, zorder=0)


def country_choropleth(counts: pd.DataFrame, lang: str | None = None):
    """Organisations and platforms per country (columns country_code,
    organisations, platforms), Europe framed; the note counts what lies outside."""
    from iness.analysis import country_label
    from iness.reference.overseas import as_country
    lang = language(lang)
    # overseas departments and regions (La Réunion...) are counted and drawn as France
    counts = (counts.assign(country_code=as_country(counts["country_code"]))
              .groupby("country_code", as_index=False).sum(numeric_only=True))
    from matplotlib.colors import LogNorm
    from shapely.geometry import box

    from iness.notebook.geo import aspect, countries_frame
    totals = counts.set_index("country_code")[["organisations", "platforms"]].fillna(0)
    totals = totals.sum(axis=1)
    frame = countries_frame(totals[totals.index.notna()])
    if frame is None:
        with house_style():
            fig, ax = plt.subplots(figsize=(6, 2))
            _no_map(ax, "map_no_countries", lang)
        return fig
    shapes = _framed_countries(frame).merge(counts, on="country_code", how="left")
    window = box(frame["longitude"][0], frame["latitude"][0], frame["longitude"][1],
                 frame["latitude"][1])
    # a country with any part in the frame is drawn, and counted as drawn
    visible = set(shapes.loc[shapes.intersects(window).to_numpy(), "country_code"].dropna())
    inside = counts[counts["country_code"].isin(visible)]
    with house_style():
        fig, axes = plt.subplots(1, 2, figsize=(12, 5.6))
        for ax, column in zip(axes, ("organisations", "platforms")):
            _borders(ax, frame)
            shown = shapes[shapes[column].fillna(0) > 0]
            shown.plot(column=column, ax=ax, cmap="cividis_r", edgecolor="#777777",
                       linewidth=0.4, legend=True, zorder=1,
                       norm=LogNorm(vmin=1, vmax=max(2, float(shown[column].max()))),
                       legend_kwds={"shrink": 0.6, "label": text(column, lang)
                                    + text("log_scale", lang)})
            ax.set_xlim(*frame["longitude"])
            ax.set_ylim(*frame["latitude"])
            ax.set_aspect(aspect(frame))
            ax.set_axis_off()
            drawn = int(inside[column].sum())
            outside = counts[~counts["country_code"].isin(visible)]
            outside = outside[outside[column] > 0].sort_values(column, ascending=False)
            ax.set_title(f"{text(column + '_per_country', lang)} · "
                         f"n = {i18n.num(drawn, lang=lang)}")
            if len(outside):
                top = ", ".join(f"{country_label(code, lang)} {i18n.num(value, lang=lang)}"
                                for code, value in zip(outside["country_code"], outside[column])
                                if code)
                note = text("outside_frame_note", lang).format(
                    n=i18n.num(int(outside[column].sum()), lang=lang), k=len(outside))
                colon = "\u00a0: " if lang == "fr" else ": "
                ax.annotate(textwrap.fill(f"{note}{colon}{top}", 80), (0.0, -0.04),
                            xycoords="axes fraction", va="top", fontsize=7, color="#555555")
    fig.tight_layout()
    return fig


# --- targets of a framework ------------------------------------------------

def target_bars(counts: pd.DataFrame, title_key: str, lang: str | None = None,
                colour_by_category: bool = False):
    """Share of platforms per target, one bar per wave; the talk's 8 categories
    coloured, the groups outside them grey."""
    import seaborn as sns
    lang = language(lang)
    data = counts.copy()
    labels = data.drop_duplicates("target_id")["label"].tolist()
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 0.42 * len(labels) + 1.5))
        sns.barplot(data=data, y="label", x="share", hue="wave", order=labels,
                    palette=wave_colours(data["wave"]), ax=ax)
        if {"ci_low", "ci_high"} <= set(data.columns):
            _bar_intervals(ax, data, labels, lang)
        else:
            for container in ax.containers:
                ax.bar_label(container, labels=[i18n.pct(v, lang=lang) for v in container.datavalues],
                             fontsize=8, padding=2)
        if colour_by_category and "in_talk" in data:
            outside = set(data.loc[~data["in_talk"].astype(bool), "label"])
            for tick in ax.get_yticklabels():
                if tick.get_text() in outside:
                    tick.set_color(OUTSIDE_GREY)
        ax.set_ylabel("")
        ax.set_xlabel(text("share_of_platforms", lang))
        _share_axis(ax.xaxis, lang)
        upper = data["ci_high"].max() if "ci_high" in data else data["share"].max()
        ax.set_xlim(0, min(1.0, float(upper) * 1.15 + 0.04))
        sizes = data.drop_duplicates("wave").set_index("wave")["n"] if "n" in data else {}
        ax.set_title(text(title_key, lang) + "".join(
            f" · n {wave} = {i18n.num(n, lang=lang)}" for wave, n in sorted(dict(sizes).items())))
        handles, names = ax.get_legend_handles_labels()
        ax.legend(handles[:data["wave"].nunique()], names[:data["wave"].nunique()],
                  title=text("wave", lang), loc="lower right")
    return fig


def _share_axis(axis, lang: str | None = None) -> None:
    """Percent tick labels on a share axis: ``20.0%`` in English, ``20,0 %`` in French
    (matplotlib's PercentFormatter, bound to the axis, with the language's marks)."""
    formatter = matplotlib.ticker.PercentFormatter(1.0)
    if language(lang) == i18n.SOURCE_LANGUAGE:
        axis.set_major_formatter(formatter)
        return
    formatter.set_axis(axis)
    mark = i18n.decimal_mark(language(lang))
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda value, pos: formatter(value, pos).replace("%", "").replace(".", mark)
        + "\u00a0%"))


def _bar_intervals(ax, data: pd.DataFrame, labels: list[str], lang: str | None = None) -> None:
    """95 % interval whiskers on the bars seaborn drew (one container per wave)."""
    bars = [c for c in ax.containers if isinstance(c, matplotlib.container.BarContainer)]
    for container, wave in zip(bars, sorted(data["wave"].unique())):
        rows = data[data["wave"] == wave].set_index("label").reindex(labels)
        centres = [patch.get_y() + patch.get_height() / 2 for patch in container.patches]
        ax.errorbar(rows["share"], centres, fmt="none", ecolor="#555555", elinewidth=0.9,
                    capsize=2, xerr=[rows["share"] - rows["ci_low"],
                                     rows["ci_high"] - rows["share"]])
        for share, high, centre in zip(rows["share"], rows["ci_high"], centres):
            ax.annotate(i18n.pct(share, lang=lang), (high, centre), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=8)


def share_heatmap(table: pd.DataFrame, title_key: str, lang: str | None = None,
                  drop: tuple = ("platforms",)):
    """A heatmap of shares (rows x columns), annotated in percent. When the table
    has a ``platforms`` column (each row's n), each cell also shows its 95 %
    interval, each row its n, and small rows are marked with a dagger."""
    import seaborn as sns
    from iness.analysis import SMALL_GROUP, wilson_interval
    lang = language(lang)
    values = table.drop(columns=[c for c in drop if c in table.columns]).astype(float)
    annotations, rows = values.map(lambda v: i18n.pct(v, lang=lang)), list(values.index)
    if "platforms" in table.columns:
        sizes = table["platforms"].astype(int)
        annotations = pd.DataFrame(
            [[_share_with_interval(v, n, wilson_interval, lang) for v in values.loc[row]]
             for row, n in sizes.items()], index=values.index, columns=values.columns)
        rows = [f"{row} (n={i18n.num(n, lang=lang)}){' †' if n < SMALL_GROUP else ''}"
                for row, n in sizes.items()]
    with house_style():
        fig, ax = plt.subplots(figsize=(0.95 * values.shape[1] + 3.8,
                                        0.55 * values.shape[0] + 1.9))
        sns.heatmap(values, annot=annotations.to_numpy(), fmt="", cmap="cividis", vmin=0,
                    vmax=max(0.05, float(np.nanmax(values.to_numpy(), initial=0.0))), cbar=False, linewidths=0.5, linecolor="white", ax=ax,
                    annot_kws={"fontsize": 7}, yticklabels=rows)
        ax.set_title(text(title_key, lang))
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.grid(False)
        plt.setp(ax.get_xticklabels(), rotation=35, ha="right")
        plt.setp(ax.get_yticklabels(), rotation=0)
        if "platforms" in table.columns and (table["platforms"] < SMALL_GROUP).any():
            fig.tight_layout()
            fig.text(0.01, 0.0, text("small_group_note", lang).format(n=SMALL_GROUP),
                     fontsize=7, color="#555555", va="top")
    return fig


def _share_with_interval(value: float, n: int, interval, lang: str | None = None) -> str:
    """'34%' over its 95 % interval '25%–44%', for a heatmap cell."""
    low, high = interval(round(value * n), n)
    return (f"{i18n.pct(value, lang=lang)}\n"
            f"{i18n.pct(low, lang=lang)}–{i18n.pct(high, lang=lang)}")


def cooccurrence_heatmap(matrix: pd.DataFrame, lang: str | None = None):
    """Platforms in two categories at once (the diagonal: the category alone)."""
    import seaborn as sns
    lang = language(lang)
    names = taxonomy.label_of("category", lang)
    table = matrix.rename(index=names, columns=names)
    with house_style():
        fig, ax = plt.subplots(figsize=(7.5, 6))
        mask = np.triu(np.ones(table.shape, dtype=bool), k=1)
        sns.heatmap(table, mask=mask, annot=True, fmt="d", cmap="cividis", cbar=False,
                    linewidths=0.5, linecolor="white", ax=ax, annot_kws={"fontsize": 8})
        ax.set_title(text("cooccurrence_title", lang))
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.grid(False)
        plt.setp(ax.get_xticklabels(), rotation=35, ha="right")
    return fig


# --- key activities --------------------------------------------------------

def activity_diagrams(lang: str | None = None):
    """The five key activities drawn as the talk draws them: who is matched to,
    or supported by, whom (networkx, bipartite layout)."""
    import networkx as nx
    lang = language(lang)
    activities = taxonomy.activities().sort_values("order")
    edges = taxonomy.activity_patterns()
    with house_style():
        fig, axes = plt.subplots(1, len(activities), figsize=(14, 3.6))
        for ax, activity in zip(axes, activities.itertuples()):
            rows = edges[edges["activity_id"] == activity.activity_id]
            graph = nx.DiGraph()
            left = list(dict.fromkeys(rows["source"]))
            right = [node for node in dict.fromkeys(rows["target"].dropna())
                     if node not in left]
            graph.add_nodes_from(left + right)
            graph.add_edges_from(rows.dropna(subset=["target"])[["source", "target"]]
                                 .itertuples(index=False, name=None))
            middle = [n for n in graph if n in ("platform", "base")]
            position = {}
            for column, nodes in ((0, [n for n in left if n not in middle]), (1, middle),
                                  (2, [n for n in right if n not in middle])):
                for i, node in enumerate(nodes):
                    position[node] = (column if middle or column == 0 else 2,
                                      -(i - (len(nodes) - 1) / 2))
            colours = ["#E69F00" if n in middle else
                       ("#0072B2" if n in left else "#009E73") for n in graph]
            names = {node: {"platform": text("diagram_platform_letter", lang),
                            "base": text("diagram_base_letter", lang)}.get(node, node)
                     for node in graph}
            nx.draw_networkx(graph, position, ax=ax, node_color=colours, node_size=420,
                             labels=names, font_color="white", font_size=8, arrows=True,
                             arrowstyle="-|>" if activity.activity_id != "matching" else "<|-|>",
                             edge_color="#555555", width=1.0)
            ax.set_title(textwrap.fill(getattr(activity, f"label_{lang}"), 24), fontsize=9,
                         loc="center")
            first, last = rows["source_side"].iloc[0], rows["target_side"].dropna().iloc[-1]
            ax.text(0.0, -0.08, text(first, lang), transform=ax.transAxes, fontsize=7,
                    color="#0072B2")
            ax.text(1.0, -0.08, text(last, lang), transform=ax.transAxes, fontsize=7,
                    color="#009E73",
                    ha="right")
            if activity.pattern_source == "ours":
                ax.text(0.5, -0.18, text("not_drawn_in_talk", lang), transform=ax.transAxes,
                        fontsize=7, ha="center", color="#777777")
            ax.set_axis_off()
        fig.text(0.5, -0.02, text("diagram_legend", lang), ha="center", fontsize=8,
                 color="#555555")
    fig.tight_layout()
    return fig


# --- scaling -----------------------------------------------------------------

#: the matrix's three columns: the levers a, b and c of direct user-based growth
LEVER_COLUMNS = ("managing_expectations", "community_agency", "network_management")


def scaling_matrix_figure(prevalence: pd.DataFrame | None = None, lang: str | None = None):
    """The back-up slides' matrix: practices against the three levers, the talk's
    cell words written in. With ``prevalence`` (:func:`iness.analysis.scaling.practice_prevalence`),
    each row's share of platforms with its 95 % interval; a practice no survey
    field can show is a hatched grey cell saying "not measurable", never 0; a
    practice merged with another says so instead of repeating its numbers."""
    lang = language(lang)
    matrix = taxonomy.scaling_matrix().sort_values("order").set_index("practice_id")
    rows = matrix.index.tolist()
    left, width = 3.15, 1.6
    with house_style():
        fig, ax = plt.subplots(figsize=(11, 0.42 * len(rows) + 1.6))
        colours = {"managing_expectations": "#0072B2", "community_agency": "#009E73",
                   "network_management": "#E69F00"}
        for y, practice in enumerate(rows):
            for x, column in enumerate(LEVER_COLUMNS):
                cell = matrix.loc[practice, column]
                if isinstance(cell, str):
                    ax.add_patch(plt.Rectangle((x + 0.03, y + 0.08), 0.94, 0.84,
                                               color=colours[column], alpha=0.85))
                    words = text(f"matrix_cell:{cell}", lang) if lang != "en" else cell
                    ax.text(x + 0.5, y + 0.5, textwrap.fill(words.capitalize(), 22),
                            ha="center", va="center", fontsize=7, color="white",
                            linespacing=0.9)
            if prevalence is not None:
                _prevalence_cell(ax, prevalence.loc[practice], y, left, width, lang)
        ax.set_xlim(0, 5.6 if prevalence is not None else 3)
        ax.set_ylim(len(rows), 0)
        ax.set_yticks([y + 0.5 for y in range(len(rows))])
        ax.set_yticklabels(matrix[f"label_{lang}"])
        ticks = [0.5, 1.5, 2.5] + ([left + width / 2] if prevalence is not None else [])
        names = [textwrap.fill(text(c, lang), 18) for c in LEVER_COLUMNS]
        if prevalence is not None:
            names.append(text("share_with_interval", lang))
        ax.set_xticks(ticks)
        ax.set_xticklabels(names, fontsize=8)
        ax.xaxis.tick_top()
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        title = text("matrix_prevalence_title" if prevalence is not None
                     else "matrix_title", lang)
        if prevalence is not None:
            n = int(prevalence["n"].iloc[0])
            title += f" · n = {n}"
            if prevalence["small_group"].iloc[0]:
                title += f" ({text('small_group', lang)})"
        ax.set_title(title, pad=28)
    return fig


def _prevalence_cell(ax, row, y, left, width, lang):
    """One practice's share in the matrix figure (see :func:`scaling_matrix_figure`)."""
    if row["status"] == "not_measurable":
        ax.add_patch(plt.Rectangle((left, y + 0.12), width, 0.76, facecolor="#dddddd",
                                   edgecolor="#888888", hatch="///", linewidth=0.5))
        ax.text(left + width / 2, y + 0.5, text("not_measurable", lang), ha="center",
                va="center", fontsize=8, color="#333333",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        return
    if isinstance(row.get("same_as"), str):
        ax.text(left, y + 0.5, f"= {text('same_platforms_as', lang)} {row['same_as']}",
                va="center", fontsize=8, color="#555555", style="italic")
        return
    colour = "#0072B2" if row["status"] == "measured" else "#999999"
    ax.plot([left, left + width], [y + 0.5, y + 0.5], color="#eeeeee", linewidth=0.8)
    ax.errorbar(left + row["share"] * width, y + 0.5,
                xerr=[[(row["share"] - row["ci_low"]) * width],
                      [(row["ci_high"] - row["share"]) * width]],
                fmt="o", markersize=4, color=colour, ecolor="#777777", capsize=2)
    note = "" if row["status"] == "measured" else f"  {text('status_' + row['status'], lang)}"
    ax.text(left + width + 0.05, y + 0.5,
            f"{i18n.pct(row['share'], lang=lang)} [{i18n.pct(row['ci_low'], lang=lang)}–"
            f"{i18n.pct(row['ci_high'], lang=lang)}]{note}",
            va="center", fontsize=7, color="black" if not note else "#555555")


def combinations_figure(table: pd.DataFrame, lang: str | None = None):
    """Platforms per combination of scaling strategies (table of
    :func:`iness.analysis.scaling.strategy_combinations`): shares with 95 % intervals, n."""
    lang = language(lang)
    with house_style():
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(table) + 1.4))
        y = np.arange(len(table))
        ax.barh(y, table["share"], color="#0072B2")
        ax.errorbar(table["share"], y, xerr=[table["share"] - table["ci_low"],
                                             table["ci_high"] - table["share"]],
                    fmt="none", ecolor="#555555", capsize=3)
        for row_y, row in zip(y, table.itertuples()):
            ax.text(row.ci_high, row_y, f" {i18n.pct(row.share, 1, lang)} "
                    f"[{i18n.pct(row.ci_low, 1, lang)}–{i18n.pct(row.ci_high, 1, lang)}] "
                    f"({i18n.num(row.platforms, lang=lang)})", va="center", fontsize=8)
        ax.set_yticks(y)
        ax.set_yticklabels([textwrap.fill(c, 45) for c in table["combination"]])
        ax.invert_yaxis()
        _share_axis(ax.xaxis, lang)
        ax.set_xlim(0, min(1.0, float(table["ci_high"].max()) * 1.45) or 1.0)
        ax.set_xlabel(text("share_of_platforms", lang))
        n = int(table["n"].iloc[0]) if len(table) else 0
        small = (f" ({text('small_group', lang)})" if len(table) and table["small_group"].iloc[0]
                 else "")
        ax.set_title(f"{text('strategies_title', lang)} · n = {i18n.num(n, lang=lang)}{small}")
    return fig


def interval_figure(table: pd.DataFrame, label_column: str, title_key: str,
                    lang: str | None = None):
    """Shares with their 95 % intervals (columns share, ci_low, ci_high), one row each."""
    lang = language(lang)
    data = table.sort_values("share")
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 0.4 * len(data) + 1.5))
        y = np.arange(len(data))
        ax.errorbar(data["share"], y, xerr=[data["share"] - data["ci_low"],
                                            data["ci_high"] - data["share"]],
                    fmt="o", color="#0072B2", ecolor="#999999", capsize=3)
        ax.set_yticks(y)
        of = text("k_of_n", lang)
        ax.set_yticklabels([f"{label} ({of.format(k=i18n.num(k, lang=lang), n=i18n.num(n, lang=lang))})"
                            if "n" in data else f"{label} ({i18n.num(k, lang=lang)})"
                            for label, k, n in zip(data[label_column], data["platforms"],
                                                   data.get("n", data["platforms"]))])
        _share_axis(ax.xaxis, lang)
        ax.set_xlim(0, max(0.05, float(data["ci_high"].max()) * 1.1))
        ax.set_xlabel(text("share_of_platforms", lang))
        total = (f" · n = {i18n.num(data['n'].iloc[0], lang=lang)}"
                 if "n" in data and data["n"].nunique() == 1 else "")
        ax.set_title(text(title_key, lang) + total)
    return fig


# --- notebook 06: claims tested ---------------------------------------------

def redundancy_sweep_figure(sweep: pd.DataFrame, chosen: float, lang: str | None = None):
    """Pairs of similar descriptions at each similarity threshold: all, those that
    are one record (duplicates) and redundant ones; the chosen threshold marked."""
    lang = language(lang)
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 5))
        for column, colour, marker in (("similar_pairs", PALETTE[0], "o"),
                                       ("duplicate_pairs", PALETTE[1], "s"),
                                       ("redundant_pairs", PALETTE[2], "^")):
            ax.plot(sweep["threshold"], sweep[column], marker=marker, color=colour,
                    label=text(column, lang))
        ax.axvline(chosen, color="#777777", linestyle="--", linewidth=1)
        ax.set_xlabel(text("similarity_threshold", lang))
        ax.set_ylabel(text("pairs", lang))
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.set_ylim(0, max(1, int(sweep[["similar_pairs", "duplicate_pairs",
                                         "redundant_pairs"]].to_numpy().max())) * 1.1)
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.17))
        ax.set_title(f"{text('redundancy_sweep_title', lang)} · n = {sweep['n'].iloc[0]}")
    return fig


def null_model_figure(test: dict, title_key: str, lang: str | None = None):
    """A permutation test: the null distribution of a statistic, its 95 % null
    interval and the observed value."""
    lang = language(lang)
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 4.2))
        ax.hist(test["null"], bins=30, color=PALETTE[4], edgecolor="white",
                label=text("null_distribution", lang).format(k=len(test["null"])))
        ax.axvspan(test["null_low"], test["null_high"], color="#cccccc", alpha=0.4,
                   label=text("null_interval", lang))
        ax.axvline(test["observed"], color=PALETTE[5], linewidth=2,
                   label=text("observed", lang).format(value=i18n.pct(test["observed"], lang=lang)))
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_xlabel(text("ties_within_label", lang))
        ax.set_ylabel(text("permutations", lang))
        ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2),
                  ncol=3)
        ax.set_title(f"{text(title_key, lang)} · {test['ties']} "
                     f"{text('ties', lang)}, n = {test['nodes']}")
    return fig


# --- notebook 04: resources and the three principles -------------------------

def interval_panels(table: pd.DataFrame, row_column: str, panel_column: str, title_key: str,
                    hue_column: str | None = None, small_below: int | None = None,
                    lang: str | None = None):
    """Shares with 95 % intervals (columns share, ci_low, ci_high, n, small) in
    small multiples: one panel per value of ``panel_column``, one line per value
    of ``row_column``, one marker per value of ``hue_column`` (n in its legend
    when it is one n). Hollow markers mark small groups (n under ``small_below``)."""
    lang = language(lang)
    panels = list(dict.fromkeys(table[panel_column]))
    rows = list(dict.fromkeys(table[row_column]))
    hues = list(dict.fromkeys(table[hue_column])) if hue_column else [None]
    height = 0.32 * len(rows) * max(1.0, 0.75 * len(hues)) + 1.9
    with house_style():
        fig, axes = plt.subplots(1, len(panels), figsize=(3.0 * len(panels) + 2.6, height),
                                 sharey=True, squeeze=False, layout="constrained")
        for ax, panel in zip(axes[0], panels):
            part = table[table[panel_column] == panel]
            for j, hue in enumerate(hues):
                sub = part if hue is None else part[part[hue_column] == hue]
                offset = (j - (len(hues) - 1) / 2) * 0.28
                y = np.array([rows.index(r) for r in sub[row_column]]) + offset
                colour = PALETTE[j % len(PALETTE)]
                ax.errorbar(sub["share"], y, xerr=[sub["share"] - sub["ci_low"],
                                                   sub["ci_high"] - sub["share"]],
                            fmt="none", ecolor=colour, capsize=2, linewidth=1)
                small = sub["small"].astype(bool).to_numpy()
                ax.scatter(sub["share"][~small], y[~small], color=colour, zorder=3, s=22)
                ax.scatter(sub["share"][small], y[small], facecolor="white", edgecolor=colour,
                           zorder=3, s=22)
                if hue is not None:
                    ns = sub["n"].unique()
                    name = f"{hue} (n = {ns[0]})" if len(ns) == 1 else str(hue)
                    ax.scatter([], [], color=colour, s=22, label=name)
            ns = part["n"].unique()
            ax.set_title(f"{panel}" + (f"\nn = {ns[0]}" if hue_column is None and len(ns) == 1
                                       else ""), fontsize=9)
            ax.set_yticks(np.arange(len(rows)))
            ax.set_yticklabels(rows)
            ax.set_ylim(len(rows) - 0.5, -0.5)
            _share_axis(ax.xaxis, lang)
            ax.set_xlim(0, 1)
            ax.set_xlabel(text("share_with_interval", lang), fontsize=8)
            if hue_column is not None:
                ax.legend(frameon=False, fontsize=7, loc="lower right")
        if table["small"].astype(bool).any():
            fig.supxlabel(text("hollow_small", lang).format(n=small_below), x=0.99,
                          ha="right", fontsize=7, color="#555555")
        fig.suptitle(text(title_key, lang), fontsize=11)
    return fig


# --- typology (notebook 07) ------------------------------------------------------

def typology_bic_figure(real: pd.DataFrame, null: pd.DataFrame, lang: str | None = None):
    """BIC(k) minus BIC(1) for the real data (``real``: columns classes, bic) and
    for each shuffled copy (``null``: columns bic_1, bic_2, ...); below 0 means
    that k classes fit better than none."""
    lang = language(lang)
    columns = [c for c in null.columns if c.startswith("bic_")]
    steps = sorted({int(c.split("_")[1]) for c in columns} | set(real["classes"].astype(int)))
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 4.2))
        for number, (_, row) in enumerate(null[columns].iterrows()):
            row = row.dropna()   # the search over k stopped earlier for some copies
            ax.plot([int(c.split("_")[1]) for c in row.index], row.to_numpy(),
                    color=OUTSIDE_GREY, linewidth=0.8, alpha=0.6,
                    label=text("typology_shuffled", lang) if number == 0 else None)
        ax.plot(real["classes"], real["bic"] - real["bic"].iloc[0], "o-", color=PALETTE[0],
                linewidth=2, label=text("typology_real", lang))
        best = real.loc[real["bic"].idxmin()]
        ax.annotate(f"k = {int(best['classes'])}",
                    (best["classes"], best["bic"] - real["bic"].iloc[0]),
                    textcoords="offset points", xytext=(0, -12), ha="center", va="top",
                    fontsize=9, color=PALETTE[0])
        ax.margins(y=0.15)
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.set_xticks(steps)
        ax.set_xlabel(text("typology_classes_axis", lang))
        ax.set_ylabel(text("typology_bic_axis", lang))
        ax.set_title(text("typology_bic_title", lang), fontsize=10)
        ax.legend(loc="upper left")
    return fig


def class_profile_figure(profile: pd.DataFrame, lang: str | None = None):
    """For each latent class, the share of its platforms holding each indicator
    value with its 95 % interval (``profile``: class, label, share, ci_low,
    ci_high, n), one colour per class."""
    lang = language(lang)
    labels = list(dict.fromkeys(profile["label"]))
    classes = list(dict.fromkeys(profile["class"]))
    with house_style():
        fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(labels) + 1.8))
        offsets = np.linspace(-0.25, 0.25, len(classes)) if len(classes) > 1 else [0.0]
        for colour, offset, name in zip(PALETTE, offsets, classes):
            part = profile[profile["class"] == name].set_index("label").reindex(labels)
            y = np.arange(len(labels)) + offset
            ax.errorbar(part["share"], y, xerr=[part["share"] - part["ci_low"],
                                                part["ci_high"] - part["share"]],
                        fmt="o", color=colour, ecolor=colour, elinewidth=1, capsize=2,
                        markersize=4, label=f"{name} (n={int(part['n'].iloc[0])})")
        ax.set_yticks(np.arange(len(labels)))
        ax.set_yticklabels(labels)
        ax.invert_yaxis()
        _share_axis(ax.xaxis, lang)
        ax.set_xlim(-0.02, 1.02)
        ax.set_xlabel(text("share_of_platforms", lang))
        ax.set_title(text("typology_profile_title", lang), fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
    return fig


# --- shares that carry the classifier's error (iness.analysis.ppi) ----------------

#: how each method of a PPI share table is drawn: (columns, labels.csv key, style)
PPI_METHODS = (
    (("estimate", "ci_low", "ci_high"), "ppi_method_ppi",
     {"fmt": "o", "color": PALETTE[0], "markersize": 7, "elinewidth": 2.6, "capsize": 0}),
    (("sample_share", "sample_low", "sample_high"), "ppi_method_sample",
     {"fmt": "o", "color": "#555555", "markerfacecolor": "white", "markersize": 5,
      "elinewidth": 1, "capsize": 2}),
    (("classifier_share", "classifier_low", "classifier_high"), "ppi_method_classifier",
     {"fmt": "x", "color": PALETTE[5], "markersize": 5, "elinewidth": 1, "capsize": 2}),
)


def ppi_figure(table: pd.DataFrame, title_key: str = "ppi_title", lang: str | None = None):
    """Shares of one survey by three methods, one line per target (rows of
    :func:`iness.analysis.ppi.share_table`, with a ``label`` column): the
    prediction-powered estimate as the headline (bold point and interval),
    beside the coded sample alone (Wilson) and the classifier alone; each
    line's label gives its n coded and the units the classifier counted."""
    lang = language(lang)
    labels = list(table["label"])
    with house_style():
        fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(labels) + 1.9))
        for offset, (columns, key, style) in zip((-0.22, 0.0, 0.22), PPI_METHODS):
            share, low, high = (table[column].to_numpy(float) for column in columns)
            y = np.arange(len(labels)) + offset
            ax.errorbar(share, y, xerr=[share - low, high - share], label=text(key, lang),
                        zorder=3 if key == "ppi_method_ppi" else 2, **style)
        for y, row in enumerate(table.itertuples()):
            if row.estimate != row.estimate:   # "not measurable" is never drawn as 0
                ax.text(0.005, y - 0.22, text("not_measurable", lang), va="center",
                        fontsize=7.5, color="#555555", style="italic")
                continue
            ax.text(row.ci_high + 0.01, y - 0.22, f"{i18n.pct(row.estimate, lang=lang)} "
                    f"[{i18n.pct(row.ci_low, lang=lang)}–{i18n.pct(row.ci_high, lang=lang)}]",
                    va="center", fontsize=7.5, fontweight="bold", color=PALETTE[0])
        ax.set_yticks(np.arange(len(labels)))
        ax.set_yticklabels([textwrap.fill(label, 32) + "\n" + text("ppi_row_n", lang).format(
            n=i18n.num(n, lang=lang), m=i18n.num(m, lang=lang))
            for label, n, m in zip(labels, table["n"], table["classifier_n"])], fontsize=9)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        _share_axis(ax.xaxis, lang)
        upper = float(np.nanmax(table[["ci_high", "sample_high", "classifier_high"]]
                                .to_numpy(float), initial=0.0))
        ax.set_xlim(0, min(1.0, upper + 0.15))
        ax.set_xlabel(text("share_with_interval", lang))
        total = i18n.num(int(table["N"].iloc[0]), lang=lang)
        ax.set_title(f"{text(title_key, lang)} · N = {total}", fontsize=10)
        ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12),
                  ncols=1)
    return fig
