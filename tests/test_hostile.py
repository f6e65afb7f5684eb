"""Hostile content: column names and values holding HTML, JavaScript, Jinja, Markdown/XML specials, ANSI
escape sequences, bidi overrides and path traversal. They come out escaped in the HTML, valid in the JUnit
XML, inert in the Markdown, as visible escapes on the terminal, and never choose a file path. The HTML
references no external resource."""

from __future__ import annotations

import json
import re
import textwrap
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from dataaudit.cli import cli
from dataaudit.terminal import printable

pytestmark = pytest.mark.usefixtures("hermetic")

AS_OF = "2026-06-30"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
JS_URL = "javascript:alert(3)"
JINJA = "{{ 7*7 }}"
JINJA_BLOCK = "{% for x in range(3) %}loop{% endfor %}"
MARKDOWN = "| a | b |\n# heading [link](http://evil.example)"
XML = "]]><evil/><![CDATA["
ANSI = "\x1b[2J\x1b[31mred\x1b]8;;http://evil.example\x07link\x1b]8;;\x07"
BIDI = "admin\u202etxt.exe"
TRAVERSAL = "../../etc/passwd"
HOSTILE = [SCRIPT, IMG, JS_URL, JINJA, JINJA_BLOCK, MARKDOWN, XML, ANSI, BIDI, TRAVERSAL]

#: a plugin that repeats every column name in its message, evidence, chart labels and columns, and fails, so
#: hostile text reaches every part of every output
ECHO = '''
from dataclasses import dataclass
from typing import ClassVar

from dataaudit import Area, Chart, Check, Outcome, Table


@dataclass(frozen=True)
class Echo(Check):
    """Repeats the column names.

    Why it matters: proves hostile names are inert in every output.
    How to fix: nothing.
    """

    id: ClassVar[str] = "consistency.echo_names"
    title: ClassVar[str] = "Echo <b>names</b> \\x1b[5m"
    area: ClassVar[Area] = Area.CONSISTENCY

    def run(self, data):
        names = list(data.frame.columns)
        first = [str(data.frame[c].iloc[0]) for c in names]
        return Outcome.fail(
            "columns: " + " / ".join(names),
            columns=names,
            evidence=Table.of(("column", "first value"), list(zip(names, first))),
            chart=Chart.of("bars", labels=names, values=[1.0] * len(names), title="names"),
        )
'''


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def hostile_run() -> Result:
    """Audit a frame whose column names and values are all hostile, writing every output format."""
    n = 40
    frame = pd.DataFrame({name: [f"{name} #{i % 4}" for i in range(n)] for name in HOSTILE})
    frame["y"] = [i % 2 for i in range(n)]
    frame.to_csv("data.csv", index=False)
    Path("plugins").mkdir()
    Path("plugins/echo.py").write_text(textwrap.dedent(ECHO), encoding="utf-8")
    result = run(
        "run", "data.csv", "--checks", "plugins", "--as-of", AS_OF, "--target", "y", "--sensitive", SCRIPT,
        "--json", "r.json", "--junit", "r.xml", "--markdown", "r.md",
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # the echo check fails on purpose
    return result


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def page() -> tuple[str, _Page]:
    html = Path("dataaudit-report.html").read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(html)
    parsed.close()
    return html, parsed


def test_html_escapes_markup_and_never_evaluates_templates(hostile_run: Result) -> None:
    html, parsed = page()
    assert "script" not in parsed.tags  # neither ours nor the data's
    assert "img" not in parsed.tags
    assert not [(t, k) for t, k, _ in parsed.attrs if k.startswith("on")]  # no event handler attribute
    assert not [v for _, _, v in parsed.attrs if v and "javascript:" in v.lower()]
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert IMG not in html
    text = "".join(parsed.text)
    assert SCRIPT in text and JINJA in text and JINJA_BLOCK in text  # shown literally, as text
    assert "loop" * 3 not in text  # the Jinja block was not run
    assert "Echo <b>names</b>" in text  # a plugin's title is text too


def test_html_references_no_external_resource(hostile_run: Result) -> None:
    html, parsed = page()
    for tag, key, value in parsed.attrs:
        if key in ("src", "href", "xlink:href", "action", "formaction", "poster", "data", "srcset"):
            assert value is not None and (value.startswith("#") or value.startswith("data:")), (
                tag,
                key,
                value,
            )
    assert not {"link", "iframe", "object", "embed", "base", "form"} & set(parsed.tags)
    css = "".join(parsed.styles)
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(?!data:|#)", css)


def test_junit_xml_stays_well_formed_and_holds_the_names_as_text(hostile_run: Result) -> None:
    root = ET.parse("r.xml").getroot()
    failures = [f.get("message") or "" for f in root.iter("failure")]
    echoed = [m for m in failures if m.startswith("columns: ")]
    assert echoed, failures
    assert SCRIPT in echoed[0] and XML in echoed[0] and JINJA in echoed[0]
    assert "\x1b" not in Path("r.xml").read_text(encoding="utf-8")  # not allowed in XML 1.0: replaced


def test_markdown_is_inert(hostile_run: Result) -> None:
    md = Path("r.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<(script|img|evil)", md)  # every "<" is backslash-escaped
    assert "[link](http" not in md  # brackets escaped: no live link
    for line in md.splitlines():
        if line.startswith("|") and "echo" in line:
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) <= 8, line  # hostile pipes are escaped, the row keeps its cells


def test_json_holds_the_names_exactly(hostile_run: Result) -> None:
    doc = json.loads(Path("r.json").read_text(encoding="utf-8"))
    echo = next(c for c in doc["checks"] if c["id"] == "consistency.echo_names")
    assert echo["columns"] == [*HOSTILE, "y"]


def test_the_terminal_never_receives_raw_control_characters(hostile_run: Result) -> None:
    out = hostile_run.stdout + hostile_run.stderr
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J\\x1b[31mred" in out  # shown as visible escapes, so the reader sees they were there
    assert "admin\\u202etxt.exe" in out


def test_column_names_never_choose_a_file_path(hostile_run: Result, tmp_path: Path) -> None:
    made = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert made == [
        "data.csv", "dataaudit-report.html", "plugins/echo.py", "r.json", "r.md", "r.xml",
    ]  # fmt: skip
    assert not (tmp_path.parent / "etc").exists()


@pytest.mark.parametrize("name", ["\x1b[2Jevil.csv", "bell\x07.csv", "rtl\u202evsc.csv"])
def test_a_hostile_file_name_is_escaped_in_the_error_line(name: str) -> None:
    result = run("run", name, "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stderr == f"error: {printable(name)}: file not found\n"


def test_quiet_and_checks_listing_escape_names_and_plugin_titles() -> None:
    Path("plugins").mkdir()
    Path("plugins/echo.py").write_text(textwrap.dedent(ECHO), encoding="utf-8")
    listing = run("checks", "--checks", "plugins")
    assert listing.exit_code == 0, listing.output
    assert "Echo <b>names</b> \\x1b[5m" in listing.stdout and "\x1b" not in listing.stdout
    explained = run("explain", "consistency.echo_names", "--checks", "plugins")
    assert "\x1b" not in explained.stdout and "\\x1b[5m" in explained.stdout
    name = "\x1b[31mred.csv"
    pd.DataFrame({"a": range(200), "b": [0, 1] * 100}).to_csv(name, index=False)
    quiet = run("run", name, "-q", "--as-of", AS_OF, "--select", "size.min_rows")
    assert quiet.stdout == f"READY: {printable(name)}\n"
