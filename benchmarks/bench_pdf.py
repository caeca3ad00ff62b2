"""PDF engines side by side on the same DOCX files: builtin vs LibreOffice vs direct reportlab.

    python benchmarks/bench_pdf.py [--rows 2000,20000] [--repeat 3] [--no-libreoffice]

1. The sample's documents, converted as a clerk converts them: the sample meeting
   (seeds/lang-son-2022.yaml) is built to DOCX first, then all its documents are converted in
   one go — ``docgen pdf *.docx`` in a fresh process, timed whole (interpreter start, imports,
   font lookup included) — against LibreOffice converting the same files in one ``soffice``
   run, and in one ``soffice`` run per file (what ``--pdf-engine libreoffice`` does). Every
   LibreOffice run gets a fresh user profile, as docgen's LibreOffice engine gives it. The best
   of ``--repeat`` runs counts. "engine only" is the same batch through
   ``docgen.pdf.docx_to_pdf`` in a fresh ``python``, without the command line's imports.
2. Award lists of 2,000 and 20,000 rows, one file per fresh process: builtin, LibreOffice, and
   the floor — the same table laid out directly with reportlab (Paragraph cells in one Table
   with repeatRows=1; no DOCX reading, no style resolution).

Targets (issue 4): the sample's documents ≥ 10× faster than LibreOffice; 2,000 rows within 1.5×
of direct reportlab and ≥ 3× faster than LibreOffice; time linear from 2,000 to 20,000 rows;
peak memory at 20,000 rows under 500 MB. Each is printed with MET / NOT MET.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "seeds" / "lang-son-2022.yaml"
# The DOCX sample builders are test fixtures (tests/docx_samples.py), shared with the tests.
TESTS = REPO / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

# Runs the commands given as JSON one after another; reports wall time, the children's CPU time
# (user + system, every process they waited for included) and their peak memory
# (RUSAGE_CHILDREN: the largest process among them, soffice.bin included).
TIMED = r"""
import json, resource, subprocess, sys, time
cmds = json.loads(sys.argv[1])
t = time.perf_counter()
for cmd in cmds:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(json.dumps({"error": (proc.stderr or proc.stdout).strip()[-300:]}))
        sys.exit(0)
elapsed = time.perf_counter() - t
scale = 1 if sys.platform == "darwin" else 1024
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": elapsed, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss * scale / 2**20}))
"""

ENGINE_ONLY = r"""
import sys
from pathlib import Path
from docgen.pdf import docx_to_pdf
out = Path(sys.argv[1])
for name in sys.argv[2:]:
    docx_to_pdf(Path(name), out / (Path(name).stem + ".pdf"))
"""

# One award list per fresh process: builtin, LibreOffice, or the direct reportlab floor.
TABLE = r"""
import json, resource, sys, time
from pathlib import Path
kind, src, dst = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
if kind == "builtin":
    from docgen.pdf import docx_to_pdf
    docx_to_pdf(src, dst)
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
    sys.path.insert(0, sys.argv[5])
    from docx_samples import NAMES, UNITS
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
elapsed = time.perf_counter() - t
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
# CPU time: less moved than wall time by other jobs sharing the machine.
usage = resource.getrusage(resource.RUSAGE_CHILDREN if kind == "libreoffice" else resource.RUSAGE_SELF)
print(json.dumps({"seconds": elapsed, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": peak / 2**20}))
"""


def _json_run(argv: list[str], timeout: float) -> dict:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0 or not proc.stdout.strip():
        err = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"
        return {"error": "timeout" if "within" in err else err}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def timed(cmds: list[list[str]], outputs: list[Path], timeout: float) -> dict:
    """Run ``cmds`` in order in a fresh process; the run counts only if every output appeared."""
    for out in outputs:
        out.unlink(missing_ok=True)
    r = _json_run([sys.executable, "-c", TIMED, json.dumps(cmds)], timeout)
    missing = [o.name for o in outputs if not o.exists()]
    if "error" not in r and missing:
        r = {"error": f"missing outputs: {', '.join(missing[:3])}"}
    return r


def best(runs: list[dict]) -> dict:
    ok = [r for r in runs if "error" not in r]
    return min(ok, key=lambda r: r["seconds"]) if ok else runs[0]


def table_run(kind: str, src: Path, dst: Path, extra: str, timeout: float) -> dict:
    cmd = [sys.executable, "-c", TABLE, kind, str(src), str(dst), extra, str(TESTS)]
    return _json_run(cmd, timeout)


def fmt(r: dict | None) -> str:
    if not r:
        return "—".rjust(20)
    if "error" in r:
        return ("error: " + r["error"])[:20].rjust(20)
    return f"{r['seconds']:8.2f} s {r['peak_mb']:6.0f} MB"


def ok(r: dict | None) -> bool:
    return bool(r) and "error" not in r


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def soffice_cmd(soffice: str, profile: Path, out: Path, files: list[Path]) -> list[str]:
    return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(out), *map(str, files)]  # fmt: skip


def bench_documents(work: Path, soffice: str | None, repeat: int, lo_timeout: float) -> dict:
    from docgen.build import build

    folder = work / "sample"
    build(SAMPLE, output=folder, formats="docx", certificates=None)
    docs = sorted(folder.glob("*.docx"))
    print(f"\nThe sample's documents: {len(docs)} DOCX built from {SAMPLE.name}, converted as a "
          f"batch (best of {repeat}; each run a fresh process):")  # fmt: skip
    rows: dict[str, dict] = {}
    out = work / "pdf-builtin"
    out.mkdir()
    expected = [out / (d.stem + ".pdf") for d in docs]
    cli = [sys.executable, "-m", "docgen", "pdf", *map(str, docs), "-o", str(out)]
    rows["builtin: docgen pdf *.docx"] = best([timed([cli], expected, 600) for _ in range(repeat)])
    engine = [sys.executable, "-c", ENGINE_ONLY, str(out), *map(str, docs)]
    rows["builtin: engine only (python -c)"] = best(
        [timed([engine], expected, 600) for _ in range(repeat)]
    )
    if soffice:
        lo_out = work / "pdf-lo"
        lo_expected = [lo_out / (d.stem + ".pdf") for d in docs]
        runs = []
        for k in range(repeat):
            cmd = soffice_cmd(soffice, work / f"profile-batch-{k}", lo_out, docs)
            runs.append(timed([cmd], lo_expected, lo_timeout))
        rows["LibreOffice: one soffice run"] = best(runs)
        runs = []
        for k in range(repeat):
            cmds = [
                soffice_cmd(soffice, work / f"profile-file-{k}-{i}", lo_out, [d])
                for i, d in enumerate(docs)
            ]
            runs.append(timed(cmds, lo_expected, lo_timeout * len(docs)))
        rows["LibreOffice: one soffice run per file"] = best(runs)
    for label, r in rows.items():
        per_doc = f"{r['seconds'] / len(docs) * 1000:7.0f} ms/doc" if ok(r) else ""
        print(f"  {label:<40}{fmt(r):>22}{per_doc:>16}")
    return {"docs": rows, "n_docs": len(docs)}


def bench_tables(work: Path, row_counts: list[int], use_lo: bool, lo_timeout: float) -> dict:
    import docx_samples as samples

    print("\nAward lists, one file per fresh process:")
    print(f"  {'document':<22}{'builtin':>22}{'libreoffice':>22}{'direct reportlab':>22}")
    results: dict[int, dict] = {}
    for n in row_counts:
        src = samples.award_list_fast(work / f"award_{n}.docx", n)
        b = table_run("builtin", src, work / f"award_{n}.b.pdf", "0", 3600)
        lo = (
            table_run(
                "libreoffice", src, work / "lo" / f"award_{n}.pdf", str(lo_timeout), lo_timeout + 60
            )  # fmt: skip
            if use_lo
            else None
        )
        d = table_run("direct", src, work / f"award_{n}.d.pdf", str(n), 3600)
        results[n] = {"builtin": b, "lo": lo, "direct": d}
        print(f"  {f'award_list_{n}':<22}{fmt(b):>22}{fmt(lo):>22}{fmt(d):>22}")
    return results


def report_targets(docs: dict, tables: dict[int, dict]) -> None:
    print("\nTargets:")
    rows = docs["docs"]
    ours = rows.get("builtin: docgen pdf *.docx")
    for label in ("LibreOffice: one soffice run", "LibreOffice: one soffice run per file"):
        lo = rows.get(label)
        if ok(ours) and ok(lo):
            s = lo["seconds"] / ours["seconds"]
            print(f"  sample's documents ≥ 10× faster than LibreOffice ({label[13:]}): "
                  f"{s:.1f}× → {verdict(s >= 10)}")  # fmt: skip
    small, big = tables.get(2000), tables.get(20000)
    if small and ok(small["builtin"]) and ok(small["direct"]):
        ratio = small["builtin"]["seconds"] / small["direct"]["seconds"]
        print(f"  2,000 rows within 1.5× of direct reportlab: {ratio:.2f}× → "
              f"{verdict(ratio <= 1.5)}")  # fmt: skip
    if small and ok(small["builtin"]) and ok(small["lo"]):
        s = small["lo"]["seconds"] / small["builtin"]["seconds"]
        print(f"  2,000 rows ≥ 3× faster than LibreOffice: {s:.1f}× → {verdict(s >= 3)}")
    if small and big and ok(small["builtin"]) and ok(big["builtin"]):
        growth = big["builtin"]["seconds"] / small["builtin"]["seconds"]
        print(f"  linear 2k→20k (10× rows): time ×{growth:.1f} → {verdict(growth <= 13)}")
        mb = big["builtin"]["peak_mb"]
        print(f"  peak memory at 20k rows < 500 MB: {mb:.0f} MB → {verdict(mb < 500)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="2000,20000", help="award-list sizes ('' for none)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per batch measurement")
    ap.add_argument("--no-libreoffice", action="store_true")
    ap.add_argument(
        "--lo-timeout",
        type=int,
        default=600,
        help="seconds before a LibreOffice conversion counts as timed out",
    )
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    from docgen.pdf import find_soffice

    soffice = None if args.no_libreoffice else find_soffice()
    work = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    try:
        docs = bench_documents(work, soffice, max(args.repeat, 1), args.lo_timeout)
        row_counts = [int(x) for x in args.rows.split(",") if x]
        tables = bench_tables(work, row_counts, soffice is not None, args.lo_timeout)
        report_targets(docs, tables)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
