"""Time and peak memory of 10,000 certificate pages (targets: ≤ 10 s and ≤ 300 MB).

Time is wall-clock time of rendering (layouts loaded, fonts registered, PDF in memory), with
the CPU time beside it, which a busy machine disturbs less. Each measurement runs in a fresh
child process so that its peak resident memory (ru_maxrss,
the whole process: interpreter, reportlab, fonts and the PDF in memory) is its own. The
recipients are made-up names and units, all different, split between a Bằng khen group (A3)
and a Giấy khen group (A4) of the Lạng Sơn sample, so string measuring cannot lean on
repetition more than a real batch would.

    python benchmarks/bench_certificates.py [--pages N] [--mode overlay|full|both]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lương", "Nông"]
MIDDLE = ["Văn", "Thị", "Đình", "Minh", "Thu", "Quang", "Ngọc", "Xuân", "Hữu", "Thanh"]
GIVEN = ["Ánh", "Bình", "Dũng", "Hà", "Hạnh", "Khánh", "Lan", "Mai", "Ngân", "Ơn", "Tuấn", "Yến"]
POSITION = ["Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng", "Phóng viên", "Giảng viên"]
UNIT = ["Ban Tuyên giáo Huyện ủy", "Phòng Văn hóa và Thông tin huyện", "Trường THPT", "Xã"]
PLACE = ["Cao Lộc", "Văn Lãng", "Tràng Định", "Bắc Sơn", "Hữu Lũng", "Chi Lăng", "Đình Lập"]


def make_record(pages: int):
    from docgen.loader import load_meeting
    from docgen.model import Individual

    record = load_meeting(ROOT / "seeds/lang-son-2022.yaml")
    rng = random.Random(2022)

    def person(i: int) -> Individual:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        unit = f"{rng.choice(UNIT)} {rng.choice(PLACE)} số {i}"
        return Individual(name=name, position=rng.choice(POSITION), unit=unit)

    bang, giay = record.awards[0], record.awards[2]
    half = pages // 2
    bang.collectives, giay.collectives = [], []
    bang.individuals = [person(i) for i in range(half)]
    giay.individuals = [person(i) for i in range(half, pages)]
    record.awards = [bang, giay]
    return record


def child(pages: int, mode: str, compression: bool) -> None:
    from docgen.certificates import Renderer, certificate_pages

    record = make_record(pages)
    start, cpu = time.perf_counter(), time.process_time()
    plan = certificate_pages(record)
    data = Renderer(mode=mode, page_compression=compression).render(plan)  # type: ignore[arg-type]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "pages": len(plan),
                "seconds": elapsed,
                "cpu": cpu,
                "peak_mb": peak,
                "bytes": len(data),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--mode", choices=["overlay", "full", "both"], default="both")
    parser.add_argument("--no-compression", action="store_true", help="pageCompression off")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.pages, args.mode, not args.no_compression)
        return
    modes = ["overlay", "full"] if args.mode == "both" else [args.mode]
    ok = True
    for mode in modes:
        cmd = [sys.executable, __file__, "--child", "--pages", str(args.pages), "--mode", mode]
        if args.no_compression:
            cmd.append("--no-compression")
        result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        within = result["seconds"] <= 10 and result["peak_mb"] <= 300
        ok &= within
        print(
            f"{mode:8} {result['pages']:>6} pages  {result['seconds']:6.2f} s "
            f"(CPU {result['cpu']:5.2f} s)  "
            f"peak {result['peak_mb']:6.1f} MB  PDF {result['bytes'] / 1e6:6.1f} MB  "
            f"{'ok' if within else 'OVER TARGET'}"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
