"""Interactive exploration in JupyterLab: filter platforms by category, country
and organisation type and redraw a figure. Without a widget front-end (nbval,
the HTML report) the default view is drawn as a plain figure."""
from __future__ import annotations

import pandas as pd

from . import analysis, figures, taxonomy
from .frames import semi_join

ALL = "(all)"


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
    chosen = [value for value in (category, country, org_type) if value]
    fig.axes[0].set_title(figures.text(title, lang) + (f" — {', '.join(chosen)}" if chosen
                                                       else ""), loc="left")
    return fig


def options(survey) -> dict[str, list]:
    """Choices offered by the explorer's drop-downs."""
    countries = survey.organisations["country_code"].dropna().value_counts()
    return {"category": [ALL] + taxonomy.targets("category")["target_id"].tolist(),
            "country": [ALL] + sorted(countries[countries >= 5].index.tolist()),
            "org_type": [ALL] + sorted(
                survey.organisations["org_type"].dropna().astype(str).unique().tolist())}


def explorer(survey, framework: str = "category", name: str = "explorer"):
    """Show the default (unfiltered) figure, then drop-downs that redraw it
    (they act only where a widget front-end runs, as in JupyterLab)."""
    import ipywidgets as widgets
    from IPython.display import clear_output

    figures.show(filtered_figure(survey, framework), name)
    choices = options(survey)
    menus = {key: widgets.Dropdown(options=values, value=ALL, description=key.replace("_", " "))
             for key, values in choices.items()}
    output = widgets.Output()

    def redraw(_change=None):
        with output:
            clear_output(wait=True)
            chosen = {key: (None if menu.value == ALL else menu.value)
                      for key, menu in menus.items()}
            figures.show(filtered_figure(survey, framework, **chosen), name + "_filtered")

    for menu in menus.values():
        menu.observe(redraw, names="value")
    return widgets.VBox([widgets.HBox(list(menus.values())), output])
