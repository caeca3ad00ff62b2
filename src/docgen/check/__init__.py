"""``docgen check``: the văn thư's format check of any Word document, with a safe fix.

Before a document is issued the văn thư checks its thể thức and kỹ thuật trình bày [ND30
Điều 16]. This package does that check against the rules in :mod:`docgen.formats` — the same
rules docgen's own templates are made from — for documents docgen did not make:

* :mod:`~docgen.check.read` opens the file through the safe reader and resolves each
  paragraph's effective formatting (styles, defaults, theme fonts, numbering, direct);
* :mod:`~docgen.check.find` locates the elements by their words, as Word users lay them out;
* :mod:`~docgen.check.checks` applies the rules, each breach located and sourced;
* ``fix_file`` writes a corrected copy for the mechanical faults only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from docgen import formats
from docgen.check.checks import Checker, Finding
from docgen.check.find import find
from docgen.check.read import Document, open_document
from docgen.errors import DocgenError
from docgen.i18n import N_, _

KINDS = tuple(formats.rules().kinds)

# What the clerk reads for a profile and a kind (the option values stay the English keys).
PROFILE_WORDS = {
    "state": N_("the format of state documents"),
    "party": N_("the format of Party documents"),
}
KIND_WORDS = {
    "minutes": N_("biên bản (minutes)"),
    "notice": N_("thông báo (notice)"),
    "decision": N_("quyết định (decision)"),
    "list": N_("danh sách kèm theo quyết định (list attached to a decision)"),
    "invitation": N_("giấy mời (invitation)"),
    "programme": N_("chương trình (programme)"),
    "proposal": N_("tờ trình (proposal)"),
    "plan": N_("kế hoạch (plan)"),
    "report": N_("báo cáo (report)"),
    "guide": N_("hướng dẫn (guide)"),
    "regulation": N_("quy định (regulation)"),
    "resolution": N_("nghị quyết (resolution)"),
    "conclusion": N_("kết luận (conclusion)"),
    "directive": N_("chỉ thị (directive)"),
    "letter": N_("công văn (letter)"),
    "news": N_("tin bài (news report)"),
}


def kind_words(kind: str) -> str:
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


@dataclass
class Result:
    path: Path
    profile: str
    profile_reason: str
    kind: str
    kind_reason: str
    findings: list[Finding]
    fixed: Path | None = None
    changes: list[str] = field(default_factory=list)
    left: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def official(self) -> bool:
        """False for a news report: no format rule applies, nothing was checked."""
        return formats.rules().kinds[self.kind].official

    @property
    def profile_label(self) -> str:
        label = formats.profile(self.profile).label
        words = _(PROFILE_WORDS[self.profile])
        if self.profile_reason == "--profile":
            return _("{profile} ({label}, as asked with --profile {key})").format(
                profile=words, label=label, key=self.profile
            )
        if not self.profile_reason:
            return _(
                "{profile} ({label}; nothing in the file says which — use --profile state "
                "or --profile party)"
            ).format(profile=words, label=label)
        return _("{profile} ({label}, from “{words}”)").format(
            profile=words, label=label, words=self.profile_reason
        )

    @property
    def kind_label(self) -> str:
        words = kind_words(self.kind)
        if self.kind_reason == "--kind":
            return _("document type: {kind} (as asked with --kind {key})").format(
                kind=words, key=self.kind
            )
        if not self.official:
            return _(
                "document type: {kind} (no national title or Party heading, number or type name)"
            ).format(kind=words)
        if not self.kind_reason:
            return _("document type: {kind} (no type name found — use --kind)").format(kind=words)
        return _("document type: {kind} (from “{words}”)").format(
            kind=words, words=self.kind_reason
        )


def _check(doc: Document, profile: str | None, kind: str | None) -> Result:
    layout = find(doc, profile, kind)
    checker = Checker(doc, layout)
    findings = checker.run()
    result = Result(
        doc.path, layout.profile, layout.profile_reason, layout.kind, layout.kind_reason, findings
    )
    result._checker = checker  # type: ignore[attr-defined]
    return result


def check_file(path: Path, profile: str | None = None, kind: str | None = None) -> Result:
    """Check one .docx; ``profile``/``kind`` None means: tell from the document."""
    return _check(open_document(path), profile, kind)


def fixed_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.fixed{path.suffix}")


def fix_file(
    path: Path, profile: str | None = None, kind: str | None = None, *, force: bool = False
) -> Result:
    """Check ``path``, write ``NAME.fixed.docx`` beside it with the mechanical faults corrected.

    Only findings on elements located for sure are fixed; the original is never touched. The
    result lists every change, and the findings of the corrected copy are left to the caller
    to report as what remains.
    """
    target = fixed_path(path)
    if target.exists() and not force:
        raise DocgenError(
            _(
                "{path} already exists; nothing was written. Remove it or add --force to "
                "replace it."
            ).format(path=target)
        )
    doc = open_document(path)
    result = _check(doc, profile, kind)
    checker: Checker = result._checker  # type: ignore[attr-defined]
    changes: list[str] = []
    for finding in result.findings:
        if finding.fix is not None and finding.certain:
            changes.extend(finding.fix())
    checker.edits.apply()
    if not changes:  # nothing mechanical to correct: no copy, which would only repeat the file
        result.left = [f for f in result.findings]
        return result
    buffer = io.BytesIO()
    doc.docx.save(buffer)
    from docgen.outputs import atomic_write

    atomic_write(target, buffer.getvalue())
    after = check_file(target, result.profile, result.kind)
    after.fixed = target
    after.changes = changes
    after.left = list(after.findings)
    after.path = path
    after.profile_reason, after.kind_reason = result.profile_reason, result.kind_reason
    # What the clerk reads first is what was wrong in the original.
    after.findings = result.findings
    return after


__all__ = ["KINDS", "KIND_WORDS", "kind_words", "Result", "check_file", "fix_file", "fixed_path"]
