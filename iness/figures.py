"""Figures: a frame in, a matplotlib Figure out, in one house style.

Every function takes ``lang`` ("en" or "fr"; default :func:`language`) for its
labels. :func:`save` writes PNG and SVG with fixed metadata, so that reruns
give the same bytes; :func:`show` displays a figure in a notebook and, when
``INESS_FIGURES_DIR`` is set (as ``iness report`` does), saves it there too.
"""
from __future__ import annotations

import os
import textwrap
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import seaborn as sns

from . import taxonomy
from .paths import PACKAGE_DATA

STYLE = PACKAGE_DATA / "iness.mplstyle"
FIGURES_DIR_VARIABLE = "INESS_FIGURES_DIR"
#: Okabe-Ito, the colour-blind-safe palette of the house style
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
OUTSIDE_GREY = "#9a9a9a"
def wave_colours(waves) -> dict:
    """One colour per wave (2016 blue, 2017 orange for DSI4EU; in order otherwise)."""
    return dict(zip(sorted(set(int(w) for w in waves)), PALETTE))
_LANGUAGE = {"value": "en"}


def set_language(lang: str) -> None:
    """Default language of figure labels: "en" or "fr"."""
    if lang not in ("en", "fr"):
        raise ValueError(f"language must be 'en' or 'fr', not {lang!r}")
    _LANGUAGE["value"] = lang


def language(lang: str | None = None) -> str:
    return lang or _LANGUAGE["value"]


@lru_cache(maxsize=None)
def _labels() -> pd.DataFrame:
    return pd.read_csv(PACKAGE_DATA / "labels.csv", dtype=str).set_index("key")


def text(key: str, lang: str | None = None) -> str:
    """A figure label in the chosen language."""
    return _labels().loc[key, language(lang)]


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


def save(fig, name: str, folder: Path | str) -> list[Path]:
    """Write ``name.png`` and ``name.svg`` with fixed metadata (byte-stable)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    with plt.rc_context({"svg.hashsalt": "iness"}):
        fig.savefig(paths[0], metadata={"Software": None}, dpi=150, bbox_inches="tight")
        fig.savefig(paths[1], metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return paths


def show(fig, name: str):
    """Display a figure in a notebook (saving it when INESS_FIGURES_DIR is set)."""
    folder = os.environ.get(FIGURES_DIR_VARIABLE)
    if folder:
        save(fig, name, folder)
    try:
        from IPython.display import display
        display(fig)
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
            ax.text(total, y, f" {int(total):,}", va="center", fontsize=9)
        ax.set_xlabel(text("rows", lang))
        ax.set_title(text("ledger_title", lang))
        ax.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.22))
        ax.set_xlim(0, left.max() * 1.15)
    return fig


def organisation_map(organisations: pd.DataFrame, lang: str | None = None):
    """Where the organisations are: located points (Europe) and a count per country."""
    lang = language(lang)
    located = organisations[organisations["coord_flag"] == "ok"]
    with house_style():
        fig, (ax_map, ax_bar) = plt.subplots(1, 2, figsize=(11, 5.2),
                                             gridspec_kw={"width_ratios": [1.4, 1]})
        for wave, colour in wave_colours(organisations["wave"]).items():
            points = located[located["wave"] == wave]
            ax_map.scatter(points["longitude"], points["latitude"], s=9, alpha=0.45,
                           color=colour, label=f"{text('wave', lang)} {wave} ({len(points):,})",
                           linewidths=0)
        ax_map.set_xlim(-25, 45)
        ax_map.set_ylim(34, 71)
        ax_map.set_aspect(1.4)
        ax_map.set_xlabel(text("longitude", lang))
        ax_map.set_ylabel(text("latitude", lang))
        ax_map.grid(True, axis="both")
        ax_map.set_title(text("map_title", lang))
        ax_map.legend(loc="upper left", markerscale=2)
        counts = (organisations.dropna(subset=["country_code"])
                  .groupby(["country_code", "wave"]).size().unstack(fill_value=0))
        counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False).index[:15]]
        long = counts.reset_index().melt(id_vars="country_code", var_name="wave",
                                         value_name="organisations")
        sns.barplot(data=long, y="country_code", x="organisations", hue="wave",
                    palette=wave_colours(long["wave"]), ax=ax_bar)
        ax_bar.set_ylabel("")
        ax_bar.set_xlabel(text("organisations", lang))
        ax_bar.set_title(text("countries_title", lang))
        ax_bar.legend(title=text("wave", lang))
    fig.tight_layout()
    return fig


# --- targets of a framework ------------------------------------------------

def target_bars(counts: pd.DataFrame, title_key: str, lang: str | None = None,
                colour_by_category: bool = False):
    """Share of platforms per target, one bar per wave; the talk's 8 categories
    coloured, the groups outside them grey."""
    lang = language(lang)
    data = counts.copy()
    labels = data.drop_duplicates("target_id")["label"].tolist()
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 0.42 * len(labels) + 1.5))
        sns.barplot(data=data, y="label", x="share", hue="wave", order=labels,
                    palette=wave_colours(data["wave"]), ax=ax)
        for container in ax.containers:
            ax.bar_label(container, labels=[f"{v:.0%}" for v in container.datavalues],
                         fontsize=8, padding=2)
        if colour_by_category and "in_talk" in data:
            outside = set(data.loc[~data["in_talk"].astype(bool), "label"])
            for tick in ax.get_yticklabels():
                if tick.get_text() in outside:
                    tick.set_color(OUTSIDE_GREY)
        ax.set_ylabel("")
        ax.set_xlabel(text("share_of_platforms", lang))
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_xlim(0, min(1.0, data["share"].max() * 1.18 + 0.02))
        ax.set_title(text(title_key, lang))
        ax.legend(title=text("wave", lang), loc="lower right")
    return fig


def share_heatmap(table: pd.DataFrame, title_key: str, lang: str | None = None,
                  drop: tuple = ("platforms",)):
    """A heatmap of shares (rows x columns), annotated in percent."""
    lang = language(lang)
    values = table.drop(columns=[c for c in drop if c in table.columns])
    with house_style():
        fig, ax = plt.subplots(figsize=(0.75 * values.shape[1] + 3.5,
                                        0.42 * values.shape[0] + 1.8))
        sns.heatmap(values.astype(float), annot=True, fmt=".0%", cmap="cividis", vmin=0,
                    vmax=1, cbar=False, linewidths=0.5, linecolor="white", ax=ax,
                    annot_kws={"fontsize": 8})
        ax.set_title(text(title_key, lang))
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.grid(False)
        plt.setp(ax.get_xticklabels(), rotation=35, ha="right")
        plt.setp(ax.get_yticklabels(), rotation=0)
    return fig


def cooccurrence_heatmap(matrix: pd.DataFrame, lang: str | None = None):
    """Platforms in two categories at once (the diagonal: the category alone)."""
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
            names = {node: {"platform": "P", "base": "KB"}.get(node, node) for node in graph}
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
                ax.text(0.5, -0.18, "(not drawn in the talk)" if lang == "en"
                        else "(non dessiné dans l'exposé)", transform=ax.transAxes,
                        fontsize=7, ha="center", color="#777777")
            ax.set_axis_off()
        fig.text(0.5, -0.02, "P = " + ("platform" if lang == "en" else "plateforme")
                 + ", KB = " + ("knowledge base" if lang == "en" else "base de connaissances"),
                 ha="center", fontsize=8, color="#555555")
    fig.tight_layout()
    return fig


# --- economic models --------------------------------------------------------

def principles_figure(table: pd.DataFrame, lang: str | None = None):
    """Share of each category's platforms drawing on each principle, and hybrid."""
    lang = language(lang)
    columns = ["market", "redistribution", "reciprocity", "is_hybrid"]
    long = table[columns].reset_index(names="category").melt(
        id_vars="category", var_name="principle", value_name="share")
    names = {c: text(c, lang) for c in columns[:3]}
    names["is_hybrid"] = "Hybrid (2+)" if lang == "en" else "Hybride (2+)"
    long["principle"] = long["principle"].map(names)
    with house_style():
        fig, ax = plt.subplots(figsize=(9, 0.5 * len(table) + 1.5))
        sns.barplot(data=long, y="category", x="share", hue="principle",
                    palette=["#0072B2", "#E69F00", "#009E73", "#000000"], ax=ax)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_xlabel(text("share_of_platforms", lang))
        ax.set_ylabel("")
        ax.set_title(text("principles_title", lang))
        ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.06))
    return fig


# --- scaling ---------------------------------------------------------------

LEVER_COLUMNS = ("managing_expectations", "community_agency", "network_management")


def scaling_matrix_figure(prevalence: pd.DataFrame | None = None, lang: str | None = None):
    """The back-up slides' matrix: practices against the three levers, the talk's
    cell words written in; with ``prevalence``, each row's share of platforms."""
    lang = language(lang)
    matrix = taxonomy.scaling_matrix().sort_values("order").set_index("practice_id")
    rows = matrix.index.tolist()
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
                    ax.text(x + 0.5, y + 0.5, textwrap.fill(cell.capitalize(), 22),
                            ha="center", va="center", fontsize=7, color="white",
                            linespacing=0.9)
            if prevalence is not None:
                share = prevalence.loc[practice, "share"]
                ax.barh(y + 0.5, share * 1.6, left=3.15, height=0.6, color="#555555")
                note = "" if prevalence.loc[practice, "measurable"] else (
                    "  (no survey term)" if lang == "en" else "  (aucun terme d'enquête)")
                ax.text(3.2 + share * 1.6, y + 0.5, f"{share:.0%}{note}", va="center",
                        fontsize=8, color="#555555" if note else "black")
        ax.set_xlim(0, 5.2 if prevalence is not None else 3)
        ax.set_ylim(len(rows), 0)
        ax.set_yticks([y + 0.5 for y in range(len(rows))])
        ax.set_yticklabels(matrix[f"label_{lang}"])
        ticks = [0.5, 1.5, 2.5] + ([3.9] if prevalence is not None else [])
        names = [textwrap.fill(text(c, lang), 18) for c in LEVER_COLUMNS]
        if prevalence is not None:
            names.append(text("share_of_platforms", lang))
        ax.set_xticks(ticks)
        ax.set_xticklabels(names, fontsize=8)
        ax.xaxis.tick_top()
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_title(text("matrix_prevalence_title" if prevalence is not None
                          else "matrix_title", lang), pad=28)
    return fig


def combinations_figure(table: pd.DataFrame, lang: str | None = None):
    """Platforms per combination of scaling strategies."""
    lang = language(lang)
    with house_style():
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(table) + 1.4))
        ax.barh(table["combination"], table["share"], color="#0072B2")
        for y, (share, count) in enumerate(zip(table["share"], table["platforms"])):
            ax.text(share, y, f" {share:.0%} ({count})", va="center", fontsize=8)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_xlim(0, table["share"].max() * 1.25)
        ax.set_xlabel(text("share_of_platforms", lang))
        ax.set_title(text("strategies_title", lang))
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
        ax.set_yticklabels([f"{label} (n={n})" for label, n in
                            zip(data[label_column], data["platforms"])])
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_xlim(0, max(0.05, float(data["ci_high"].max()) * 1.1))
        ax.set_xlabel(text("share_of_platforms", lang))
        total = f" · n = {data['n'].iloc[0]}" if "n" in data and data["n"].nunique() == 1 else ""
        ax.set_title(text(title_key, lang) + total)
    return fig
