#!/usr/bin/env python3
"""Grades submitted labs: `npm run grade -- <submission.ipynb>... [--json]`.

How a submission is graded
- It runs in a sandbox of its own (scripts/sandbox.py): a throw-away copy of
  the course with the student library (build/student/dist from `npm run
  student`, else dist/) and node_modules read-only, no reference labs, no
  grading/ folder, no other submission, no network, limits on memory,
  processes and file size, and every process it started killed at the end.
  The result names the protection it had ("sandbox": "bwrap" | "uid" |
  "process-group").
- Its cells run in a fresh kernel, with the lab's own check cells put in
  place of any edited, deleted or re-weighted ones (flagged). Cells after the
  last check cell are not run.
- Then the hidden tests (grading/hidden/<lab>.json, never shipped to
  students) call the student's functions in that kernel on inputs the
  notebook never showed. Each value comes out as JSON in a display_data of a
  dedicated mime type carrying this run's nonce, and is compared here, in
  the grader's process, with the value of the same call after the reference
  lab ran in a clean kernel (computed once per lab and run). An exercise
  scores its points when every one of its cases matches, and 0 if a solution
  cell calls a name the hidden file forbids (flagged). Nothing the kernel
  prints or writes to a file decides a mark.
- The in-notebook checks are the student's feedback: each exercise reports
  its check's outcome too ("check"). A lab without a hidden-test file is
  scored by its checks, as before, and says so ("graded_by": "checks").

When a cell fails
- An error is recorded and execution goes on. A timeout (--timeout; hidden
  calls --hidden-timeout) or a dead kernel: the kernel is restarted, the cells
  that had run without an error are replayed, and grading goes on after the
  failed cell; after --max-restarts restarts the rest is not graded.
- Output is capped per cell: --max-output characters per stream (head and
  tail kept), --max-display bytes of display data, results and errors per
  cell, --max-notebook-output bytes in all; a submission bigger than
  --max-size MB is refused unread.

Results: a table per submission (or, with --json, one JSON document on
stdout), and in --out (default build/grading/): the graded copy of each
submission (no hidden calls in it), one <name>.result.json per submission and
results.json, each written atomically as soon as a submission is done, so a
killed run keeps what it finished. Exit status: 0 if every submission was
graded (whatever its score), 1 if some could not be, 2 for a usage error.
"""
import argparse
import contextlib
import copy
import hashlib
import json
import os
import queue
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import contract
import hidden as hidden_tests
import model_marks
from contract import EXERCISE_IMPORT, PASS_LINE, checksum
from nbexec import REPO, cell_error_message, first_line, kernel_pid, kernel_ready, make_client, read_notebook_file

LABS = os.path.join(REPO, "notebooks")


def course(cell):
    c = cell.get("metadata", {}).get("course", {})
    return c if isinstance(c, dict) else {}


def check_id(cell, known):
    """The exercise a cell checks: its metadata, or its cell id `check-<exercise>`."""
    cid = course(cell).get("check")
    if cid is None and str(cell.get("id", "")).startswith("check-") and cell["id"][6:] in known:
        cid = cell["id"][6:]
    return cid


def exercise_id(cell):
    eid = course(cell).get("exercise")
    if eid is None and str(cell.get("id", "")).startswith("exercise-"):
        eid = cell["id"][9:]
    return eid


# ---------------------------------------------------------------- the lab ---



def read_lab(path):
    """The lab and its checks: {exercise: {source, points, guard}}. `guard` re-imports the check
    functions the check cell calls (see guarded_source)."""
    import nbformat
    nb = nbformat.read(path, as_version=4)
    origin = {}  # check function name -> module it is imported from in the lab
    for cell in nb.cells:
        if cell.cell_type == "code":
            for names, module in EXERCISE_IMPORT.findall(cell.source):
                for name in re.split(r"\s*,\s*", names.strip()):
                    if name and " as " not in name:
                        origin[name] = module
    checks = {}
    for cell in nb.cells:
        c = course(cell)
        if cell.cell_type == "code" and "check" in c:
            used = sorted(n for n in origin if re.search(rf"\b{re.escape(n)}\b", cell.source))
            guard = "".join(f'import {{ {n} }} from "{origin[n]}";\n' for n in used)
            checks[c["check"]] = {"source": cell.source, "points": c.get("points", 1), "guard": guard, "functions": used}
    return nb, checks


def guarded_source(check):
    """The check cell as the grader runs it: the lab's source after a fresh import of the check
    functions it calls, so that a submission cannot replace a check by declaring a function of the
    same name in an earlier cell (a later declaration wins in tslab)."""
    return check["guard"] + check["source"]


def find_lab(sub, sub_path, labs_dir):
    """(lab name, path, note): from the metadata, else from the file name if that is a lab's and the
    notebook has its checks, else the lab whose exercise ids the submission shares most."""
    meta = sub.metadata.get("course", {}) or {}
    name = meta.get("source")
    if isinstance(name, str) and re.fullmatch(r"[\w.-]+", name):
        path = os.path.join(labs_dir, name + ".ipynb")
        if os.path.isfile(path):
            return name, path, None
    ids = {exercise_id(c) for c in sub.cells} | {course(c).get("check") for c in sub.cells}
    ids.discard(None)
    by_file = os.path.join(labs_dir, os.path.basename(sub_path))
    if name is None and os.path.isfile(by_file) and ids & set(read_lab(by_file)[1]):
        return os.path.basename(sub_path)[:-len(".ipynb")], by_file, None  # e.g. a reference lab, graded as it is
    best = (0, None)
    for f in sorted(os.listdir(labs_dir)):
        if f.endswith(".ipynb"):
            try:
                _, checks = read_lab(os.path.join(labs_dir, f))
            except Exception:
                continue
            overlap = len(ids & set(checks))
            if overlap > best[0]:
                best = (overlap, f)
    if best[1] is None:
        return None, None, None
    why = f"the notebook metadata names no known lab ({name!r})" if name else "the notebook has no course metadata"
    found = best[1][:-len(".ipynb")]
    return found, os.path.join(labs_dir, best[1]), f"{why}; identified as {found} by its exercise ids"


def restore_checks(sub, ref_checks):
    """Puts the source lab's check cells into the submission. Returns (cells, flags by exercise, notebook flags)."""
    import nbformat
    released = (sub.metadata.get("course", {}) or {}).get("checks", {}) or {}
    flags = {eid: [] for eid in ref_checks}
    nb_flags = []
    cells, seen = [], set()

    def reference_cell(eid):
        return nbformat.v4.new_code_cell(guarded_source(ref_checks[eid]), id=f"check-{eid}",
                                         metadata={"course": {"check": eid, "points": ref_checks[eid]["points"]}})

    for cell in sub.cells:
        eid = check_id(cell, ref_checks)
        if eid is None:
            for other, check in ref_checks.items():
                for name in check["functions"]:
                    if cell.cell_type == "code" and re.search(rf"\b(function|const|let|var|class)\s+{re.escape(name)}\b", cell.source):
                        flags[other].append(f"cell {cell.get('id', '?')} declares {name}, the name of the check function; the lab's check was used")
            # These tags would make the executor ignore the cell's error or skip it.
            if "tags" in cell.metadata:
                cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t not in ("raises-exception", "skip-execution")]
            cells.append(cell)
            continue
        if eid not in ref_checks:
            nb_flags.append(f"cell {cell.get('id', '?')} claims to check {eid!r}, which the lab does not have; it was not run")
            continue
        if eid in seen:
            flags[eid].append("a second check cell for this exercise was removed")
            continue
        seen.add(eid)
        ref = ref_checks[eid]
        src = cell.source if cell.cell_type == "code" else None
        if src != ref["source"]:
            sha = (released.get(eid) or {}).get("sha256")
            if src is not None and sha and sha == checksum(src) and sha != checksum(ref["source"]):
                flags[eid].append("the lab's check has changed since this copy was released; the current check was used")
            else:
                flags[eid].append("the check cell was edited; the lab's check was run instead")
        points = course(cell).get("points")
        if points is not None and points != ref["points"]:
            flags[eid].append(f"the check cell's points were changed to {points}; the lab's {ref['points']} were used")
        cells.append(reference_cell(eid))
    for eid in ref_checks:
        if eid in seen:
            continue
        at = next((i + 1 for i, c in enumerate(cells) if exercise_id(c) == eid), None)
        if at is None:
            flags[eid].append("the exercise cell and its check cell were deleted; the lab's check was run at the end")
            at = len(cells)
        else:
            flags[eid].append("the check cell was deleted; the lab's check was put back after the exercise")
        cells.insert(at, reference_cell(eid))
    return cells, flags, nb_flags


# ---------------------------------------------------------- execution ---
# This part runs inside the sandbox (grade.py --sandboxed): it executes the notebook it was given and
# hands back the raw outputs. Nothing here decides a mark.

def capped_client_class(max_stream, max_display, max_total):
    """A NotebookClient that caps what a cell may send: per stream `max_stream` characters (head and
    tail kept), per cell `max_display` bytes of every other output (display data, results, errors), and
    `max_total` bytes for the whole notebook; it remembers every "✔ <exercise>: passed" line it saw,
    even in output it cut."""
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        def reset_cell_state(self):
            self.seen, self.cut, self.tail, self.partial, self.passes = {}, {}, {}, {}, set()
            self.rich, self.dropped, self.result_kept = 0, 0, False

        def output(self, outs, msg, display_id, cell_index):
            self.total = getattr(self, "total", 0)
            if msg["msg_type"] != "stream":
                size = len(json.dumps(msg.get("content", {}), ensure_ascii=False))
                # A hidden call's value is read from the first output of its own mime type in its own cell:
                # keep that one whatever came before it.
                data = msg.get("content", {}).get("data")
                result = (not self.result_kept and "hidden" in course(self.nb.cells[cell_index]) and isinstance(data, dict)
                          and hidden_tests.RESULT_MIME in data and size <= hidden_tests.MAX_RESULT + 1000)
                self.result_kept = self.result_kept or result
                if not result and (self.rich + size > max_display or self.total + size > max_total):
                    self.dropped += 1
                    return None
                self.rich += size
                self.total += size
                return super().output(outs, msg, display_id, cell_index)
            name, text = msg["content"].get("name", "stdout"), msg["content"].get("text", "")
            if not isinstance(text, str):
                return None
            lines = (self.partial.get(name, "") + text).split("\n")
            self.partial[name] = lines.pop()[-1000:]
            self.passes.update(m.group(1) for m in map(PASS_LINE.match, lines) if m)
            used = self.seen.get(name, 0)
            self.seen[name] = used + len(text)
            if used + len(text) <= max_stream and self.total + len(text) <= max_total:
                self.total += len(text)
                return super().output(outs, msg, display_id, cell_index)
            self.tail[name] = (self.tail.get(name, "") + text)[-max_stream // 4:]
            self.cut[name] = self.cut.get(name, 0) + len(text)
            if used < max_stream and self.total + max_stream - used <= max_total:
                head = dict(msg, content=dict(msg["content"], text=text[: max_stream - used]))
                self.tail[name] = text[max_stream - used:][-max_stream // 4:]
                self.cut[name] = len(text) - (max_stream - used)
                self.total += max_stream - used
                return super().output(outs, head, display_id, cell_index)
            return None

        def finish_cell(self, cell):
            """Merges runs of stream output, and notes what was cut or dropped."""
            import nbformat
            merged = []
            for out in cell.outputs:
                prev = merged[-1] if merged else None
                if prev is not None and out.get("output_type") == "stream" == prev.get("output_type") and out.get("name") == prev.get("name"):
                    prev["text"] = prev.get("text", "") + out.get("text", "")
                else:
                    merged.append(out)
            cell.outputs = merged
            for name, n in self.cut.items():
                tail = self.tail.get(name, "")
                note = f"\n[grader: {n - len(tail)} characters of {name} cut]\n"
                cell.outputs.append(nbformat.v4.new_output("stream", name=name, text=note + tail))
            if self.dropped:
                cell.outputs.append(nbformat.v4.new_output(
                    "stream", name="stderr", text=f"[grader: {self.dropped} output(s) dropped: more than {max_display} bytes in this cell or {max_total} in the notebook]\n"))
            for name, rest in self.partial.items():
                m = PASS_LINE.match(rest)
                if m:
                    self.passes.add(m.group(1))

    return CappedClient


def run_cell(client, cell, index, timeout):
    """Executes one cell; returns (status, message, passes) with status ok | error | timeout | kernel died."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    client.reset_cell_state()
    client.timeout = timeout
    cell.outputs = []
    status, message = "ok", None
    try:
        client.execute_cell(cell, index)
    except CellTimeoutError:
        status, message = "timeout", f"the cell did not finish within {timeout} s"
    except DeadKernelError:
        status, message = "kernel died", "the kernel died (the code exited the process or crashed it)"
    except CellExecutionError as e:
        status, message = "error", cell_error_message(cell, e)
    except RuntimeError as e:  # nbclient reports a dead kernel during execution this way too
        dead = "dead" in str(e).lower() or "died" in str(e).lower()
        status, message = ("kernel died", "the kernel died") if dead else ("error", first_line(str(e)))
    client.finish_cell(cell)
    return status, message, set(client.passes)


def execute(nb, cwd, job, log):
    """Runs the code cells up to the last check cell, then the hidden calls, restarting the kernel after a
    timeout or death (and replaying the cells that had run). Returns ({cell index: (status, message,
    passes)}, restarts)."""
    client = make_client(nb, cwd, job["timeout"], job["startup_timeout"],
                         client_class=capped_client_class(job["max_output"], job["max_display"], job["max_notebook_output"]),
                         shutdown_kernel="immediate")
    checks = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "check" in course(c)]
    hidden = {i: course(c)["hidden"][0] for i, c in enumerate(nb.cells) if "hidden" in course(c)}
    order = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (checks and i <= checks[-1] or i in hidden)]
    outcome, replay = {}, []
    pos, restarts = 0, 0

    def timeout_of(i):
        return job["hidden_timeout"] if i in hidden else job["timeout"]  # per exercise: all its calls

    while pos < len(order):
        if restarts > job["max_restarts"]:
            for i in order[pos:]:
                outcome[i] = ("not run", f"not graded: the kernel was restarted {job['max_restarts']} times already", set())
            break
        interrupted = False
        try:
            with client.setup_kernel():
                log(f"kernel pid {kernel_pid(client)}")  # for a parent whose sandbox has no PID namespace
                if restarts:
                    log(f"  kernel restarted ({restarts}); replaying {len(replay)} cell(s)")
                for i in list(replay) if restarts else []:
                    status, _, _ = run_cell(client, copy.deepcopy(nb.cells[i]), i, job["timeout"])
                    if status != "ok":
                        replay.remove(i)
                        if status in ("timeout", "kernel died"):
                            interrupted = True
                            break
                while not interrupted and pos < len(order):
                    i = order[pos]
                    pos += 1
                    result = run_cell(client, nb.cells[i], i, timeout_of(i))
                    outcome[i] = result
                    if result[0] == "ok" and i not in checks and i not in hidden:
                        replay.append(i)
                    if result[0] in ("timeout", "kernel died"):
                        log(f"  cell {i}: {result[0]}")
                        interrupted = True
        except Exception as e:  # the kernel could not start, or the client failed
            for i in order[pos:]:
                outcome.setdefault(i, ("not run", f"not graded: the kernel could not be started ({type(e).__name__}: {first_line(str(e))})", set()))
            break
        if interrupted:
            restarts += 1
    return outcome, restarts


def sandboxed_main(result_fd):
    """The child inside the sandbox: reads its job (a notebook and limits) from stdin, runs it, and writes
    {"outcome", "restarts", "notebook"} to `result_fd`, a pipe that no process it starts inherits."""
    import ctypes
    import nbformat
    os.set_inheritable(result_fd, False)
    try:  # PR_SET_DUMPABLE 0: the kernel (same uid) cannot read this process's memory or open its fds in /proc
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    nb = nbformat.from_dict(job["notebook"])
    outcome, restarts = execute(nb, os.getcwd(), job, log=lambda s: print(s, file=sys.stderr, flush=True))
    payload = json.dumps({"token": job["token"], "outcome": {str(i): [s, m, sorted(p)] for i, (s, m, p) in outcome.items()},
                          "restarts": restarts, "notebook": nb}, ensure_ascii=False).encode("utf-8")
    with os.fdopen(result_fd, "wb") as f:
        f.write(payload)
    return 0


# ------------------------------------------------------- sandboxed runs ---
# Everything from here on runs in the grader's own process, outside every sandbox.

def student_dist():
    """The library a submission sees: the student release if `npm run student` made one, else dist/."""
    release = os.path.join(REPO, "build", "student", "dist")
    return release if os.path.isfile(os.path.join(release, "backend.js")) else os.path.join(REPO, "dist")


class Slots:
    """Numbers 0..n-1 for the parallel jobs: `with slots.take() as slot` (a "uid" sandbox runs as a uid of its
    slot's, so no two runs at a time may share one)."""

    def __init__(self, n):
        self.q = queue.Queue()
        for i in range(n):
            self.q.put(i)

    @contextlib.contextmanager
    def take(self):
        slot = self.q.get()
        try:
            yield slot
        finally:
            self.q.put(slot)


def run_sandboxed(nb, dist, args, slot):
    """Runs `nb` in a sandbox of its own. Returns (child result or None, problem or None, protections)."""
    from sandbox import Sandbox
    sb = Sandbox(dist, slot, args.memory_mb, args.max_pids, args.heap_mb, args.max_file_mb, args.sandbox)
    info = sb.protections()
    token = secrets.token_hex(16)  # the child proves its payload with it; the kernel never sees it
    job = {"notebook": nb, "token": token, "timeout": args.timeout, "hidden_timeout": args.hidden_timeout,
           "startup_timeout": args.startup_timeout, "max_restarts": args.max_restarts, "max_output": args.max_output,
           "max_display": args.max_display, "max_notebook_output": args.max_notebook_output}
    r, w = os.pipe()
    chunks, limit = [], args.max_notebook_output * 2 + (16 << 20)
    log = tempfile.TemporaryFile("w+b")
    problem = None
    try:
        proc = sb.start([os.path.abspath(__file__), "--sandboxed", "--result-fd", str(w)], w,
                        stdin=subprocess.PIPE, stdout=log, stderr=log)
        os.close(w)
        w = None

        def feed():
            try:
                proc.stdin.write(json.dumps(job, ensure_ascii=False).encode("utf-8"))
                proc.stdin.close()
            except OSError:
                pass

        def drain():
            size = 0
            while True:
                b = os.read(r, 1 << 20)
                if not b:
                    return
                size += len(b)
                if size <= limit:
                    chunks.append(b)

        threads = [threading.Thread(target=feed, daemon=True), threading.Thread(target=drain, daemon=True)]
        for t in threads:
            t.start()
        try:
            proc.wait(timeout=args.submission_timeout)
        except subprocess.TimeoutExpired:
            problem = f"grading did not finish within {args.submission_timeout} s (--submission-timeout)"
        if problem is None:
            threads[1].join(timeout=30)
    finally:
        if w is not None:
            os.close(w)
        kernels = [int(p) for p in re.findall(rb"^kernel pid (\d+)$", _tail(log), re.M)] if info["sandbox"] == "process-group" else []
        if sb.proc is not None and sb.proc.poll() is None:
            os.killpg(sb.proc.pid, signal.SIGKILL)
            sb.proc.wait()
        oom = sb.cgroup.oom()
        peak = sb.close()
        if kernels:
            from nbexec import end_kernels
            end_kernels("\n".join(f"kernel pid {p}" for p in kernels))
        os.close(r)
    info["peak_memory_mb"] = None if peak is None else round(peak / 2**20)
    if oom:
        problem = problem or f"the run used more than {args.memory_mb} MB of memory (--memory-mb) and was killed"
    if problem:
        return None, problem, info
    data = b"".join(chunks)
    try:
        result = json.loads(data.decode("utf-8")) if data else None
    except ValueError:
        result = None
    if not isinstance(result, dict) or result.get("token") != token:
        lines = [l for l in _tail(log).decode("utf-8", "replace").splitlines() if l.strip() and not l.startswith("kernel pid ")]
        last = f": {first_line(lines[-1])}" if lines else ""
        why = "it was killed or exited" if not data else "its result was not the grader's"
        return None, f"the grading process inside the sandbox ended without a result ({why}){last}", info
    return result, None, info


def _tail(f, n=4000):
    f.seek(0, os.SEEK_END)
    f.seek(max(0, f.tell() - n))
    return f.read()


# ------------------------------------------------------- hidden tests ---

class References:
    """Reference values of each lab's hidden calls: the reference lab run in a clean sandboxed kernel
    with the built library, then the calls; computed once per lab and grading run."""

    def __init__(self, args, slots, nonce):
        self.args, self.slots, self.nonce = args, slots, nonce
        self.values, self.locks, self.lock = {}, {}, threading.Lock()

    def get(self, lab, lab_path, tests):
        with self.lock:
            lock = self.locks.setdefault(lab, threading.Lock())
        with lock:
            if lab not in self.values:
                self.values[lab] = self._compute(lab_path, tests)
            return self.values[lab]

    def _compute(self, lab_path, tests):
        ref, _ = read_notebook_file(lab_path)
        _, checks = read_lab(lab_path)
        cells, _, _ = restore_checks(ref, checks)
        ref.cells = cells
        add_hidden_cells(ref, tests, self.nonce)
        with self.slots.take() as slot:
            result, problem, _ = run_sandboxed(ref, os.path.join(REPO, "dist"), self.args, slot)
        if result is None:
            return {"error": f"the reference lab could not be run: {problem}"}
        return {"values": hidden_values(result, tests, self.nonce)}


def add_hidden_cells(nb, tests, nonce):
    import nbformat
    for eid, source in hidden_tests.hidden_cells(tests, nonce):
        nb.cells.append(nbformat.v4.new_code_cell(source, id=f"hidden-{len(nb.cells)}", metadata={"course": {"hidden": [eid]}}))


def hidden_values(result, tests, nonce):
    """{(exercise, case index): (ok, value or reason)} from a child's result."""
    import nbformat
    nb = nbformat.from_dict(result["notebook"])
    values = {}
    for i, cell in enumerate(nb.cells):
        h = course(cell).get("hidden")
        if not h or h[0] not in tests:
            continue
        n = len(tests[h[0]]["cases"])
        status, message, _ = result["outcome"].get(str(i), ("not run", "not run", []))
        got = hidden_tests.values_of(cell.get("outputs", []), nonce, n) if status == "ok" else [(False, _call_failure(status, message))] * n
        for k, v in enumerate(got):
            values[(h[0], k)] = v
    return values


def _call_failure(status, message):
    if status == "timeout":
        return "the calls did not finish in time (an endless loop?)"
    if status == "kernel died":
        return "the calls killed the kernel"
    return f"the cell of the calls failed: {message}" if status == "error" else (message or status)


def student_cells(sub, ref_nb, eid):
    """Code the student wrote that an exercise's forbid list applies to: the exercise's own cell, and every
    code cell that is not the lab's (new, or changed), except check cells and other exercises' cells."""
    lab = {c.get("id"): c.source for c in ref_nb.cells}
    cells = []
    for c in sub.cells:
        if c.cell_type != "code" or "check" in course(c) or "hidden" in course(c):
            continue
        ex = exercise_id(c)
        if ex == eid or ex is None and lab.get(c.get("id")) != c.source:
            cells.append(c)
    return cells


# ----------------------------------------------------------- grading ---

def prepare(path, args):
    """Reads a submission and turns it into the notebook to run. Returns (result stub, notebook, lab info) or
    (failed result, None, None)."""
    start = time.time()
    result = {"submission": path, "status": "graded", "lab": None, "score": 0, "max_score": 0, "exercises": [],
              "flags": [], "restarts": 0, "error": None}

    def fail(status, error):
        result.update(status=status, error=error, seconds=round(time.time() - start, 1))
        return result, None, None

    sub, reason = read_notebook_file(path, args.max_size)
    if sub is None:
        return fail("invalid", reason)
    lab, lab_path, note = find_lab(sub, path, args.labs)
    if lab is None:
        return fail("unknown lab", f"cannot tell which lab this is: no course metadata and no exercise of any lab in {os.path.relpath(args.labs, REPO)}/")
    result["lab"] = lab
    if note:
        result["flags"].append(note)
    try:
        tests = hidden_tests.load(lab, args.hidden)
    except hidden_tests.HiddenFileError as e:
        return fail("error", f"grader set-up: {e}")
    ref_nb, ref_checks = read_lab(lab_path)
    original = copy.deepcopy(sub)
    cells, flags, nb_flags = restore_checks(sub, ref_checks)
    result["flags"] += nb_flags
    sub.cells = cells
    sub.metadata["kernelspec"] = ref_nb.metadata.get("kernelspec", {"name": "tslab"})
    return result, sub, {"lab_path": lab_path, "ref_nb": ref_nb, "ref_checks": ref_checks, "flags": flags,
                         "tests": tests, "original": original, "start": start}


def grade_one(path, args, slots, refs, out_name):
    import nbformat
    result, nb, lab = prepare(path, args)
    if nb is None:
        return result
    tests = lab["tests"]
    if tests:
        add_hidden_cells(nb, tests, refs.nonce)
    with slots.take() as slot:
        child, problem, info = run_sandboxed(nb, args.dist, args, slot)
    result.update(info)
    if child is None:
        result.update(status="error", error=problem, seconds=round(time.time() - lab["start"], 1))
        return result
    executed = nbformat.from_dict(child["notebook"])
    outcome = {int(i): (s, m, set(p)) for i, (s, m, p) in child["outcome"].items()}
    result["restarts"] = child["restarts"]
    reference = refs.get(result["lab"], lab["lab_path"], tests) if tests else None
    values = hidden_values(child, tests, refs.nonce) if tests else {}
    if reference and "error" in reference:
        result["flags"].append(reference["error"])
    result["graded_by"] = "hidden" if tests else "checks"
    if not tests:
        result["flags"].append(f"no hidden tests for {result['lab']} (grading/hidden/{result['lab']}.json): scored by the in-notebook checks")

    index = {check_id(c, lab["ref_checks"]): i for i, c in enumerate(executed.cells) if check_id(c, lab["ref_checks"]) in lab["ref_checks"]}
    ex_cells = {exercise_id(c): i for i, c in enumerate(executed.cells) if exercise_id(c)}
    for eid, ref in lab["ref_checks"].items():
        check = check_feedback(eid, outcome, index[eid], ex_cells.get(eid), args)
        entry = {"id": eid, "max_points": ref["points"], "flags": lab["flags"][eid], "check": check}
        ex_tests = (tests or {}).get(eid)
        if ex_tests is None:
            entry.update(graded_by="checks", passed=check["passed"], status=check["status"], message=check["message"])
            if tests:
                entry["flags"].append("this exercise has no hidden tests: scored by its check")
        else:
            cases = []
            for k, case in enumerate(ex_tests["cases"]):
                ok, got = values.get((eid, k), (False, "not run"))
                want = (reference or {}).get("values", {}).get((eid, k), (False, "no reference value"))
                if not want[0]:
                    cases.append({"name": case["name"], "passed": False, "message": f"the reference lab fails this case ({want[1]}); tell the instructor"})
                elif not ok:
                    cases.append({"name": case["name"], "passed": False, "message": got})
                elif hidden_tests.same(got, want[1], case.get("tol", hidden_tests.DEFAULT_TOL)):
                    cases.append({"name": case["name"], "passed": True, "message": None})
                else:
                    cases.append({"name": case["name"], "passed": False, "message": f"returned {hidden_tests.short(got)}, expected {hidden_tests.short(want[1])}"})
            n = sum(c["passed"] for c in cases)
            entry["graded_by"] = "hidden"
            entry["hidden"] = {"passed": n, "total": len(cases), "cases": cases}
            bad = sorted({name for c in student_cells(lab["original"], lab["ref_nb"], eid)
                          for name in hidden_tests.forbidden_names(c.source, ex_tests.get("forbid", []))})
            first = next((c for c in cases if not c["passed"]), None)
            if bad:
                entry["flags"].append(f"the solution calls {', '.join(bad)}, which this exercise forbids: 0 points")
                entry.update(passed=False, status="forbidden", message=f"calls {', '.join(bad)}, which this exercise forbids")
            elif first is None:
                entry.update(passed=True, status="passed", message=None)
            else:
                stub = contract.STUB_MESSAGE.format(exercise=eid)
                status = "timeout" if "did not finish" in (first["message"] or "") else "kernel died" if "killed the kernel" in (first["message"] or "") else "failed"
                message = f'{len(cases) - n} of {len(cases)} hidden cases failed; "{first["name"]}": {first["message"]}'
                if stub in (check["message"] or "") and stub not in message:
                    message += f" ({stub})"
                entry.update(passed=False, status=status, message=message)
        entry["points"] = ref["points"] if entry["passed"] else 0
        result["exercises"].append({k: entry[k] for k in ("id", "passed", "status", "points", "max_points", "message", "flags", "graded_by", "check", "hidden") if k in entry})
    result["score"] = sum(e["points"] for e in result["exercises"])
    result["max_score"] = sum(e["max_points"] for e in result["exercises"])
    result["seconds"] = round(time.time() - lab["start"], 1)
    if args.out and out_name:
        executed.cells = [c for c in executed.cells if "hidden" not in course(c)]  # the hidden calls stay secret
        out = os.path.join(args.out, out_name)
        write_atomic(out, nbformat.writes(executed) + "\n")
        result["graded_copy"] = os.path.relpath(out, os.getcwd())
    return result


def check_feedback(eid, outcome, i, ex, args):
    """What the in-notebook check said: the student's feedback, not the mark (unless the lab has no hidden tests)."""
    status, message, passes = outcome.get(i, ("not run", "not graded: the check cell was not reached", set()))
    ok = status == "ok" and eid in passes
    if status == "ok" and not ok:
        status, message = "error", f'the check ran but did not print "✔ {eid}: passed"'
    if status == "timeout":
        message = f"the check did not finish within {args.timeout} s (an endless loop?); the kernel was restarted"
    elif status == "kernel died":
        message = "the kernel died during the check (process.exit or a crash); the kernel was restarted"
    if not ok and ex is not None and ex in outcome and outcome[ex][0] != "ok" and "not implemented" not in (message or ""):
        message = f"{message} — the exercise cell itself failed: {outcome[ex][1]}"
    return {"passed": ok, "status": "passed" if ok else ("failed" if status == "error" else status), "message": None if ok else message}


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def copy_names(paths):
    """A distinct graded-copy name for each submission: its path relative to the working folder with
    "/" written "__" (alice/01-perceptron.ipynb → alice__01-perceptron.ipynb), and, where two
    submissions would get the same name, a hash of the full path added to each."""
    names = {}
    for p in paths:
        rel = os.path.relpath(os.path.abspath(p), os.getcwd())
        if rel.startswith(".."):
            rel = os.path.abspath(p).lstrip(os.sep)
        name = re.sub(r"[^\w.+-]", "_", rel.replace(os.sep, "__")).lstrip(".") or "submission"
        names[p] = name if name.endswith(".ipynb") else name + ".ipynb"
    seen = {}
    for p, n in names.items():
        seen.setdefault(n, []).append(p)
    for n, ps in seen.items():
        if len(set(os.path.abspath(p) for p in ps)) > 1 or n.endswith(".result.json"):
            for p in ps:
                stem = n[:-6] if n.endswith(".ipynb") else n
                names[p] = f"{stem}-{hashlib.sha256(os.path.abspath(p).encode()).hexdigest()[:8]}.ipynb"
    return names


def report(r):
    lines = []
    head = f"{r['submission']}"
    if r["status"] != "graded":
        return f"{head}: NOT GRADED ({r['status']}): {r['error']}\n"
    lines.append(f"{head} — lab {r['lab']} — {r['score']}/{r['max_score']} points ({r.get('seconds', 0):.0f} s, "
                 f"graded by {r.get('graded_by')}, sandbox {r.get('sandbox')}"
                 + (f", {r['restarts']} kernel restart(s)" if r["restarts"] else "") + ")")
    width = max((len(e["id"]) for e in r["exercises"]), default=0)
    for e in r["exercises"]:
        mark = "✔" if e["passed"] else "✘"
        line = f"  {mark} {e['id'].ljust(width)}  {e['points']}/{e['max_points']}"
        if not e["passed"]:
            line += f"  {e['status']}: {first_line(e['message'], 240)}"
        lines.append(line)
        if e.get("graded_by") == "hidden" and e["check"]["passed"] != e["passed"]:
            lines.append(f"      (in-notebook check: {e['check']['status']})")
        for flag in e["flags"]:
            lines.append(f"      ! {flag}")
    for flag in r["flags"]:
        lines.append(f"  ! {flag}")
    if r.get("model"):  # lab 08 (scripts/model_marks.py)
        lines.append(model_marks.describe(r["model"]))
    return "\n".join(lines) + "\n"


def usage_error(ap, message):
    print(f"grade: {message}", file=sys.stderr)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("submissions", nargs="*", help="submitted .ipynb files")
    ap.add_argument("--json", action="store_true", help="print one JSON document (results of every submission) on stdout")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("GRADE_CELL_TIMEOUT", 120)), help="per-cell timeout in seconds (default 120)")
    ap.add_argument("--hidden-timeout", type=int, default=30, help="timeout of one hidden call in seconds (default 30)")
    ap.add_argument("--startup-timeout", type=int, default=120)
    ap.add_argument("--submission-timeout", type=int, default=3600, help="hard limit for one submission, seconds")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("GRADE_JOBS", os.cpu_count() or 1)), help="submissions graded at a time (default: the number of cores)")
    ap.add_argument("--labs", default=LABS, help="folder of the reference labs (default notebooks/)")
    ap.add_argument("--hidden", default=hidden_tests.HIDDEN, help="folder of the hidden tests (default grading/hidden/)")
    ap.add_argument("--dist", default=None, help="library the submissions run against (default build/student/dist if `npm run student` made it, else dist/)")
    ap.add_argument("--out", default=os.path.join(REPO, "build", "grading"), help="folder for graded copies and results ('' for none)")
    ap.add_argument("--max-output", type=int, default=20000, help="characters kept per cell and stream")
    ap.add_argument("--max-display", type=int, default=8 << 20, help="bytes of display data, results and errors kept per cell")
    ap.add_argument("--max-notebook-output", type=int, default=32 << 20, help="bytes of output kept per submission")
    ap.add_argument("--max-size", type=int, default=50, help="largest submission read, in MB")
    ap.add_argument("--max-restarts", type=int, default=8, help="kernel restarts allowed per submission")
    ap.add_argument("--memory-mb", type=int, default=3072, help="memory limit of one submission's sandbox")
    ap.add_argument("--heap-mb", type=int, default=2048, help="JavaScript heap limit of the kernel")
    ap.add_argument("--max-pids", type=int, default=256, help="processes one submission may run")
    ap.add_argument("--max-file-mb", type=int, default=256, help="largest file a submission may write")
    ap.add_argument("--sandbox", default="auto", choices=("auto", "bwrap", "uid", "process-group"),
                    help="the protection each submission gets (default: the strongest available; see scripts/sandbox.py)")
    ap.add_argument("--sandboxed", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--result-fd", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.sandboxed:
        return sandboxed_main(args.result_fd)
    for name in ("timeout", "hidden_timeout", "startup_timeout", "submission_timeout", "jobs", "max_output", "max_display",
                 "max_notebook_output", "max_size", "memory_mb", "heap_mb", "max_pids", "max_file_mb"):
        if getattr(args, name) <= 0:
            usage_error(ap, f"--{name.replace('_', '-')} must be a positive number, not {getattr(args, name)}")
    if args.max_restarts < 0:
        usage_error(ap, f"--max-restarts must be 0 or more, not {args.max_restarts}")
    args.labs = os.path.abspath(args.labs)
    if not os.path.isdir(args.labs):
        usage_error(ap, f"--labs {args.labs}: no such folder (it should hold the reference labs, e.g. notebooks/)")
    args.hidden = os.path.abspath(args.hidden)
    args.dist = os.path.abspath(args.dist) if args.dist else student_dist()
    if not os.path.isfile(os.path.join(args.dist, "backend.js")):
        usage_error(ap, f"--dist {args.dist}: not a built course library (no backend.js); run npm run build or npm run student")
    if args.out and os.path.exists(args.out) and not os.path.isdir(args.out):
        usage_error(ap, f"--out {args.out} is an existing file; give a folder for the graded copies and results")
    if not args.submissions:
        ap.print_usage(sys.stderr)
        usage_error(ap, "give one or more submitted .ipynb files")
    if not kernel_ready("grade"):
        return 2
    from sandbox import kind, remove_stale
    remove_stale()
    try:
        chosen = kind(args.sandbox)
    except ValueError as e:
        usage_error(ap, f"--sandbox: {e}")
    info = sys.stderr if args.json else sys.stdout
    mode = contract.mode(os.environ)
    print(f"Grading {len(args.submissions)} submission(s) in {mode} mode, {args.jobs} at a time, cell timeout {args.timeout} s, "
          f"sandbox {chosen}, library {os.path.relpath(args.dist, REPO)}", file=info, flush=True)
    start = time.time()
    names = copy_names(args.submissions)
    slots, done, lock = Slots(args.jobs), {}, threading.Lock()
    refs = References(args, slots, secrets.token_hex(8))

    def save(path, r):
        with lock:
            done[path] = r
            write_atomic(os.path.join(args.out, names[path][:-len(".ipynb")] + ".result.json"), json.dumps(r, indent=1, ensure_ascii=False) + "\n")
            write_atomic(os.path.join(args.out, "results.json"), json.dumps(
                {"mode": mode, "complete": len(done) == len(args.submissions),
                 "results": [done[p] for p in args.submissions if p in done]}, indent=1, ensure_ascii=False) + "\n")

    def one(path):
        try:
            r = grade_one(path, args, slots, refs, names[path])
        except Exception as e:  # a grader bug must cost this submission only, and say what happened
            r = {"submission": path, "status": "error", "lab": None, "score": 0, "max_score": 0, "exercises": [],
                 "flags": [], "restarts": 0, "error": f"the grader failed: {type(e).__name__}: {first_line(str(e))}"}
        if args.out:
            save(path, r)
        return r

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, args.submissions))
    model_marks.add_model_scores(results, REPO, info)  # lab 08: the handed-in model (scripts/model_marks.py)
    if args.out:
        for path, r in zip(args.submissions, results):
            if "model" in r:
                save(path, r)
    if args.json:
        print(json.dumps({"mode": mode, "results": results}, indent=1, ensure_ascii=False))
    else:
        print()
        for r in results:
            print(report(r))
    graded = [r for r in results if r["status"] == "graded"]
    print(f"graded {len(graded)} of {len(results)} submission(s) in {time.time() - start:.0f} s", file=info)
    return 0 if len(graded) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
