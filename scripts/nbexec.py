"""Headless notebook execution shared by the runner (run_notebooks.py) and the
grader (grade.py): a Jupyter client for one notebook, the error a failed cell
reports, and a child process with a hard time limit whose last stdout line is
its JSON result.

Every notebook executes in a fresh kernel whose working directory is given
explicitly, so that `import ... from "../dist/..."` resolves against the
library whatever folder the notebook file itself lives in.
"""
import json
import os
import re
import signal
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def first_line(text, limit=300):
    text = (text or "").strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def cell_error_message(cell, exc=None):
    """The most specific message a failed cell offers.

    Errors are read from the cell's `error` output (ename/evalue), which the
    course kernel (kernel/main.js) sends; a cell's stderr text is the fallback
    for a kernel that sends none.
    """
    outputs = cell.get("outputs", [])
    for out in outputs:
        if out.get("output_type") == "error":
            ename, evalue = out.get("ename", ""), out.get("evalue", "")
            if ename or evalue:
                return f"{ename}: {evalue}".strip(": ")
    stderr = "".join(
        "".join(o.get("text", "")) for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ).strip()
    if stderr:
        # tslab prints the source line, a caret, then "SomeError: message" and a
        # stack; a type error is "line:col - message". Prefer the error line.
        lines = [l.strip() for l in stderr.splitlines() if l.strip() and not l.strip().startswith("at ")]
        named = [l for l in lines if re.match(r"^[A-Za-z_.]*(Error|Exception)\b.*:", l)]
        return (named[0] if named else " | ".join(lines[:3]))[:500]
    if exc is None:
        return "the cell failed without a message"
    return first_line(str(exc)) or type(exc).__name__


def kernel_ready(tool, name="tslab"):
    """Checks, before any notebook runs, that the `name` kernel can start for
    this checkout. Prints what is wrong (prefixed by `tool`) and returns False
    if it cannot: never registered, or registered from another checkout that
    has since gone (which otherwise shows up only as "Kernel died before
    replying to kernel_info"). A kernel registered from another checkout that
    still exists works, so that only earns a note."""
    import sys
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        print(f"{tool}: jupyter_client is not installed for this Python; run `bash scripts/setup.sh`", file=sys.stderr)
        return False
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        print(f"{tool}: no Jupyter kernel named '{name}' is registered; run `bash scripts/setup.sh` (or `bash scripts/install-kernel.sh`)", file=sys.stderr)
        return False
    gone = [a for a in spec.argv or [] if os.path.isabs(a) and not os.path.exists(a)]
    if gone:
        print(f"{tool}: the '{name}' kernel ({spec.resource_dir}/kernel.json) runs {gone[0]}, which does not exist "
              f"(it was registered from another checkout); run `bash scripts/install-kernel.sh` in {REPO}", file=sys.stderr)
        return False
    repo = spec.metadata.get("nn-labs", {}).get("repo")
    if repo and os.path.realpath(repo) != os.path.realpath(REPO):
        print(f"{tool}: note: the '{name}' kernel is registered from {repo}, not {REPO}; `bash scripts/install-kernel.sh` here switches it", file=sys.stderr)
    return True


def make_client(nb, cwd, timeout, startup_timeout, client_class=None, **kwargs):
    """A Jupyter client for `nb` in the kernel its metadata names (tslab by default), started in `cwd`."""
    if client_class is None:
        from nbclient import NotebookClient as client_class
    kernel_name = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    return client_class(
        nb,
        timeout=timeout,
        startup_timeout=startup_timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": cwd}},
        record_timing=True,
        **kwargs,
    )


def kernel_pid(client):
    """The kernel's process id (reported so tests can prove no kernel is left behind)."""
    provisioner = getattr(client.km, "provisioner", None)
    proc = getattr(provisioner, "process", None)
    return getattr(proc, "pid", None)


def find_backend(nb):
    """The backend named on the 'Backend: …' line that every lab's set-up cell prints."""
    import contract
    found = contract.prefixed_lines(nb, contract.BACKEND_PREFIX)
    return found[0].split(" ")[0] if found else None


def run_json_child(cmd, limit, on_timeout=None):
    """Runs `cmd` in a process group of its own; returns (result, problem).

    result is the JSON object on the child's last line that starts with "{";
    problem is None, "timeout" (the group was killed after `limit` seconds) or
    the tail of the child's stderr when it printed no result.

    Jupyter starts kernels in sessions of their own, so killing the group does
    not reach them, and a kernel inherits the child's stdout and stderr. The
    child therefore writes to files, not pipes (a live kernel holding a pipe
    would block reading it forever), and after a timeout `on_timeout(stderr)`
    gets the child's log, so a child that logs its kernels' pids lets the
    caller end them.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, start_new_session=True)
        try:
            proc.wait(timeout=limit)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            timed_out = True
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if timed_out:
        if on_timeout:
            on_timeout(stderr)
        return None, "timeout"
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line), None
    return None, first_line(stderr[-2000:]) or "no output"


def end_kernels(log):
    """Kills the kernels a child had started (it logs "kernel pid N" lines to stderr) when it hit its
    hard limit; returns their pids."""
    pids = [int(p) for p in re.findall(r"^kernel pid (\d+)$", log, re.M)]
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"kernel" not in f.read():
                    continue  # the pid now belongs to another process
        except OSError:
            pass  # no /proc here, or the process is gone
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass  # already gone
    deadline = time.time() + 10  # until init has reaped them
    while time.time() < deadline and any(os.path.exists(f"/proc/{p}") and not zombie(p) for p in pids):
        time.sleep(0.1)
    return pids


def zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def read_notebook_file(path, max_mb=None):
    """(notebook, None), or (None, a one-line reason why the file is not a notebook this course can run).

    Checked before nbformat sees the file, so that a bad upload gets a reason and not a traceback:
    size (max_mb), binary content, UTF-8, JSON, nbformat 4, and the type of every cell's fields."""
    import nbformat
    try:
        size = os.path.getsize(path)
    except OSError as e:
        return None, f"cannot read the file: {e.strerror or e}"
    if max_mb is not None and size > max_mb << 20:
        return None, f"the file is {size / 2**20:.0f} MB, more than the {max_mb} MB limit (--max-size); clear its outputs and submit again"
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return None, f"cannot read the file: {e.strerror or e}"
    if b"\0" in data[:65536]:
        return None, "a binary file, not a notebook (.ipynb JSON)"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return None, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}): not a notebook, or saved in another encoding"
    if not text.strip():
        return None, "the file is empty: not a readable notebook"
    try:
        doc = json.loads(text)
    except ValueError as e:
        return None, f"not a readable notebook (.ipynb JSON): {first_line(str(e), 200)}"
    if not isinstance(doc, dict) or "cells" not in doc and "nbformat" not in doc:
        return None, "not a notebook: JSON, but without cells or nbformat"
    if "nbformat" not in doc:
        return None, 'not a notebook: it has no "nbformat" field'
    if doc["nbformat"] != 4:
        return None, f"nbformat {doc['nbformat']!r} is not supported: this course reads nbformat 4 (save the notebook from Jupyter again)"
    cells = doc.get("cells")
    if not isinstance(cells, list):
        return None, "not a notebook: it has no list of cells"
    for i, c in enumerate(cells):
        where = f"cell {i}"
        if not isinstance(c, dict):
            return None, f"{where} is a {type(c).__name__}, not a cell object"
        if c.get("cell_type") not in ("code", "markdown", "raw"):
            return None, f"{where}: cell_type must be code, markdown or raw, not {c.get('cell_type')!r}"
        src = c.get("source", "")
        if not (isinstance(src, str) or isinstance(src, list) and all(isinstance(s, str) for s in src)):
            return None, f"{where}: source must be a string or a list of strings, not {type(src).__name__}"
        if not isinstance(c.get("metadata", {}), dict):
            return None, f"{where}: metadata must be an object, not {type(c['metadata']).__name__}"
        if c["cell_type"] == "code" and not isinstance(c.get("outputs", []), list):
            return None, f"{where}: outputs must be a list"
    if not isinstance(doc.get("metadata", {}), dict):
        return None, "the notebook's metadata must be an object"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:
        return None, f"not a readable notebook: {first_line(str(e), 200)}"
    for c in nb.cells:
        c.setdefault("metadata", nbformat.NotebookNode())
        if isinstance(c.get("source"), list):
            c["source"] = "".join(c["source"])
        c.setdefault("source", "")
        if c.cell_type == "code":
            c.setdefault("outputs", [])
    return nb, None
