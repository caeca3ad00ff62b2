"""`pip install .` (not editable) into a fresh venv, then `docgen build` from another folder.

This is how a clerk's machine gets docgen, and it is the only test that sees the wheel: the
built-in templates must travel inside the package (pyproject force-includes ``templates/``),
and nothing may depend on the current folder being the repository.
"""

from __future__ import annotations

import os
import subprocess
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def test_installed_wheel_builds_from_another_folder(tmp_path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    # docgen's dependencies come from the running environment (no downloads, and the same
    # versions the other tests use); docgen itself is installed from the source tree. A path
    # line in a .pth adds that folder only: its own .pth files (the editable docgen) are not
    # read, so the fresh venv cannot see the checkout.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "_docgen_test_deps.pth").write_text("\n".join(sorted(here)) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(ROOT)], tmp_path, env)

    elsewhere = tmp_path / "clerk"
    elsewhere.mkdir()
    where = _run(
        [str(python), "-c", "import docgen, pathlib; print(pathlib.Path(docgen.__file__).parent)"],
        elsewhere,
        env,
    ).stdout.strip()
    package = Path(where)
    assert package.is_relative_to(env_dir), f"docgen imported from {package}, not the venv"
    assert (package / "templates" / "state" / "minutes.docx").is_file()
    assert (package / "templates" / "party" / "award-list.docx").is_file()
    # The bundled fonts travel in the wheel: the same PDF on a machine without them installed.
    for family in ("Serif", "Sans", "Mono"):
        for face in ("Regular", "Bold", "Italic", "BoldItalic"):
            assert (package / "fonts" / f"Liberation{family}-{face}.ttf").is_file()
    assert (package / "fonts" / "LICENSE").is_file()

    docgen = bindir / ("docgen.exe" if os.name == "nt" else "docgen")
    result = _run([str(docgen), "build", str(SAMPLE), "--format", "docx"], elsewhere, env)
    assert "built-in templates" in result.stdout and str(package / "templates") in result.stdout
    out = elsewhere / "output" / "lang-son-2022"
    assert len(list(out.glob("03-quyet-dinh-*.docx"))) == 4
    assert len(list(out.glob("04-danh-sach-*.docx"))) == 4
    assert (out / "01-bien-ban.docx").is_file() and (out / "02-thong-bao-ket-luan.docx").is_file()
    listing = _run([str(docgen), "templates", "check"], elsewhere, env)
    assert "no problems" in listing.stdout

    # The wheel carries the compiled catalogues (made by hatch_build.py, not by git), and the
    # installed docgen speaks Vietnamese unless told otherwise — Click's own words included.
    for language in ("vi", "en"):
        assert (package / "locale" / language / "LC_MESSAGES" / "docgen.mo").is_file()
    clerk_env = {k: v for k, v in env.items() if k != "DOCGEN_LANG"}
    helped = _run([str(docgen), "--help"], elsewhere, clerk_env)
    assert "Cách dùng:" in helped.stdout and "Tùy chọn:" in helped.stdout
    english = _run([str(docgen), "--lang", "en", "--help"], elsewhere, clerk_env)
    assert "Usage:" in english.stdout and "Options:" in english.stdout

    # The browser workspace's pages and its vendored htmx travel in the wheel too.
    assert (package / "web" / "templates" / "meeting_form.html").is_file()
    assert (package / "web" / "static" / "htmx.min.js").is_file()
    page = _run(
        [
            str(python),
            "-c",
            "from docgen.web import create_app; import sys; "
            "r = create_app(sys.argv[1]).test_client().get('/'); "
            "print(r.status_code, 'htmx.min.js' in r.get_data(as_text=True))",
            str(elsewhere),
        ],
        elsewhere,
        env,
    )
    assert page.stdout.split() == ["200", "True"]
