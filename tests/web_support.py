"""What the tests of ``docgen serve`` share: a working folder, CSRF tokens, test files."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from docx import Document

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def working_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cuoc-hop"
    folder.mkdir()
    shutil.copyfile(SAMPLE, folder / SAMPLE.name)
    return folder


def token(client, url: str = "/") -> str:  # noqa: ANN001
    page = client.get(url).get_data(as_text=True)
    found = _TOKEN.search(page)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def form_fields(html: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would post from the meeting form, as rendered."""
    from html.parser import HTMLParser

    pairs: list[tuple[str, str]] = []

    class Reader(HTMLParser):
        select: str | None = None
        selected: str | None = None
        first: str | None = None
        textarea: str | None = None
        text = ""

        def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN202
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("file", "submit"):
                if a.get("type") == "checkbox":
                    if "checked" in a:
                        pairs.append((name, "on"))
                else:
                    pairs.append((name, a.get("value") or ""))
            elif tag == "select" and name:
                self.select, self.selected, self.first = name, None, None
            elif tag == "option" and self.select is not None:
                value = a.get("value") or ""
                if self.first is None:
                    self.first = value
                if "selected" in a:
                    self.selected = value
            elif tag == "textarea" and name:
                self.textarea, self.text = name, ""

        def handle_endtag(self, tag):  # noqa: ANN001, ANN202
            if tag == "select" and self.select is not None:
                value = self.selected if self.selected is not None else self.first
                pairs.append((self.select, value or ""))
                self.select = None
            elif tag == "textarea" and self.textarea is not None:
                pairs.append((self.textarea, self.text.removeprefix("\n")))
                self.textarea = None

        def handle_data(self, data):  # noqa: ANN001, ANN202
            if self.textarea is not None:
                self.text += data

    reader = Reader(convert_charrefs=True)
    reader.feed(html)
    return pairs


def broken_template() -> bytes:
    """A .docx whose second paragraph opens a tag it never closes."""
    doc = Document()
    doc.add_paragraph("BIÊN BẢN")
    doc.add_paragraph("Tên cuộc họp: {{ meeting.name")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
