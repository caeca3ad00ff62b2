"""PDF engines side by side on the same DOCX files: builtin vs LibreOffice vs direct reportlab.

    python benchmarks/bench_pdf.py [--rows 2000,20000] [--no-libreoffice]

Each measurement runs in a fresh subprocess so peak memory (ru_maxrss) and time are its own.
"direct reportlab" is the floor: the same award-list table built straight with Platypus
(Paragraph cells in one Table with repeatRows=1), no DOCX reading, no style resolution.
Targets: docs ≥ 10× faster than LibreOffice; 2,000 rows within 1.5× of direct reportlab and
≥ 3× faster than LibreOffice; time linear 2k→20k; peak memory at 20k rows < 500 MB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
kind, src, dst = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
warm = None
if kind == "builtin":
    from docgen.pdf import docx_to_pdf
    docx_to_pdf(src, dst)
    if len(sys.argv) > 5:  # a second conversion in the same process: the batch cost
        t2 = time.perf_counter()
        docx_to_pdf(src, dst)
        warm = time.perf_counter() - t2
elif kind == "libreoffice":
    from docgen.pdf import libreoffice_to_pdf
    libreoffice_to_pdf(src, dst.parent, timeout=float(sys.argv[4]))
elif kind == "direct":
    rows = int(sys.argv[4])
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from docgen.pdf.fonts import resolve_family
    from docgen.pdf.samples import NAMES, UNITS
    f = resolve_family("Times New Roman")
    st = ParagraphStyle("c", fontName=f.regular, fontSize=13, leading=13 * 1.149)
    hd = ParagraphStyle("h", parent=st, fontName=f.bold, alignment=1)
    data = [[Paragraph(t, hd) for t in ("STT", "Họ và tên", "Chức vụ, đơn vị")]]
    for i in range(rows):
        data.append([Paragraph(str(i + 1), st), Paragraph(f"{NAMES[i % 8]} {i + 1}", st),
                     Paragraph(UNITS[i % 4], st)])
    tbl = Table(data, colWidths=[15 * mm, 60 * mm, 90 * mm], repeatRows=1)
    tbl.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    SimpleDocTemplate(str(dst), pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
                      topMargin=20 * mm, bottomMargin=20 * mm).build([tbl])
elapsed = time.perf_counter() - t - (warm or 0)
# Linux: VmHWM is this process's own peak (ru_maxrss would include the forking parent's
# size); soffice's peak comes from RUSAGE_CHILDREN. ru_maxrss is kB on Linux, bytes on macOS.
scale = 1 if sys.platform == "darwin" else 1024
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
try:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            own = int(line.split()[1]) * 1024
except OSError:
    pass
rss_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
peak = rss_child if kind == "libreoffice" else own
print(json.dumps({"seconds": elapsed, "warm": warm, "peak_mb": peak / 2**20}))
"""


def run(kind: str, src: Path, dst: Path, rows: int = 0, warm: bool = False) -> dict:
    extra = ["warm"] if warm else []
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(src), str(dst), str(rows), *extra],
        capture_output=True,
        text=True,
        timeout=7200,
    )
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"
        return {"error": "timeout" if "within" in err else err}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt(r: dict | None) -> str:
    if not r:
        return "—".rjust(20)
    if "error" in r:
        return ("error: " + r["error"])[:20].rjust(20)
    return f"{r['seconds']:8.2f} s {r['peak_mb']:6.0f} MB"


def _warm(r: dict | None) -> str:
    return f"{r['warm']:.2f} s" if r and r.get("warm") else "—"


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="2000,20000")
    ap.add_argument("--no-libreoffice", action="store_true")
    ap.add_argument(
        "--lo-timeout",
        type=int,
        default=600,
        help="seconds before a LibreOffice conversion counts as timed out",
    )
    args = ap.parse_args()
    from docgen.pdf import find_soffice, samples

    use_lo = not args.no_libreoffice and find_soffice() is not None
    work = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    try:
        docs = {name: fn(work / f"{name}.docx") for name, fn in samples.SAMPLES.items()}
        row_counts = [int(x) for x in args.rows.split(",") if x]
        tables = {
            f"award_list_{n}": (samples.award_list_fast(work / f"award_{n}.docx", n), n)
            for n in row_counts
        }
        print(
            "builtin = first conversion in a fresh process (imports, font index included);"
            " 'warm' = a further document in the same process (docgen build / batch)."
        )
        sys.stdout.reconfigure(line_buffering=True)
        print(
            f"{'document':<22}{'builtin':>22}{'warm':>9}{'libreoffice':>22}{'direct reportlab':>22}"
        )
        results: dict[str, dict] = {}
        for name, src in docs.items():
            b = run("builtin", src, work / f"{name}.b.pdf", warm=True)
            lo = (
                run("libreoffice", src, work / "lo" / f"{name}.pdf", args.lo_timeout)
                if use_lo
                else None
            )
            results[name] = {"builtin": b, "lo": lo}
            print(f"{name:<22}{fmt(b):>22}{_warm(b):>9}{fmt(lo):>22}{fmt(None):>22}")
        for name, (src, n) in tables.items():
            b = run("builtin", src, work / f"{name}.b.pdf")
            lo = (
                run("libreoffice", src, work / "lo" / f"{name}.pdf", args.lo_timeout)
                if use_lo
                else None
            )
            d = run("direct", src, work / f"{name}.d.pdf", n)
            results[name] = {"builtin": b, "lo": lo, "direct": d, "rows": n}
            print(f"{name:<22}{fmt(b):>22}{'':>9}{fmt(lo):>22}{fmt(d):>22}")

        print("\nTargets:")
        ok = lambda r: r and "error" not in r  # noqa: E731
        if use_lo:
            for label, key in (("cold", "seconds"), ("warm", "warm")):
                speedups = [
                    r["lo"]["seconds"] / r["builtin"][key]
                    for k, r in results.items()
                    if k in docs and ok(r["builtin"]) and ok(r["lo"]) and r["builtin"].get(key)
                ]
                if speedups:
                    s = min(speedups)
                    print(
                        f"  docs ≥ 10× faster than LibreOffice ({label}): worst {s:.1f}× → "
                        f"{verdict(s >= 10)}"
                    )
        small = results.get("award_list_2000")
        if small and ok(small["builtin"]) and ok(small.get("direct")):
            ratio = small["builtin"]["seconds"] / small["direct"]["seconds"]
            print(
                f"  2,000 rows within 1.5× of direct reportlab: {ratio:.2f}× → "
                f"{verdict(ratio <= 1.5)}"
            )
            if use_lo and ok(small["lo"]):
                s = small["lo"]["seconds"] / small["builtin"]["seconds"]
                print(f"  2,000 rows ≥ 3× faster than LibreOffice: {s:.1f}× → {verdict(s >= 3)}")
        big = results.get("award_list_20000")
        if small and big and ok(small["builtin"]) and ok(big["builtin"]):
            growth = big["builtin"]["seconds"] / small["builtin"]["seconds"]
            print(f"  linear 2k→20k (10× rows): time ×{growth:.1f} → {verdict(growth <= 13)}")
            mb = big["builtin"]["peak_mb"]
            print(f"  peak memory at 20k rows < 500 MB: {mb:.0f} MB → {verdict(mb < 500)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
