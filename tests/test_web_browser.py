"""``docgen serve`` end to end: a clerk's work in a real Chromium, driven by Playwright.

The server runs in this process on 127.0.0.1 with a free port; the browser is Debian's
``/usr/bin/chromium`` (Playwright cannot download its own here). Every wait is bounded. When a
test fails, a screenshot of each main page is saved in ``test-output/web/`` (or
``$DOCGEN_TEST_OUTPUT/web/``) next to the page the test was on.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import re
import shutil
import subprocess
import threading
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from docgen.loader import load_meeting
from web_support import ROOT, SAMPLE, broken_template

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 20_000  # any one step; a build of the sample takes a few seconds
BUILD_WAIT_MS = 180_000

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler not installed"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    from werkzeug.serving import make_server

    from docgen.web import create_app

    folder = tmp_path / "lam-viec"
    folder.mkdir()
    srv = make_server("127.0.0.1", 0, create_app(folder), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}", folder
    finally:
        srv.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():  # noqa: ANN201
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[*ARGS, "--host-resolver-rules=MAP rebind.test 127.0.0.1"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def pictures_on_failure(page, base: str, name: str, folder: Path | None = None) -> Iterator[None]:  # noqa: ANN001, E501
    """On failure, keep the page as it was and each main page, for whoever reads the CI log."""
    try:
        yield
    except BaseException:
        out = Path(os.environ.get("DOCGEN_TEST_OUTPUT", ROOT / "test-output")) / "web" / name
        out.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(out / "at-failure.png"), full_page=True)
        for label, url in (
            ("meetings", "/"),
            ("templates", "/templates"),
            ("register", "/register"),
        ):
            with contextlib.suppress(Exception):
                page.goto(base + url, timeout=WAIT_MS)
                page.screenshot(path=str(out / f"{label}.png"), full_page=True)
        raise


def field(page, name: str):  # noqa: ANN001, ANN201
    return page.locator(f'[name="{name}"]')


def click_and_wait(page, button: str, appears: str, timeout: int = WAIT_MS) -> None:  # noqa: ANN001
    page.locator(button).first.click()
    page.wait_for_selector(appears, timeout=timeout)


def nfd(text: str) -> str:
    # Typed as some keyboards and macOS send it: letters with combining marks.
    return unicodedata.normalize("NFD", text)


PEOPLE = ["Nguyễn Thị Hằng", "Lò Văn Thành"]
RECIPIENTS = ["Hoàng Thị Thủy", "Đặng Văn Dũng", "Vi Thị Ngọc Ánh"]


def test_a_clerk_makes_a_meeting_builds_it_and_downloads_the_zip(browser, server) -> None:
    base, folder = server
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    with pictures_on_failure(page, base, "clerk", folder):
        page.goto(base + "/")
        page.fill("#new-name", "hop-quy-i")
        page.click("#new-meeting")
        page.wait_for_selector("#meeting-form")
        assert page.url.endswith("/m/hop-quy-i.yaml")
        meeting = folder / "hop-quy-i.yaml"

        field(page, "meeting.name").fill(nfd("Hội nghị sơ kết công tác quý I năm 2023"))
        # two people
        for i, name in enumerate(PEOPLE, start=2):
            click_and_wait(page, 'button[value="add:people"]', f'[name="people.{i}.name"]')
            field(page, f"people.{i}.name").fill(nfd(name))
        # an award group, and three recipients pasted as Excel rows
        click_and_wait(page, 'button[value="add:awards"]', '[name="awards.0.key"]')
        field(page, "awards.0.key").fill("giay-khen-so")
        field(page, "awards.0.authority").fill("Giám đốc Sở Nội vụ")
        field(page, "awards.0.form").select_option("Giấy khen")
        field(page, "awards.0.reason").fill(
            "đã có thành tích xuất sắc trong công tác quý I năm 2023"
        )
        field(page, "awards.0.decision.issuer").select_option("so")
        rows = "\n".join(
            ["Loại\tHọ và tên\tChức vụ\tĐơn vị"]
            + [f"Cá nhân\t{nfd(n)}\tChuyên viên\tSở Nội vụ" for n in RECIPIENTS]
        )
        field(page, "_paste.awards.0").fill(rows)
        click_and_wait(
            page, 'button[value="paste:awards.0"]', '[name="awards.0.individuals.2.name"]'
        )
        assert field(page, "awards.0.individuals.2.name").input_value() == RECIPIENTS[2]
        # the new people are now chosen by name
        click_and_wait(page, 'button[value="add:roles.attendees"]', '[name="roles.attendees.0"]')
        field(page, "roles.attendees.0").select_option(label=PEOPLE[1])

        # an impossible date: saved, and the message stands beside the date field
        field(page, "meeting.date").fill("2023-02-30")
        page.click("#save")
        page.wait_for_selector("#saved")
        beside = page.locator('[id="f-meeting.date"] .problem')
        assert "2023-02-30" in beside.inner_text()
        # named as the form names it (the suite reads English), the file's key last
        assert ": The meeting › Date of the meeting (date) — " in beside.inner_text()
        assert field(page, "meeting.date").get_attribute("aria-invalid") == "true"
        assert page.locator(".problem").count() == 1
        # fixed
        field(page, "meeting.date").fill("15/03/2023")
        page.click("#save")
        page.wait_for_function("document.querySelectorAll('.problem').length === 0")
        record = load_meeting(meeting)
        assert [p.name for p in record.people.values()][-2:] == PEOPLE
        assert [r.name for r in record.awards[0].individuals] == RECIPIENTS
        assert record.roles.attendees == ["lo-van-thanh"]

        # build everything, then download all as one .zip
        page.click('.bar a[href$="/build"]')
        page.wait_for_selector("#build-form")
        page.click("#build")
        page.wait_for_selector("#built", timeout=BUILD_WAIT_MS)
        assert page.locator("#files tbody tr").count() >= 8
        with page.expect_download() as info:
            page.click("#download-all")
        archive = zipfile.ZipFile(info.value.path())
        names = archive.namelist()
        assert "01-bien-ban.docx" in names and "01-bien-ban.pdf" in names
        listing = next(n for n in names if n.startswith("04-danh-sach") and n.endswith(".docx"))
        doc = Document(io.BytesIO(archive.read(listing)))
        cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
        text = "\n".join(p.text for p in doc.paragraphs) + cells
        for name in RECIPIENTS:
            assert name in text  # NFC: the typed NFD was normalised on the way in
            assert nfd(name) not in text
        minutes = Document(io.BytesIO(archive.read("01-bien-ban.docx")))
        assert PEOPLE[1] in "\n".join(p.text for p in minutes.paragraphs)
        pdf = archive.read(listing.replace(".docx", ".pdf"))
        extracted = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
        ).stdout.decode("utf-8")
        for name in RECIPIENTS:
            assert name in extracted
        # the PDF in the page, as images of its pages (headless Chromium has no PDF viewer)
        page.locator("a.view-pdf").first.click()
        page.wait_for_selector("#pdf-view img")
        first = page.locator("#pdf-view img").first
        first.scroll_into_view_if_needed()
        page.wait_for_function(
            "(() => { const i = document.querySelector('#pdf-view img');"
            " return i.complete && i.naturalWidth > 700; })()"
        )
        assert "view=1" in page.locator("#open-pdf").get_attribute("href")


def test_programme_and_people_choices_in_the_sample(browser, server) -> None:
    base, folder = server
    path = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, path)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    with pictures_on_failure(page, base, "programme", folder):
        page.goto(f"{base}/m/{path.name}")
        # a person typed in is offered by the selects at once, without pressing a button
        click_and_wait(page, 'button[value="add:people"]', '[name="people.4.name"]')
        field(page, "people.4.name").fill(nfd("Đặng Thị Hòa"))
        field(page, "people.4.name").press("Tab")
        field(page, "agenda.0.by").select_option(label="Đặng Thị Hòa")
        assert field(page, "people.4._key").input_value() == "dang-thi-hoa"
        # an item earlier than the one above it: saved, the located message beside its time
        field(page, "agenda.2.time").fill("08:05")
        page.click("#save")
        page.wait_for_selector("#saved")
        beside = page.locator('[id="f-agenda.2.time"] .problem').inner_text()
        text = path.read_text(encoding="utf-8")
        line = 1 + text.splitlines().index(next(t for t in text.splitlines() if '"08:05"' in t))
        assert "08:05" in beside and "08:10" in beside and f"line {line}," in beside
        assert field(page, "agenda.2.time").get_attribute("aria-invalid") == "true"
        assert page.locator(".problem").count() == 1
        assert field(page, "agenda.0.by").input_value() == "dang-thi-hoa"
        assert "by: dang-thi-hoa}" in text and "dang-thi-hoa:" in text


def test_a_file_changed_on_disk_is_not_overwritten_and_the_typing_survives(browser, server) -> None:
    base, folder = server
    path = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, path)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    with pictures_on_failure(page, base, "conflict", folder):
        page.goto(f"{base}/m/{path.name}")
        field(page, "meeting.venue").fill("Nhà văn hóa tỉnh Lạng Sơn")
        field(page, "discussion.0").fill("Một ý thảo luận vừa gõ")
        edited = path.read_text(encoding="utf-8").replace(
            "kind: hội nghị", "kind: hội nghị  # sửa tay"
        )
        path.write_text(edited, encoding="utf-8")
        page.click("#save")
        page.wait_for_selector("#conflict")
        assert path.read_text(encoding="utf-8") == edited
        assert field(page, "meeting.venue").input_value() == "Nhà văn hóa tỉnh Lạng Sơn"
        assert field(page, "discussion.0").input_value() == "Một ý thảo luận vừa gõ"
        page.click("#save-copy")
        page.wait_for_url(re.compile(r".*/m/lang-son-2022-ban-sao\.yaml$"))
        copy = load_meeting(folder / "lang-son-2022-ban-sao.yaml")
        assert copy.meeting.venue == "Nhà văn hóa tỉnh Lạng Sơn"
        assert copy.discussion[0] == "Một ý thảo luận vừa gõ"
        assert path.read_text(encoding="utf-8") == edited


def test_a_template_with_a_broken_tag_is_refused_with_its_place(browser, server, tmp_path) -> None:
    base, folder = server
    upload = tmp_path / "bien-ban-da-sua.docx"
    upload.write_bytes(broken_template())
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    with pictures_on_failure(page, base, "templates"):
        page.goto(base + "/templates")
        page.select_option("#profile", "state")
        page.select_option("#document", "minutes")
        page.set_input_files("#template", str(upload))
        page.click("#upload")
        page.wait_for_selector("#template-problems")
        problem = page.locator("#template-problems .problem").first.inner_text()
        assert "bien-ban-da-sua.docx, body, paragraph 2" in problem
        assert "{{ meeting.name" in problem
        assert not (folder / "templates").exists()


def test_a_foreign_host_and_a_post_without_the_token_are_refused(browser, server) -> None:
    base, folder = server
    port = base.rsplit(":", 1)[1]
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    with pictures_on_failure(page, base, "guards"):
        # DNS rebinding: a hostile name that resolves to 127.0.0.1
        reply = page.goto(f"http://rebind.test:{port}/")
        assert reply is not None and reply.status == 400
        assert page.locator("a").count() == 0  # no links built from the foreign name
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        conn.request("GET", "/", headers={"Host": "evil.example"})
        assert conn.getresponse().status == 400
        # a form whose CSRF token was taken away
        page.goto(base + "/")
        page.evaluate("document.querySelector('input[name=csrf_token]').remove()")
        page.fill("#new-name", "khong-duoc")
        with page.expect_response(lambda r: r.url.endswith("/new")) as response:
            page.click("#new-meeting")
        assert response.value.status == 400
        assert page.locator("#message").is_visible()
        assert list(folder.iterdir()) == []
