"""Markdown → a standalone HTML page; LaTeX is protected from Markdown and left for MathJax."""

from __future__ import annotations

import html
import re

from cnngrade.exercises.core import Lang

_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.DOTALL)
_HTML_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<script>window.MathJax = {{tex: {{inlineMath: [['$', '$']]}}}};</script>
<script defer src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>
<style>body{{max-width:50em;margin:2em auto;font-family:sans-serif}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:.2em .6em;text-align:right}}</style>
</head><body>
{body}
</body></html>
"""


def markdown_to_html(markdown: str, *, title: str, lang: Lang) -> str:
    """A full HTML page from our Markdown; LaTeX is kept verbatim for MathJax, never mangled.

    >>> page = markdown_to_html("*x* is $a_1 * b_2$", title="t", lang="en")
    >>> "<em>x</em> is $a_1 * b_2$" in page
    True
    """
    from markdown_it import MarkdownIt

    maths: list[str] = []

    def stash(match: re.Match[str]) -> str:
        maths.append(match.group(0))
        return f"MATHSLOT{len(maths) - 1}X"

    protected = _MATH.sub(stash, markdown)
    body = MarkdownIt("commonmark").enable("table").render(protected)
    body = re.sub(
        r"MATHSLOT(\d+)X", lambda m: html.escape(maths[int(m.group(1))], quote=False), body
    )
    return _HTML_PAGE.format(lang=lang, title=html.escape(title), body=body)
