"""Student text made inert for each sink: terminal, Rich, CSV, Markdown, HTML."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from rich.console import Console
from rich.table import Table

from cnngrade.grader.neutralize import (
    for_csv,
    for_html,
    for_json,
    for_markdown,
    for_markdown_code,
    for_rich,
    for_terminal,
    has_hidden,
)

ATTACKS = [
    "\x1b]0;pwned\x07",  # window title (OSC 0, BEL)
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52 clipboard write
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # clear screen, home
    "\x1b[1A\x1b[2Kscore 8 / 8",  # overwrite the line above with a fake score
    "\rscore 8 / 8",  # carriage return over the line
    "\x9b31m",  # C1 CSI
    "\x9d0;title\x9c",  # C1 OSC ... ST
    "a\x08\x08\x08b",  # backspaces
    "\x7f",
    "\x00\x05\x0b\x0c\x1a",
    "evil\u202egnp.exe",  # right-to-left override
    "\u2066isolate\u2069\u2067rtl\u2069\u2068first\u2069",
    "zero\u200bwidth\u200c\u200d\u2060\ufeff",
    "tags\U000e0041\U000e0042",  # invisible tag characters
    "line\u2028sep\u2029",
    "soft\u00adhyphen",
    "filler\u3164\u115f",
    "bad \udcff byte",  # a lone surrogate from surrogateescape decoding
]
HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufeff\ud800-\udfff\U000e0000-\U000e007f]"
)


@pytest.mark.parametrize("text", ATTACKS)
def test_terminal_text_has_no_hidden_character(text: str) -> None:
    out = for_terminal(text)
    assert not HIDDEN.search(out), ascii(out)
    out.encode("utf-8")  # a lone surrogate would make printing it raise


def test_escapes_are_visible_and_newline_tab_stay() -> None:
    assert for_terminal("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"
    assert for_terminal("a\tb\nc") == "a\tb\nc"
    assert for_terminal("\r") == "\\x0d" and for_terminal("\x9b") == "\\x9b"
    assert for_terminal("\u202e") == "\\u202e" and for_terminal("\U000e0041") == "\\U000e0041"
    assert for_terminal("naïve 卷积 résumé") == "naïve 卷积 résumé"  # printable text untouched
    assert for_terminal(ValueError("x\x1by")) == "x\\x1by"


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_terminal_text_is_always_clean(text: str) -> None:
    assert not HIDDEN.search(for_terminal(text))


def _render(markup: str) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None, force_terminal=False)
    console.print(markup)
    return console.file.getvalue()


@pytest.mark.parametrize(
    "text",
    ["[white on white]s01", "[link=http://evil]x[/link]", "[/]", "a\\[b]", "x\\", "[bold red]"],
)
def test_rich_prints_the_text_as_written(text: str) -> None:
    # inside a caller's own markup too: a trailing backslash must not escape the closing tag
    assert _render(f"[bold]{for_rich(text)}[/bold]").rstrip("\n") == text
    table = Table()
    table.add_column("student")
    table.add_row(for_rich(text))
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(table)
    assert text in console.file.getvalue()


def test_rich_markup_with_escapes_is_escaped_twice() -> None:
    out = for_rich("[red]\x1b[2J")
    assert "\x1b" not in out and _render(out).rstrip("\n") == "[red]\\x1b[2J"


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
        "\n=1+1",
        "\u00a0\u3000+1",
        "\t",
        "\uff1d1+1",  # full-width equals sign
    ],
)
def test_csv_formulas_get_a_leading_quote(cell: str) -> None:
    out = for_csv(cell)
    assert out.startswith("'") and "\x1b" not in out and "\r" not in out
    buffer = io.StringIO()
    csv.writer(buffer).writerow([out])
    assert next(csv.reader(io.StringIO(buffer.getvalue())))[0][0] == "'"


def test_csv_leaves_plain_cells_and_numbers() -> None:
    assert for_csv("s01") == "s01" and for_csv("a=b") == "a=b"
    assert for_csv(3) == 3 and for_csv(-1.5) == -1.5 and for_csv(None) is None
    assert for_csv("x\x1b[2J") == "x\\x1b[2J"


MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
REMOTE = [
    "![pixel](http://evil.example/track.png)",
    "[click](https://evil.example)",
    "<https://evil.example>",
    "<evil@example.com>",
    '<img src="http://evil.example/x.png">',
    "<script>alert(1)</script>",
    "[ref]\n\n[ref]: http://evil.example",
    "&#x1b;&lt;b&gt;",
    "# Score 8 / 8\n\n---\n> quoted",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "**bold** _em_ ~~del~~ `code`",
    "```\nfence\n```",
]


@pytest.mark.parametrize("text", REMOTE)
def test_markdown_renders_as_plain_text(text: str) -> None:
    out = for_markdown(text)
    rendered = MD.render(out)
    tags = set(re.findall(r"</?([a-z0-9]+)", rendered))
    assert tags <= {"p", "br"}, rendered
    assert "http://" not in out and "https://" not in out  # no bare URL left for a linkifier
    assert for_markdown(text, one_line=True).count("\n") == 0


@given(st.text(alphabet=st.sampled_from(list("[]()!<>`*_#-=+.:/@&;|~\\\n \tahx1\x1b\u202e"))))
@settings(max_examples=300, deadline=None)
def test_markdown_never_produces_markup(text: str) -> None:
    rendered = MD.render(for_markdown(text))
    assert set(re.findall(r"</?([a-z0-9]+)", rendered)) <= {"p", "br", "pre", "code"}
    assert "\x1b" not in rendered and "\u202e" not in rendered


MD_ALPHABET = list("[]()!<>`*_#-=+.:/@&;|~\\$%^{}'\"?,ahxw1卷 ") + ["http://", "www.", "1.", "- "]


@given(st.lists(st.sampled_from(MD_ALPHABET), min_size=1).map("".join).map(str.strip))
@settings(max_examples=500, deadline=None)
def test_markdown_shows_exactly_the_text(text: str) -> None:
    import html

    out = for_markdown(text)
    assert "<" not in out and ">" not in out and "://" not in out and "](" not in out
    rendered = MD.render(out).strip()
    if not text:
        return
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    assert html.unescape(rendered[3:-4]) == text


def test_markdown_keeps_ordinary_text_greppable() -> None:
    text = "line 10: uses torch.nn.functional.conv2d, which this exercise forbids (1, 6, 28, 28)"
    assert for_markdown(text) == text
    assert (
        for_markdown("www.evil.example a@b.example //evil")
        == "www\\.evil.example a\\@b.example \\/\\/evil"
    )


def test_markdown_code_fence_cannot_be_closed_from_inside() -> None:
    text = "Traceback\n```\n# not a heading\n````\n![x](http://evil/x.png)\x1b[2J"
    block = for_markdown_code(text)
    rendered = MD.render(block + "after\n")
    assert rendered.count("<pre>") == 1 and "<img" not in rendered and "<h1" not in rendered
    assert "<p>after</p>" in rendered and "\x1b" not in block


@pytest.mark.parametrize("text", ['<img src=x onerror="alert(1)">', "a&b'\"", "\x1b[2J<b>"])
def test_html_escapes_markup_quotes_and_controls(text: str) -> None:
    out = for_html(text)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert "\x1b" not in out


def test_one_line_escapes_newline_and_tab() -> None:
    assert for_terminal("a\nb\tc", one_line=True) == "a\\nb\\tc"
    assert for_markdown("a\n# b", one_line=True) == "a\\\\n\\# b"


def test_has_hidden_flags_names_to_rename() -> None:
    assert not has_hidden("s01") and not has_hidden("学生 01") and not has_hidden("a-b_c.d")
    for name in ("s01\n", "s\x1b[2J", "s\u202e10", "s\u200b01", "s\udcff", "a\tb", "x\x7f"):
        assert has_hidden(name), ascii(name)


@given(st.recursive(st.text() | st.integers() | st.none(), lambda c: st.lists(c, max_size=3)))
@settings(max_examples=200, deadline=None)
def test_json_reads_back_to_the_same_data_and_shows_nothing_hidden(value) -> None:
    text = for_json(value, indent=1)
    assert json.loads(text) == value
    assert not HIDDEN.search(text)
    text.encode("utf-8")


def test_json_escapes_c1_and_bidi_that_plain_dumps_keeps() -> None:
    raw = {"m": "\x9b2J\u202e\U000e0041"}
    assert "\x9b" in json.dumps(raw, ensure_ascii=False)
    text = for_json(raw)
    assert "\x9b" not in text and "\\u009b" in text and "\\udb40\\udc41" in text
    assert json.loads(text) == raw


def test_the_fast_path_skips_no_hidden_character() -> None:
    import unicodedata

    from cnngrade.grader import neutralize

    skipped = (chr(c) for c in range(0x110000) if not neutralize._SUSPECT.match(chr(c)))
    hidden = [
        hex(ord(ch))
        for ch in skipped
        if ch not in "\n\t"
        and (unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} or ch in "\u3164\uffa0")
    ]
    assert hidden == []
