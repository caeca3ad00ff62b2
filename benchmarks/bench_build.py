"""docgen's speed targets side by side, in one run: each time with its peak memory and verdict.

    python benchmarks/bench_build.py [--runs 5] [--quick] [--markdown]

1. Whole commands, each run in a fresh process (interpreter start and imports included), the
   commands taken in turn round after round so that a drift of the machine's speed hits all of
   them alike; the median of ``--runs`` counts, and the ratio to ``python -c pass`` says the same
   on a slower machine:
   ``docgen --help`` ≤ 0.15 s, ``docgen validate`` of the sample ≤ 0.25 s, and the full sample
   build (every DOCX and PDF of the sample, and its certificates) ≥ 3× faster than one
   LibreOffice run converting the same DOCX to PDF. LibreOffice is timed with its user profile
   already made, as on a clerk's machine (made in the uncounted round), and, for reference,
   with a fresh profile per run, as ``--pdf-engine libreoffice`` runs it; docgen with its cache
   made (docgen.cache, made in the uncounted round, as after a clerk's first build) and, for
   reference, with the cache off. ``validate`` and ``build`` are timed as a clerk's second
   command runs them — by the standby (docgen.cli.standby, started and taught in the uncounted
   rounds, in a runtime folder of this run's own) — with the CPU time and memory of the
   standby's copy that ran each added; and, for reference, each in a process of its own
   (``DOCGEN_STANDBY=off``), as the first command of a session runs.
   Each time is shown with its CPU time (user + system, of every process of the run): a build
   uses a second processor where it has one (docgen.forking), and on a machine shared with
   other jobs CPU time moves less than wall time.
2. The warm renderer (:class:`docgen.renderer.Renderer`) in a fresh process: the first render of
   a document (cold: imports, meeting, templates, fonts) beside the median of 20 renders after a
   change of the record: DOCX ≤ 50 ms, DOCX + PDF ≤ 150 ms.
3. The targets that must stay met (benchmarks/bench_pdf.py and bench_certificates.py, reused):
   the 2,000-row award list within 1.5× of the same table laid out directly with reportlab and
   ≥ 3× faster than LibreOffice (three runs each, the median); 20,000 rows linear from 2,000
   in CPU time and under 500 MB; 10,000 certificates ≤ 10 s and ≤ 300 MB.

Python runs as it does after ``pip install``: with its compiled bytecode (pip compiles it at
install time), so ``PYTHONDONTWRITEBYTECODE`` is dropped for the measured commands and one
round is run first, uncounted, to compile it. ``--quick`` skips the 20,000-row list,
LibreOffice on the lists and 10,000 certificates (a few seconds instead of a few minutes).
Peak memory is the largest single process of a run (for LibreOffice, soffice.bin). The machine is named in the first line; figures from a busy machine
are noisy, so compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_pdf import SAMPLE, soffice_cmd, table_run, timed  # noqa: E402

PY = sys.executable

# The warm renderer in a fresh process: cold first renders, then 20 renders after a change.
WARM = r"""
import json, statistics, sys, time
t0 = time.perf_counter()
from docgen.renderer import Renderer
sample, rounds = sys.argv[1], int(sys.argv[2])
renderer = Renderer()
record = renderer.load(sample)
out = {}
for stem in sys.argv[3:]:
    t = time.perf_counter()
    renderer.render(stem + ".docx")
    cold_docx = time.perf_counter() - (t0 if not out else t)
    t = time.perf_counter()
    renderer.render(stem + ".pdf")
    cold_pdf = time.perf_counter() - t
    docx, pdf = [], []
    for i in range(rounds):
        # a change: the venue as a clerk would retype it, different each time
        meeting = record.meeting.model_copy(update={"venue": f"{record.meeting.venue} ({i})"})
        renderer.set_record(record.model_copy(update={"meeting": meeting}))
        t = time.perf_counter()
        renderer.render(stem + ".docx")
        docx.append(time.perf_counter() - t)
        t = time.perf_counter()
        renderer.render(stem + ".pdf")
        pdf.append(time.perf_counter() - t)
    out[stem] = {"cold_docx": cold_docx, "cold_pdf": cold_pdf,
                 "docx": statistics.median(docx), "pdf": statistics.median(pdf)}
peak = 0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1]) / 1024
out["peak_mb"] = peak
print(json.dumps(out))
"""

WARM_DOCUMENTS = ("01-bien-ban", "04-danh-sach-ubnd-bang-khen")


def median_run(results: list[dict]) -> dict:
    ok = [r for r in results if "error" not in r]
    if not ok:
        return results[0]
    return {
        "seconds": statistics.median(r["seconds"] for r in ok),
        "cpu": statistics.median(r.get("cpu", float("nan")) for r in ok),
        "peak_mb": max(r["peak_mb"] for r in ok),
        "runs": len(ok),
        "min": min(r["seconds"] for r in ok),
        "max": max(r["seconds"] for r in ok),
    }


def whole_commands(work: Path, runs: int, soffice: str | None) -> dict[str, dict]:
    """The CLI commands and LibreOffice's batch, interleaved round by round."""
    out = work / "build"
    docx_dir = work / "docx"
    env_ok = subprocess.run(
        [PY, "-m", "docgen", "build", str(SAMPLE), "-o", str(docx_dir), "--format", "docx",
         "--certificates", "none", "--force"],
        capture_output=True, text=True,
    )  # fmt: skip
    if env_ok.returncode != 0:
        raise SystemExit(f"docgen build failed: {env_ok.stderr.strip()[-400:]}")
    docs = sorted(docx_dir.glob("*.docx"))
    lo_out = work / "lo"
    certificates_pdf = out / "05-bang-khen-giay-khen-overlay.pdf"
    build = ["build", str(SAMPLE), "-o", str(out), "--force"]
    built = [out / "01-bien-ban.pdf", certificates_pdf]
    alone = ["env", "DOCGEN_STANDBY=off"]
    commands: dict[str, tuple[list[list[str]], list[Path]]] = {
        "python -c pass": ([[PY, "-c", "pass"]], []),
        "docgen --help": ([[PY, "-m", "docgen", "--help"]], []),
        "docgen --version": ([[PY, "-m", "docgen", "--version"]], []),
        # The first command of a session starts the standby; these run in it.
        "docgen validate": ([[PY, "-m", "docgen", "validate", str(SAMPLE)]], []),
        "docgen build": ([[PY, "-m", "docgen", *build]], built),
        # Each in a process of its own, as the first command of a session runs.
        "docgen validate, alone": ([[*alone, PY, "-m", "docgen", "validate", str(SAMPLE)]], []),
        "docgen build, alone": ([[*alone, PY, "-m", "docgen", *build]], built),
        # The first build after installing docgen or editing every template: nothing cached.
        "docgen build, alone, cache off": (
            [[*alone, "DOCGEN_CACHE_DIR=off", PY, "-m", "docgen", *build]],
            built,
        ),
    }
    results: dict[str, list[dict]] = {name: [] for name in commands}
    lo_outputs = [lo_out / (d.stem + ".pdf") for d in docs]
    if soffice:
        results["LibreOffice batch"] = []
        results["LibreOffice batch, fresh profile"] = []
        # The profile a clerk's LibreOffice already has: made once, in the uncounted round.
        commands["LibreOffice batch"] = ([soffice_cmd(soffice, work / "profile", lo_out, docs)],
                                         lo_outputs)  # fmt: skip
    # The uncounted rounds: bytecode, disk caches, docgen's cache, the standby started (by the
    # first validate) and taught the modules of a build (by the first build it runs).
    for _round in range(2):
        for cmds, outputs in commands.values():
            timed(cmds, outputs, 600)
            _standby_state()  # waits for the standby to have loaded what it learned
    for k in range(runs):
        for name, (cmds, outputs) in commands.items():
            if name in STANDBY_COMMANDS:
                results[name].append(_through_standby(cmds, outputs))
            else:
                results[name].append(timed(cmds, outputs, 600))
        if soffice:
            # A profile of its own per run, as docgen's --pdf-engine libreoffice runs it.
            cmd = soffice_cmd(soffice, work / f"profile-{k}", lo_out, docs)
            results["LibreOffice batch, fresh profile"].append(timed([cmd], lo_outputs, 600))
    summary = {name: median_run(r) for name, r in results.items()}
    summary["n_docs"] = {"count": len(docs), "certificates": _pages(certificates_pdf)}
    return summary


STANDBY_COMMANDS = ("docgen validate", "docgen build")
STATE = "import json; from docgen.cli import standby; print(json.dumps(standby.status()))"


def _standby_state() -> dict | None:
    """The standby's own report (docgen.cli.standby.status), asked as docgen itself would."""
    proc = subprocess.run([PY, "-c", STATE], capture_output=True, text=True, timeout=120)
    return json.loads(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else None


def _through_standby(cmds: list[list[str]], outputs: list[Path]) -> dict:
    """A run that the standby serves, with the CPU time and peak memory of the standby's copy
    that ran it added to the command's own (the copy is the standby's child, not its)."""
    before = _standby_state()
    r = timed(cmds, outputs, 600)
    after = _standby_state()
    if "error" in r:
        return r
    if not before or not after or after["served"] != before["served"] + len(cmds):
        return {"error": "not run by the standby"}
    r["cpu"] += after["cpu"] - before["cpu"]
    r["peak_mb"] = max(r["peak_mb"], after["peak_mb"])
    return r


def _pages(pdf: Path) -> int | str:
    try:
        from pypdf import PdfReader  # the test extra
    except ImportError:
        return "the"
    return len(PdfReader(pdf).pages)


def warm_renderer(rounds: int) -> dict:
    proc = subprocess.run(
        [PY, "-c", WARM, str(SAMPLE), str(rounds), *WARM_DOCUMENTS],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def award_lists(work: Path, rows: list[int], soffice: str | None) -> dict[int, dict]:
    """Each list in a fresh process; the 2,000-row runs three times in turn (the median)."""
    import docx_samples as samples  # a test fixture; bench_pdf put tests/ on the path

    out: dict[int, dict] = {}
    for n in rows:
        src = samples.award_list_fast(work / f"award_{n}.docx", n)
        runs: dict[str, list[dict]] = {"builtin": [], "direct": [], "lo": []}
        for _round in range(3 if n <= 2000 else 1):
            runs["builtin"].append(table_run("builtin", src, work / f"{n}.b.pdf", "0", 3600))
            runs["direct"].append(table_run("direct", src, work / f"{n}.d.pdf", str(n), 3600))
            if soffice and n <= 2000:
                lo = table_run("libreoffice", src, work / "lo" / f"award_{n}.pdf", "600", 660)
                runs["lo"].append(lo)
        out[n] = {kind: median_run(r) if r else None for kind, r in runs.items()}
    return out


def certificates(pages: int) -> dict[str, dict]:
    out = {}
    for mode in ("overlay", "full"):
        proc = subprocess.run(
            [PY, str(HERE / "bench_certificates.py"), "--child", "--pages", str(pages),
             "--mode", mode],
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        out[mode] = (
            json.loads(proc.stdout.strip().splitlines()[-1])
            if proc.returncode == 0
            else {"error": proc.stderr.strip()[-200:]}
        )
    return out


class Table:
    """Rows of job, time, peak memory, ratio, target, verdict — printed aligned or as Markdown."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.verdicts: list[bool] = []

    def add(
        self,
        job: str,
        time: str,
        peak: str,
        ratio: str = "",
        target: str = "",
        met: bool | None = None,
    ) -> None:
        verdict = "" if met is None else ("yes" if met else "NO")
        if met is not None:
            self.verdicts.append(met)
        self.rows.append((job, time, peak, ratio, target, verdict))

    def print(self, markdown: bool) -> None:
        head = ("job", "time", "peak memory", "ratio", "target", "met?")
        if markdown:
            print("| " + " | ".join(head) + " |")
            print("|" + "---|" * len(head))
            for row in self.rows:
                print("| " + " | ".join(row) + " |")
            return
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(len(head))]
        for row in [head, *self.rows]:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def s(r: dict | None) -> str:
    if not r or "error" in r:
        return "error: " + (r or {}).get("error", "no result")[:40]
    cpu = r.get("cpu", float("nan"))
    return f"{r['seconds']:.2f} s" + ("" if cpu != cpu else f" (CPU {cpu:.2f} s)")


def cpu_ratio(a: dict, b: dict) -> float:
    """``a``'s CPU time over ``b``'s (NaN when either is missing)."""
    return a.get("cpu", float("nan")) / b.get("cpu", float("nan"))


def mb(r: dict | None) -> str:
    return f"{r['peak_mb']:.0f} MB" if r and "peak_mb" in r else "—"


def ok(r: dict | None) -> bool:
    return bool(r) and "error" not in r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="fresh-process runs per command")
    ap.add_argument("--rounds", type=int, default=20, help="warm renders after a change")
    ap.add_argument("--quick", action="store_true", help="skip the minutes-long measurements")
    ap.add_argument("--no-libreoffice", action="store_true")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    # Measure docgen as installed, with bytecode (see the module docstring); inherited by every
    # child process below.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    from docgen.pdf import find_soffice

    soffice = None if args.no_libreoffice else find_soffice()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{platform.node()}: {os.cpu_count()} CPU, load {load:.1f}, Python "
        f"{platform.python_version()}; median of {args.runs} fresh-process runs per command"
    )
    table = Table()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        # A standby of this run's own, in a runtime folder that goes with it.
        (work / "run").mkdir(mode=0o700)
        os.environ.update(XDG_RUNTIME_DIR=str(work / "run"), DOCGEN_STANDBY="on")
        os.environ["DOCGEN_STANDBY_IDLE"] = "3600"
        try:
            cmd = whole_commands(work, args.runs, soffice)
        finally:
            subprocess.run([PY, "-c", STATE.replace("status()", "stop()")], capture_output=True)
        base = cmd["python -c pass"]
        table.add("`python -c pass` (the floor)", s(base), mb(base))

        def versus_floor(name: str, limit: float) -> None:
            r = cmd[name]
            if not ok(r) or not ok(base):
                table.add(f"`{name}`", s(r), mb(r), "", f"≤ {limit:.2f} s", False)
                return
            ratio = (
                f"{r['seconds'] / base['seconds']:.1f}× the floor (CPU {cpu_ratio(r, base):.1f}×)"
            )
            table.add(f"`{name}`", s(r), mb(r), ratio, f"≤ {limit:.2f} s", r["seconds"] <= limit)

        versus_floor("docgen --help", 0.15)
        versus_floor("docgen --version", 0.15)
        versus_floor("docgen validate", 0.25)
        alone = cmd["docgen validate, alone"]
        table.add(
            "`docgen validate` in a process of its own (`DOCGEN_STANDBY=off`)",
            s(alone),
            mb(alone),
            f"{alone['seconds'] / base['seconds']:.1f}× the floor" if ok(alone) else "",
        )
        n_docs, n_certificates = cmd["n_docs"]["count"], cmd["n_docs"]["certificates"]
        built, lo = cmd["docgen build"], cmd.get("LibreOffice batch")
        table.add(
            f"`docgen build` of the sample ({n_docs} DOCX, {n_docs} PDF, "
            f"{n_certificates} certificates), run by the standby",
            s(built),
            mb(built),
        )
        single = cmd["docgen build, alone"]
        table.add(
            "the same in a process of its own (`DOCGEN_STANDBY=off`; a session's first build)",
            s(single),
            mb(single),
        )
        cold = cmd["docgen build, alone, cache off"]
        table.add(
            "the same with docgen's cache off too (a first build, or every template edited)",
            s(cold),
            mb(cold),
        )
        if lo is not None:
            ratio = lo["seconds"] / built["seconds"] if ok(lo) and ok(built) else 0.0
            table.add(
                f"LibreOffice, one run converting the same {n_docs} DOCX (its profile made)",
                s(lo),
                mb(lo),
                f"docgen {ratio:.1f}× faster (CPU {cpu_ratio(lo, built):.1f}×)",
                "docgen ≥ 3× faster",
                ratio >= 3,
            )
            for name, who in ((single, "in a process of its own"), (cold, "cache off too")):
                ratio = lo["seconds"] / name["seconds"] if ok(lo) and ok(name) else 0.0
                table.add(
                    f"LibreOffice against docgen's build {who}",
                    "",
                    "",
                    f"docgen {ratio:.1f}× faster (CPU {cpu_ratio(lo, name):.1f}×)",
                )
            fresh = cmd["LibreOffice batch, fresh profile"]
            ratio = fresh["seconds"] / built["seconds"] if ok(fresh) and ok(built) else 0.0
            table.add(
                "LibreOffice, the same with a fresh profile (as `--pdf-engine libreoffice`)",
                s(fresh),
                mb(fresh),
                f"docgen {ratio:.1f}× faster (CPU {cpu_ratio(fresh, built):.1f}×)",
            )

        warm = warm_renderer(args.rounds)
        if "error" in warm:
            table.add("warm renderer", "error: " + warm["error"][:60], "", met=False)
        else:
            peak = f"{warm['peak_mb']:.0f} MB"
            for stem in WARM_DOCUMENTS:
                w = warm[stem]
                table.add(
                    f"warm renderer, {stem}.docx: first → median of {args.rounds} after a change",
                    f"{w['cold_docx'] * 1000:.0f} → {w['docx'] * 1000:.0f} ms",
                    peak,
                    f"{w['cold_docx'] / w['docx']:.0f}× faster warm",
                    "≤ 50 ms",
                    w["docx"] <= 0.050,
                )
                table.add(
                    f"warm renderer, {stem}.pdf (DOCX + PDF): first → median",
                    f"{w['cold_pdf'] * 1000:.0f} → {w['pdf'] * 1000:.0f} ms",
                    peak,
                    f"{w['cold_pdf'] / w['pdf']:.0f}× faster warm",
                    "≤ 150 ms",
                    w["pdf"] <= 0.150,
                )

        rows = [2000] if args.quick else [2000, 20000]
        lists = award_lists(work, rows, None if args.quick else soffice)
        small = lists[2000]
        b, d, lo2 = small["builtin"], small["direct"], small["lo"]
        ratio = b["seconds"] / d["seconds"] if ok(b) and ok(d) else float("inf")
        table.add("award list, 2,000 rows: direct reportlab (the floor)", s(d), mb(d))
        table.add(
            "award list, 2,000 rows: docgen's PDF engine",
            s(b),
            mb(b),
            f"{ratio:.2f}× the floor (CPU {cpu_ratio(b, d):.2f}×)",
            "≤ 1.5× the floor",
            ratio <= 1.5,
        )
        if lo2 is not None:
            faster = lo2["seconds"] / b["seconds"] if ok(lo2) and ok(b) else 0.0
            table.add(
                "award list, 2,000 rows: LibreOffice",
                s(lo2),
                mb(lo2),
                f"docgen {faster:.1f}× faster (CPU {cpu_ratio(lo2, b):.1f}×)",
                "docgen ≥ 3× faster",
                faster >= 3,
            )
        if 20000 in lists:
            big = lists[20000]["builtin"]
            # Judged on CPU time: the wall time of a 20-second run on a machine shared with other
            # jobs moves with them (×8 to ×15 in runs of the same code), its CPU time far less.
            growth = big["cpu"] / b["cpu"] if ok(big) and ok(b) else float("inf")
            wall = big["seconds"] / b["seconds"] if ok(big) and ok(b) else float("inf")
            table.add(
                "award list, 20,000 rows: docgen's PDF engine",
                s(big),
                mb(big),
                f"×{growth:.1f} the CPU time for ×10 rows (wall ×{wall:.1f})",
                "linear (≤ ×13); < 500 MB",
                growth <= 13 and ok(big) and big["peak_mb"] < 500,
            )

        if not args.quick:
            for mode, r in certificates(10_000).items():
                good = ok(r) and r["seconds"] <= 10 and r["peak_mb"] <= 300
                table.add(
                    f"10,000 certificates, {mode}",
                    s(r),
                    mb(r),
                    "",
                    "≤ 10 s; ≤ 300 MB",
                    good,
                )
    print()
    table.print(args.markdown)
    missed = table.verdicts.count(False)
    print(
        f"\n{len(table.verdicts) - missed} of {len(table.verdicts)} targets met"
        + (f"; {missed} NOT MET" if missed else "")
    )
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
