"""A build's two halves at once (docgen.forking): the same files, the same errors, no leftovers."""

from __future__ import annotations

import io
import os
import threading

import pytest
from pypdf import PdfReader

from conftest import SAMPLE, docx_parts
from docgen import forking
from docgen.documents import DOCUMENTS
from docgen.errors import DocgenError
from docgen.loader import load_meeting
from docgen.pipeline import make, plan, share
from docgen.render import TemplateStore
from docgen.templates_dir import resolve

needs_fork = pytest.mark.skipif(not forking.available(), reason="no fork or one processor here")


def no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@needs_fork
def test_the_second_half_runs_in_a_copy_and_comes_back() -> None:
    parent = os.getpid()
    there, here = forking.in_two(lambda: (os.getpid(), b"x" * 300_000), lambda: os.getpid())
    assert here == parent and there[0] != parent
    assert there[1] == b"x" * 300_000  # more than a pipe holds at once
    assert no_child_left()


@needs_fork
def test_a_failed_copy_is_redone_here_so_its_error_is_the_one_process_error() -> None:
    parent = os.getpid()

    def there() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the copy")
        return 7

    assert forking.in_two(there, lambda: 1) == (7, 1)

    def broken() -> int:
        raise DocgenError("the template is wrong")

    with pytest.raises(DocgenError, match="the template is wrong"):
        forking.in_two(broken, lambda: 1)
    assert no_child_left()


@needs_fork
def test_an_error_here_wins_and_stops_the_copy() -> None:
    def here() -> int:
        raise DocgenError("checked first")

    with pytest.raises(DocgenError, match="checked first"):
        forking.in_two(lambda: __import__("time").sleep(30), here)
    assert no_child_left()


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forking.available()
        assert forking.in_two(os.getpid, os.getpid) == (os.getpid(), os.getpid())
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_make_in_two_processes_makes_the_files_of_one_in_the_same_order() -> None:
    record = load_meeting(SAMPLE)
    source = resolve(None, SAMPLE.parent)
    one = make(record, TemplateStore(source), certificates="overlay")
    two = make(record, TemplateStore(source), certificates="overlay", workers=2)
    assert list(two.files) == list(one.files)
    assert two.warnings == one.warnings
    for name, data in one.files.items():
        if name.endswith(".docx"):
            assert docx_parts(two.files[name]) == docx_parts(data), name
        elif name.endswith(".pdf"):
            ours, theirs = PdfReader(io.BytesIO(two.files[name])), PdfReader(io.BytesIO(data))
            assert len(ours.pages) == len(theirs.pages), name
            assert ours.pages[0].extract_text() == theirs.pages[0].extract_text(), name
        else:
            assert two.files[name] == data, name
    assert no_child_left()


def test_the_two_shares_split_no_template_and_balance_the_work() -> None:
    record = load_meeting(SAMPLE)
    jobs = plan(record, resolve(None, SAMPLE.parent), DOCUMENTS)
    mine, theirs = share(jobs, with_certificates=True)
    assert sorted(mine + theirs, key=jobs.index) == jobs
    assert mine == sorted(mine, key=jobs.index) and theirs == sorted(theirs, key=jobs.index)
    assert not {j.template for j in mine} & {j.template for j in theirs}
    # the certificates weigh about two documents
    assert abs(len(mine) - (len(theirs) + 2)) <= 2
