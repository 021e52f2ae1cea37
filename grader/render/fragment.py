"""Render a report as an HTML fragment for a notebook's output: scoped styles, no page, no script.

The questions go through the same partial as the full page (`partials/question.html.j2`) and the
same view (`grader.render.html.report_view`), so both show the same things. The page's stylesheet
(`partials/report.css.j2`) is reused with every selector scoped to the fragment's root, so that
it styles the report and nothing else of JupyterLab, Notebook, VS Code or Colab.
"""

from __future__ import annotations

import re

import jinja2
from markupsafe import Markup

from grader.localize import said_report
from grader.model import GradeReport
from grader.render.html import report_view
from grader.render.templates import template_environment

TEMPLATE = "notebook.html.j2"
STYLESHEET = "partials/report.css.j2"
# The class twice: rules outrank the notebook's own ones for rendered HTML (JupyterLab's
# `:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`, right-aligned), which come earlier.
SCOPE = ".tdkg-report.tdkg-report"
PAGE_SELECTORS = (":root", "html", "body")
STYLE_TAGS = re.compile(r"</?style>")


def scope_selector(selector: str, scope: str) -> str:
    """Scope one selector: `body`/`:root` become the root itself, others its descendants."""
    selector = " ".join(selector.split())
    first, _, rest = selector.partition(" ")
    if first in PAGE_SELECTORS:
        return f"{scope} {rest}" if rest else scope
    return f"{scope} {selector}"


def scope_css(css: str, scope: str = SCOPE) -> str:
    """Prefix every rule of a stylesheet with `scope` (inside @media blocks too)."""
    rules, index = [], 0
    while (brace := css.find("{", index)) >= 0:
        head = css[index:brace].strip()
        if head.startswith("@"):
            depth, end = 1, brace + 1
            while depth and end < len(css):
                depth += {"{": 1, "}": -1}.get(css[end], 0)
                end += 1
            rules.append(f"{head} {{\n{scope_css(css[brace + 1:end - 1], scope)}\n}}")
        else:
            end = css.find("}", brace) + 1 or len(css)
            selectors = ", ".join(scope_selector(s, scope) for s in head.split(","))
            rules.append(f"{selectors} {{{css[brace + 1:end - 1]}}}")
        index = end
    return "\n".join(rules)


def fragment_css(environment: jinja2.Environment | None = None) -> str:
    """Return the report's stylesheet scoped to the fragment."""
    page_css = (environment or template_environment()).get_template(STYLESHEET).render()
    return scope_css(STYLE_TAGS.sub("", page_css))


def render_fragment(report: GradeReport, environment: jinja2.Environment | None = None) -> str:
    """Return the graded questions as one self-contained HTML fragment.

    A kernel passes the same `environment` at every call, so templates compile once.
    """
    environment = environment or template_environment()
    template = environment.get_template(TEMPLATE)
    return template.render(page=report_view(said_report(report)), css=Markup(fragment_css(environment)))
