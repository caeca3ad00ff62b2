"""Draw the sample "scans" of blank certificate stock used by ``--preview``.

Offices photograph or scan their blank bằng khen / giấy khen stock and name the image in the
layout (``background:``), so ``docgen certificates --preview`` shows the printed fields on the
stock. The repository has no real scan to ship, so this script makes stand-ins: the full-mode
decorations of each layout (frame, motto, issuer, TẶNG, title) on a cream paper tone, at a low
resolution as a phone photo would give. Needs poppler's ``pdftoppm``. Run from the repository
root:

    python tools/make_certificate_backgrounds.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

from docgen.certificates import LAYOUT_FOR_FORM, LoadedLayout, Page, Renderer, load_layout
from docgen.certificates.context import page_contexts
from docgen.loader import load_meeting

ROOT = Path(__file__).resolve().parents[1]
DPI = 50
PAPER = (250, 244, 226)  # cream stock


def main() -> None:
    record = load_meeting(ROOT / "seeds/lang-son-2022.yaml")
    folder = ROOT / "templates/certificates"
    for form, stem in LAYOUT_FOR_FORM.items():
        layout = load_layout(folder / f"{stem}.yaml")
        # Only what the stock has printed on it: the full-only fields.
        spec = layout.spec.model_copy(
            update={"fields": [f for f in layout.spec.fields if f.modes == ["full"]]}
        )
        blank = LoadedLayout(spec, layout.source, layout.path)
        group = next(g for g in record.awards if g.form == form)
        shared, recipients = page_contexts(record, group)
        pdf = Renderer(mode="full").render([Page(blank, group.key, shared, recipients[0])])
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "blank.pdf"
            src.write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(src), str(Path(tmp) / "b")],
                check=True,
            )
            image = Image.open(Path(tmp) / "b.png").convert("RGB")
        tinted = ImageChops.multiply(image, Image.new("RGB", image.size, PAPER))
        out = folder / (layout.spec.background or f"{stem}-blank.png")
        tinted.quantize(colors=64).save(out, optimize=True)
        print(out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
