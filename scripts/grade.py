#!/usr/bin/env python3
"""Grades submitted labs: `npm run grade -- <submission.ipynb>... [--json]`.

Each submission is executed headlessly, cell by cell, in a fresh kernel (in a
child process of its own, like the notebook runner), and every exercise is
reported as passed or failed with its check's message, its points and a total.
The scoring rules are nbgrader's: an exercise scores its points when its check
cell runs without an error (and prints "✔ <exercise>: passed"); an unchanged
stub throws "not implemented", so it scores 0.

What is executed
- The submission's own cells, except the check cells: every check is taken from
  the source lab (notebooks/<lab>.ipynb, found from the notebook metadata that
  `npm run student` writes, or else from the exercise ids). A check cell that
  was edited is replaced, one that was deleted is put back after its exercise
  cell, and either is reported as a flag. Points always come from the source
  lab. Each check cell first re-imports the check functions it calls, so an
  earlier cell cannot replace a check by declaring a function of its name.
- Cells after the last check cell are not run: they cannot change a score.
- The kernel starts in the labs folder (notebooks/), so `../dist/...` imports
  resolve wherever the submission file lives.

When a cell fails
- An error: recorded, and execution goes on with the next cell (later cells
  that need what the failing cell defines fail in turn, with their own error).
- A timeout (the cell ran longer than --timeout) or a dead kernel (e.g.
  process.exit): the kernel is shut down and a new one started; every non-check
  cell that had already run without an error is replayed in it, so that later
  exercises find the state they expect, and grading goes on after the cell
  that failed. A cell that fails during a replay is dropped from the replay.
  After --max-restarts restarts the remaining exercises are reported as not
  graded.
- Output beyond --max-output characters per cell and stream is cut (the head
  and the tail are kept), so a submission that prints a lot cannot exhaust
  memory or bloat the graded copy.

Results: a table per submission (or, with --json, one JSON document on stdout
for a learning platform), build/grading/results.json, and the executed copy of
each submission in build/grading/. Exit status: 0 if every submission was
graded (whatever its score), 1 if some could not be (not a notebook, unknown
lab, grader failure), 2 for a usage error.
"""
import argparse
import copy
import hashlib
import json
import os
import re
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import model_marks
from nbexec import REPO, cell_error_message, end_kernels, first_line, kernel_pid, kernel_ready, make_client, run_json_child

LABS = os.path.join(REPO, "notebooks")
PASS_LINE = re.compile(r"^✔ (\S+): passed\b")


def checksum(source):
    """sha256 of a check cell's source; scripts/student.ts computes the same."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def course(cell):
    return cell.get("metadata", {}).get("course", {}) or {}


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

EXERCISE_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"(\.\./dist/exercises/[^"]+)";?', re.M)


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

def capped_client_class(limit):
    """A NotebookClient that keeps at most `limit` characters per cell and stream (head and tail),
    and remembers every "✔ <exercise>: passed" line it saw, even in output it cut."""
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        def reset_cell_state(self):
            self.seen, self.cut, self.tail, self.partial, self.passes = {}, {}, {}, {}, set()

        def output(self, outs, msg, display_id, cell_index):
            if msg["msg_type"] != "stream":
                return super().output(outs, msg, display_id, cell_index)
            name, text = msg["content"].get("name", "stdout"), msg["content"].get("text", "")
            lines = (self.partial.get(name, "") + text).split("\n")
            self.partial[name] = lines.pop()[-1000:]
            self.passes.update(m.group(1) for m in map(PASS_LINE.match, lines) if m)
            used = self.seen.get(name, 0)
            self.seen[name] = used + len(text)
            if used + len(text) <= limit:
                return super().output(outs, msg, display_id, cell_index)
            self.tail[name] = (self.tail.get(name, "") + text)[-limit // 4:]
            self.cut[name] = self.cut.get(name, 0) + len(text)
            if used < limit:
                head = dict(msg, content=dict(msg["content"], text=text[: limit - used]))
                self.tail[name] = text[limit - used:][-limit // 4:]
                self.cut[name] = len(text) - (limit - used)
                return super().output(outs, head, display_id, cell_index)
            return None

        def finish_cell(self, cell):
            """Merges runs of stream output, and adds the tail of any cut stream with a note saying how much was cut."""
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
            for name, rest in self.partial.items():
                m = PASS_LINE.match(rest)
                if m:
                    self.passes.add(m.group(1))

    return CappedClient


def run_cell(client, cell, index):
    """Executes one cell; returns (status, message, passes) with status ok | error | timeout | kernel died."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    client.reset_cell_state()
    cell.outputs = []
    status, message = "ok", None
    try:
        client.execute_cell(cell, index)
    except CellTimeoutError:
        status, message = "timeout", f"the cell did not finish within {client.timeout} s"
    except DeadKernelError:
        status, message = "kernel died", "the kernel died (the code exited the process or crashed it)"
    except CellExecutionError as e:
        status, message = "error", cell_error_message(cell, e)
    except RuntimeError as e:  # nbclient reports a dead kernel during execution this way too
        dead = "dead" in str(e).lower() or "died" in str(e).lower()
        status, message = ("kernel died", "the kernel died") if dead else ("error", first_line(str(e)))
    client.finish_cell(cell)
    return status, message, set(client.passes)


def execute(nb, cwd, args, log):
    """Runs the code cells up to the last check cell, restarting the kernel after a timeout or death.
    Returns ({cell index: (status, message, passes)}, restarts, kernel pids)."""
    client = make_client(nb, cwd, args.timeout, args.startup_timeout, client_class=capped_client_class(args.max_output),
                         shutdown_kernel="immediate")
    checks = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "check" in course(c)]
    order = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and checks and i <= checks[-1]]
    outcome, replay, pids = {}, [], []
    pos, restarts = 0, 0
    while pos < len(order):
        if restarts > args.max_restarts:
            for i in order[pos:]:
                outcome[i] = ("not run", f"not graded: the kernel was restarted {args.max_restarts} times already", set())
            break
        interrupted = False
        try:
            with client.setup_kernel():
                pids.append(kernel_pid(client))
                log(f"kernel pid {pids[-1]}")
                if restarts:
                    log(f"  kernel restarted ({restarts}); replaying {len(replay)} cell(s)")
                for i in list(replay) if restarts else []:
                    status, _, _ = run_cell(client, copy.deepcopy(nb.cells[i]), i)
                    if status != "ok":
                        replay.remove(i)
                        if status in ("timeout", "kernel died"):
                            interrupted = True
                            break
                while not interrupted and pos < len(order):
                    i = order[pos]
                    pos += 1
                    result = run_cell(client, nb.cells[i], i)
                    outcome[i] = result
                    if result[0] == "ok" and i not in checks:
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
    return outcome, restarts, pids


# ------------------------------------------------------------ grading ---

def grade_one(path, args, log=lambda s: None):
    """Grades one submission in this process; returns its result dict."""
    import nbformat
    start = time.time()
    result = {"submission": path, "status": "graded", "lab": None, "score": 0, "max_score": 0,
              "exercises": [], "flags": [], "restarts": 0, "error": None}

    def fail(status, error):
        result.update(status=status, error=error, seconds=round(time.time() - start, 1))
        return result

    try:
        with open(path, encoding="utf-8") as f:
            raw = f.read()
    except OSError as e:
        return fail("invalid", f"cannot read the file: {e.strerror or e}")
    try:
        sub = nbformat.reads(raw, as_version=4)
    except Exception as e:
        return fail("invalid", f"not a readable notebook (.ipynb JSON): {first_line(str(e), 200)}")
    if not isinstance(sub.get("cells"), list) or any(not isinstance(c, dict) or "cell_type" not in c for c in sub.cells):
        return fail("invalid", "not a notebook: it has no list of cells")
    for c in sub.cells:  # a hand-edited file may lack these; nbclient needs them
        c.setdefault("metadata", nbformat.NotebookNode())
        if isinstance(c.get("source"), list):
            c["source"] = "".join(c["source"])
        c.setdefault("source", "")
        if c.cell_type == "code":
            c.setdefault("outputs", [])

    lab, lab_path, note = find_lab(sub, path, args.labs)
    if lab is None:
        return fail("unknown lab", f"cannot tell which lab this is: no course metadata and no exercise of any lab in {os.path.relpath(args.labs, REPO)}/")
    result["lab"] = lab
    if note:
        result["flags"].append(note)
    ref_nb, ref_checks = read_lab(lab_path)
    cells, flags, nb_flags = restore_checks(sub, ref_checks)
    result["flags"] += nb_flags
    sub.cells = cells
    sub.metadata["kernelspec"] = ref_nb.metadata.get("kernelspec", {"name": "tslab"})

    outcome, restarts, pids = execute(sub, args.labs, args, log)
    result.update(restarts=restarts, kernel_pids=[p for p in pids if p])

    index = {check_id(c, ref_checks): i for i, c in enumerate(sub.cells) if check_id(c, ref_checks) in ref_checks}
    ex_cells = {exercise_id(c): i for i, c in enumerate(sub.cells) if exercise_id(c)}
    for eid, ref in ref_checks.items():
        i = index[eid]
        status, message, passes = outcome.get(i, ("not run", "not graded: the check cell was not reached", set()))
        ok = status == "ok" and eid in passes
        if status == "ok" and not ok:
            status, message = "error", f'the check ran but did not print "✔ {eid}: passed"'
        if status == "timeout":
            message = f"the check did not finish within {args.timeout} s (an endless loop?); the kernel was restarted"
        elif status == "kernel died":
            message = "the kernel died during the check (process.exit or a crash); the kernel was restarted"
        ex = ex_cells.get(eid)
        if not ok and ex is not None and ex in outcome and outcome[ex][0] != "ok" and "not implemented" not in (message or ""):
            message = f"{message} — the exercise cell itself failed: {outcome[ex][1]}"
        result["exercises"].append({
            "id": eid, "passed": ok, "status": "passed" if ok else ("failed" if status == "error" else status),
            "points": ref["points"] if ok else 0, "max_points": ref["points"], "message": None if ok else message,
            "flags": flags[eid],
        })
    result["score"] = sum(e["points"] for e in result["exercises"])
    result["max_score"] = sum(e["max_points"] for e in result["exercises"])
    result["seconds"] = round(time.time() - start, 1)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        # alice/01-perceptron.ipynb → alice__01-perceptron.ipynb, so that submissions of one lab do not collide
        rel = os.path.relpath(os.path.abspath(path), os.getcwd()).replace("..", "").strip(os.sep)
        out = os.path.join(args.out, rel.replace(os.sep, "__"))
        if os.path.abspath(out) != os.path.abspath(path):
            nbformat.write(sub, out)
            result["graded_copy"] = os.path.relpath(out, os.getcwd())
    return result


def grade_in_child(path, args):
    cmd = [sys.executable, os.path.abspath(__file__), "--one", path, "--timeout", str(args.timeout),
           "--startup-timeout", str(args.startup_timeout), "--labs", args.labs, "--out", args.out or "",
           "--max-output", str(args.max_output), "--max-restarts", str(args.max_restarts)]
    killed = []
    result, problem = run_json_child(cmd, args.submission_timeout, on_timeout=lambda log: killed.extend(end_kernels(log)))
    if result is not None:
        return result
    error = (f"grading did not finish within {args.submission_timeout} s (--submission-timeout)" if problem == "timeout"
             else f"the grader crashed: {problem}")
    return {"submission": path, "status": "error", "lab": None, "score": 0, "max_score": 0, "exercises": [],
            "flags": [], "restarts": 0, "error": error, "kernel_pids": killed}


def report(r):
    lines = []
    head = f"{r['submission']}"
    if r["status"] != "graded":
        return f"{head}: NOT GRADED ({r['status']}): {r['error']}\n"
    lines.append(f"{head} — lab {r['lab']} — {r['score']}/{r['max_score']} points ({r.get('seconds', 0):.0f} s"
                 + (f", {r['restarts']} kernel restart(s)" if r["restarts"] else "") + ")")
    width = max((len(e["id"]) for e in r["exercises"]), default=0)
    for e in r["exercises"]:
        mark = "✔" if e["passed"] else "✘"
        line = f"  {mark} {e['id'].ljust(width)}  {e['points']}/{e['max_points']}"
        if not e["passed"]:
            line += f"  {e['status']}: {first_line(e['message'], 240)}"
        lines.append(line)
        for flag in e["flags"]:
            lines.append(f"      ! {flag}")
    for flag in r["flags"]:
        lines.append(f"  ! {flag}")
    if r.get("model"):  # lab 08 (scripts/model_marks.py)
        lines.append(model_marks.describe(r["model"]))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("submissions", nargs="*", help="submitted .ipynb files")
    ap.add_argument("--json", action="store_true", help="print one JSON document (results of every submission) on stdout")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("GRADE_CELL_TIMEOUT", 120)), help="per-cell timeout in seconds (default 120)")
    ap.add_argument("--startup-timeout", type=int, default=120)
    ap.add_argument("--submission-timeout", type=int, default=3600, help="hard limit for one submission")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("GRADE_JOBS", 1)), help="submissions graded at a time")
    ap.add_argument("--labs", default=LABS, help="folder of the reference labs (default notebooks/)")
    ap.add_argument("--out", default=os.path.join(REPO, "build", "grading"), help="folder for graded copies and results.json ('' for none)")
    ap.add_argument("--max-output", type=int, default=20000, help="characters kept per cell and stream")
    ap.add_argument("--max-restarts", type=int, default=8, help="kernel restarts allowed per submission")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.labs = os.path.abspath(args.labs)

    if args.one:
        print(json.dumps(grade_one(args.one, args, log=lambda s: print(s, file=sys.stderr, flush=True))))
        return 0
    if not args.submissions:
        ap.print_usage(sys.stderr)
        print("grade: give one or more submitted .ipynb files", file=sys.stderr)
        return 2
    if not kernel_ready("grade"):
        return 2
    info = sys.stderr if args.json else sys.stdout
    mode = "fast" if os.environ.get("LABS_FAST", "") not in ("", "0", "false") else "full"
    print(f"Grading {len(args.submissions)} submission(s) in {mode} mode, {args.jobs} at a time, cell timeout {args.timeout} s",
          file=info, flush=True)
    start = time.time()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda p: grade_in_child(p, args), args.submissions))
    model_marks.add_model_scores(results, REPO, info)  # lab 08: the handed-in model (scripts/model_marks.py)
    if args.json:
        print(json.dumps({"mode": mode, "results": results}, indent=1, ensure_ascii=False))
    else:
        print()
        for r in results:
            print(report(r))
    graded = [r for r in results if r["status"] == "graded"]
    print(f"graded {len(graded)} of {len(results)} submission(s) in {time.time() - start:.0f} s", file=info)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "results.json"), "w") as f:
            json.dump({"mode": mode, "results": results}, f, indent=1, ensure_ascii=False)
    return 0 if len(graded) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
