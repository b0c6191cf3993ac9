"""Markdown → a standalone HTML page that works offline: LaTeX becomes MathML when the page is written.

Browsers render MathML Core natively (Chromium ≥ 109, Firefox, Safari), so a page needs no script and
no network: no MathJax, no CDN. Every page carries a Content-Security-Policy that forbids loading
anything, so even text a student controls cannot make the page fetch something.

MathML comes from ``latex2mathml`` and is then rebuilt element by element from an allowlist of MathML
elements and attributes (its output passes raw text through, e.g. ``\\text{<b>}`` gives ``<b>``), so a
formula that quotes a student can never become HTML. A formula that does not convert is shown as its
LaTeX source in ``<code>``.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from cnngrade.exercises.core import Lang

__all__ = ["MATH", "html_page", "markdown_to_html", "tex_to_mathml", "text_to_html"]

#: ``$$display$$`` or ``$inline$`` (inline math never spans a line)
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.DOTALL)

#: MathML elements a formula may use (MathML Core plus the two latex2mathml still writes)
_ELEMENTS = frozenset(
    [
        "math",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mfrac",
        "msqrt",
        "mroot",
        "mtable",
        "mtr",
        "mtd",
        "mstyle",
        "mpadded",
        "mphantom",
        "merror",
        "mmultiscripts",
        "mprescripts",
        "none",
        "semantics",
        "annotation",
        "menclose",
        "mfenced",
    ]
)
_ATTRIBUTES = frozenset(
    [
        "display",
        "mathvariant",
        "stretchy",
        "fence",
        "form",
        "separator",
        "separators",
        "accent",
        "accentunder",
        "largeop",
        "movablelimits",
        "symmetric",
        "lspace",
        "rspace",
        "minsize",
        "maxsize",
        "displaystyle",
        "scriptlevel",
        "linethickness",
        "columnalign",
        "rowalign",
        "columnspacing",
        "rowspacing",
        "columnlines",
        "rowlines",
        "frame",
        "framespacing",
        "width",
        "height",
        "depth",
        "voffset",
        "notation",
        "open",
        "close",
        "columnspan",
        "rowspan",
        "mathsize",
        "mathcolor",
        "mathbackground",
        "equalrows",
        "equalcolumns",
        "align",
        "encoding",
    ]
)
#: attribute values are words, numbers, lengths and colours: never a URL, a style or a script
_VALUE = re.compile(r"[\w#.%+\- ]*")
_NS = "{http://www.w3.org/1998/Math/MathML}"

_STYLE = """body{max-width:52em;margin:2em auto;padding:0 1em;font-family:system-ui,sans-serif;line-height:1.5}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .6em;text-align:right}
math{font-family:"STIX Two Math","Latin Modern Math","DejaVu Math TeX Gyre",math}
math[display=block]{margin:.6em 0}code.tex{color:#a00}
pre{background:#f6f6f6;padding:.5em .8em;overflow-x:auto;line-height:1.25}"""
#: nothing may be loaded: inline styles and data: images only, no script at all
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head><body>
{body}
</body></html>
"""


def html_page(body: str, *, title: str, lang: Lang, style: str = "") -> str:
    """The shell of every page cnngrade writes: UTF-8, no network (CSP), MathML-friendly styles.

    ``body`` is trusted HTML; ``title`` is escaped here.

    >>> page = html_page("<p>hi</p>", title="a<b", lang="en")
    >>> "<title>a&lt;b</title>" in page, "default-src 'none'" in page, "<script" in page
    (True, True, False)
    """
    return _PAGE.format(
        lang=html.escape(lang), csp=_CSP, title=html.escape(title), style=_STYLE + style, body=body
    )


def tex_to_mathml(tex: str, *, display: bool = False) -> str:
    r"""One LaTeX formula (without ``$``) as a safe ``<math>`` element, or ``<code>`` with its source.

    >>> tex_to_mathml(r"k - 1")
    '<math display="inline"><mrow><mi>k</mi><mo>−</mo><mn>1</mn></mrow></math>'
    >>> tex_to_mathml(r"\text{<b>x</b>}")
    '<code class="tex">\\text{&lt;b&gt;x&lt;/b&gt;}</code>'
    """
    try:
        from latex2mathml.converter import convert

        tree = ET.fromstring(convert(tex, display="block" if display else "inline"))
        return _rebuild(tree)
    except Exception:  # latex2mathml raises many kinds on bad input; the source is shown instead
        return f'<code class="tex">{html.escape(tex, quote=False)}</code>'


def _rebuild(element: ET.Element) -> str:
    """Serialize a MathML tree from the allowlist only; ValueError on anything else."""
    tag = element.tag.removeprefix(_NS)
    if tag not in _ELEMENTS:
        raise ValueError(f"MathML element <{tag}> is not allowed")
    attrs = ""
    for name, value in element.attrib.items():
        if name not in _ATTRIBUTES or not _VALUE.fullmatch(value):
            raise ValueError(f"MathML attribute {name}={value!r} is not allowed")
        attrs += f' {name}="{html.escape(value)}"'
    inner = html.escape(element.text or "", quote=False)
    for child in element:
        inner += _rebuild(child) + html.escape(child.tail or "", quote=False)
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _formula(match: str) -> str:
    display = match.startswith("$$")
    return tex_to_mathml(match[2:-2] if display else match[1:-1], display=display)


def text_to_html(text: str) -> str:
    """Plain text with ``$…$`` formulas (e.g. a feedback message) as escaped HTML with MathML.

    >>> text_to_html("<i>$k - 1$</i>")
    '&lt;i&gt;<math display="inline"><mrow><mi>k</mi><mo>−</mo><mn>1</mn></mrow></math>&lt;/i&gt;'
    """
    parts, last = [], 0
    for match in MATH.finditer(text):
        parts += [html.escape(text[last : match.start()], quote=False), _formula(match.group(0))]
        last = match.end()
    return "".join(parts) + html.escape(text[last:], quote=False)


def markdown_body(markdown: str) -> str:
    """Our Markdown as an HTML fragment, formulas protected from Markdown and written as MathML."""
    from markdown_it import MarkdownIt

    maths: list[str] = []

    def stash(match: re.Match[str]) -> str:
        maths.append(match.group(0))
        return f"MATHSLOT{len(maths) - 1}X"

    protected = MATH.sub(stash, markdown)
    # raw HTML in the Markdown stays text and images stay off (a page loads nothing)
    parser = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")
    body = parser.render(protected)
    return re.sub(r"MATHSLOT(\d+)X", lambda m: _formula(maths[int(m.group(1))]), body)


def markdown_to_html(markdown: str, *, title: str, lang: Lang) -> str:
    """A full offline HTML page from our Markdown; LaTeX becomes MathML, never mangled by Markdown.

    >>> page = markdown_to_html("*x* is $a_1 * b_2$", title="t", lang="en")
    >>> "<em>x</em> is <math" in page and "<msub><mi>a</mi><mn>1</mn></msub>" in page
    True
    """
    return html_page(markdown_body(markdown), title=title, lang=lang)
