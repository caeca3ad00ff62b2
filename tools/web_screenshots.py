"""Screenshots of the browser workspace (docgen serve) for the Vietnamese guide: docs/img/.

    python tools/web_screenshots.py [OUT]     # default: docs/img

Runs the workspace on a copy of the sample meeting in a temporary folder, drives Debian's
Chromium (/usr/bin/chromium) with Playwright through a clerk's steps and saves one PNG per
step, in Vietnamese (docgen's default language). Chromium draws its own controls (a file
input's "Chọn tệp") in Vietnamese only with Debian's ``chromium-l10n`` installed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from docx import Document
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--lang=vi"]
PASTED = (
    "Loại\tHọ và tên\tChức vụ\tĐơn vị\n"
    "Cá nhân\tVi Thị Lan\tChuyên viên\tSở Nội vụ\n"
    "Nhóm\tLò Văn Hùng\tChuyên viên\tSở Tư pháp"
)


def centre(page, element_id: str, block: str = "center") -> None:  # noqa: ANN001
    """Scroll the element into view, below the form's sticky bar."""
    page.evaluate(
        "([id, block]) => { const e = document.getElementById(id);"
        " e.scrollIntoView({block}); if (block === 'start') window.scrollBy(0, -70); }",
        [element_id, block],
    )


def main(out: Path) -> None:
    from docgen.i18n import set_language
    from docgen.web import create_app

    set_language("vi")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docgen-shots-") as tmp:
        folder = Path(tmp) / "cuoc-hop"
        folder.mkdir()
        meeting = folder / SAMPLE.name
        shutil.copyfile(SAMPLE, meeting)
        (folder / "giao-ban-thang-3.yaml").write_text(
            "meeting:\n  name: Họp giao ban tháng 3\n", encoding="utf-8"
        )
        broken = Path(tmp) / "bien-ban-da-sua.docx"
        doc = Document()
        doc.add_paragraph("BIÊN BẢN")
        doc.add_paragraph("Tên cuộc họp: {{ meeting.name")
        doc.save(broken)

        server = make_server("127.0.0.1", 0, create_app(folder), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as p:
                # Chromium on Linux takes the language of its own controls from the environment.
                env = {**os.environ, "LANGUAGE": "vi", "LANG": "vi_VN.UTF-8"}
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium", args=ARGS, env=env
                )
                page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
                page.set_default_timeout(120_000)

                page.goto(base + "/")
                page.screenshot(path=out / "web-cuoc-hop.png")

                page.goto(f"{base}/m/{meeting.name}")
                page.screenshot(path=out / "web-bieu-mau.png")

                page.fill('[name="meeting.date"]', "2022-13-45")
                page.click("#save")
                page.wait_for_selector("#saved")
                page.screenshot(path=out / "web-bieu-mau-loi.png")

                page.fill('[name="meeting.date"]', "2022-12-12")
                page.click("#save")
                page.wait_for_function("document.querySelectorAll('.problem').length === 0")

                # the programme: an item earlier than the one above it
                page.fill('[name="agenda.2.time"]', "08:05")
                page.click("#save")
                page.wait_for_selector('[data-field="agenda.2.time"]')
                centre(page, "f-agenda.2")
                page.screenshot(path=out / "web-chuong-trinh-loi.png")
                page.fill('[name="agenda.2.time"]', "08:20")
                page.click("#save")
                page.wait_for_function("document.querySelectorAll('.problem').length === 0")

                centre(page, "f-documents.invitation", block="start")
                page.screenshot(path=out / "web-giay-moi.png")
                centre(page, "f-awards.0.proposal", block="start")
                page.screenshot(path=out / "web-to-trinh.png")

                page.fill('[name="_paste.awards.0"]', PASTED)
                page.click('button[value="paste:awards.0"]')
                page.wait_for_selector('[data-field="awards.0._recipients"]')
                page.evaluate(
                    "document.querySelector('[id=\"f-awards.0\"] .recipients-box')"
                    ".scrollIntoView({block: 'center'})"
                )
                page.screenshot(path=out / "web-dan-tu-excel.png")

                page.goto(f"{base}/m/{meeting.name}/build")
                page.click("#build")
                page.wait_for_selector("#built")
                page.screenshot(path=out / "web-tao-van-ban.png")

                page.goto(f"{base}/m/{meeting.name}/build?view=03-quyet-dinh-ubnd-bang-khen.pdf")
                page.wait_for_function(
                    "(() => { const i = document.querySelector('#pdf-view img');"
                    " return i && i.complete && i.naturalWidth > 0; })()"
                )
                centre(page, "pdf-view", block="start")
                page.screenshot(path=out / "web-xem-truoc.png")

                page.goto(base + "/templates")
                page.set_input_files("#template", str(broken))
                page.click("#upload")
                page.wait_for_selector("#template-problems")
                page.screenshot(path=out / "web-mau-van-ban.png")

                page.goto(base + "/register")
                page.fill("#issuer", "UBND")
                page.select_option("#type_code", "QĐ")
                page.click("#take")
                page.wait_for_selector("#taken")
                page.screenshot(path=out / "web-so-dang-ky.png")

                page.goto(f"{base}/m/{meeting.name}")
                page.fill('[name="meeting.venue"]', "Nhà văn hóa tỉnh Lạng Sơn")
                meeting.write_text(meeting.read_text(encoding="utf-8") + "# sửa tay\n", "utf-8")
                page.click("#save")
                page.wait_for_selector("#conflict")
                page.screenshot(path=out / "web-tep-da-bi-sua.png")
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img")
