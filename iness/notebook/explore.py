"""Interactive exploration in JupyterLab: filter platforms by category, country
and organisation type and redraw a figure. Without a widget front-end (nbval,
the HTML report) the default view is drawn as a plain figure."""
from __future__ import annotations

import pandas as pd

from iness import analysis, i18n
from iness.notebook import figures
from iness.reference import taxonomy
from iness.frames import semi_join



def filter_platforms(survey, category: str | None = None, country: str | None = None,
                     org_type: str | None = None) -> pd.DataFrame:
    """The projects (platforms) in a category, with an organisation in a country
    and of a type; ``None`` means no filter."""
    projects = survey.projects
    if category:
        members = survey.members("category")
        keys = members.loc[members["target_id"] == category, ["wave", "entity_id"]]
        projects = semi_join(projects, keys, ["wave", "project_id"])
    for attribute, value in (("country_code", country), ("org_type", org_type)):
        if value:
            groups = analysis.project_attribute(survey.links, survey.organisations, attribute)
            keys = groups.loc[groups[attribute] == value, ["wave", "project_id"]]
            projects = semi_join(projects, keys, ["wave", "project_id"])
    return projects.reset_index(drop=True)


def filtered_figure(survey, framework: str = "category", category: str | None = None,
                    country: str | None = None, org_type: str | None = None,
                    lang: str | None = None):
    """Platforms per target of a framework, among the filtered platforms."""
    projects = filter_platforms(survey, category, country, org_type)
    members = semi_join(survey.members(framework), projects[["wave", "project_id"]],
                        ["wave", "entity_id"])
    counts = analysis.count_by_target(members, projects, framework, figures.language(lang))
    title = {"category": "categories_title", "activity": "activities_title"}[framework]
    fig = figures.target_bars(counts, title, lang, colour_by_category=framework == "category")
    lang = figures.language(lang)
    chosen = [label for label, value in
              ((taxonomy.label_of("category", lang).get(category), category),
               (country and analysis.country_label(country, lang), country),
               (analysis.org_type_labels(lang).get(org_type, org_type), org_type)) if value]
    if chosen:
        axis = fig.axes[0]
        axis.set_title(axis.get_title(loc="left") + "\n" + ", ".join(chosen), loc="left")
    return fig


def options(survey, lang: str | None = None) -> dict[str, list[tuple[str, str | None]]]:
    """Choices offered by the explorer's drop-downs, as (label, value) pairs."""
    lang = figures.language(lang)
    everything = (i18n.label("all_choice", lang), None)
    countries = survey.organisations["country_code"].dropna().value_counts()
    country_codes = countries[countries >= 5].index
    categories = taxonomy.label_of("category", lang)
    org_types = analysis.org_type_labels(lang)
    return {
        "category": [everything] + [(categories[t], t)
                                    for t in taxonomy.targets("category")["target_id"]],
        "country": [everything] + sorted((analysis.country_label(code, lang), code)
                                         for code in country_codes),
        "org_type": [everything] + sorted(
            (org_types.get(value, value), value) for value in
            survey.organisations["org_type"].dropna().astype(str).unique())}


def explorer(survey, framework: str = "category", name: str = "explorer"):
    """Show the default (unfiltered) figure, then drop-downs that redraw that same
    figure in place (they act only where a widget front-end runs, as in
    JupyterLab; a static page keeps the default view)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    handle = figures.show_updatable(filtered_figure(survey, framework), name)
    lang = figures.language()
    menus = {key: widgets.Dropdown(options=values, index=0,
                                   description=i18n.label(f"{key}_choice", lang))
             for key, values in options(survey, lang).items()}

    def redraw(_change=None):
        chosen = {key: menu.value for key, menu in menus.items()}
        fig = filtered_figure(survey, framework, **chosen)
        if handle is not None:      # None where no notebook front-end displays
            handle.update(figures.image_of(fig))
        plt.close(fig)

    for menu in menus.values():
        menu.observe(redraw, names="value")
    return widgets.HBox(list(menus.values()))
