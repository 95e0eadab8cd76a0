#!/usr/bin/env python3
"""Executes notebooks headlessly through Jupyter's own executor (nbclient).

    npm run notebooks -- [paths...] [--timeout S] [--jobs N] [--out DIR]

With no paths, every notebook in notebooks/ runs. Each notebook runs in a
child process of its own, in a fresh kernel, with a per-cell timeout. The
executed copy goes to build/notebooks/ (never back into notebooks/). A summary
table is printed and written to build/notebooks/summary.json; the exit status
is non-zero if any notebook failed.

A failure names the notebook, the cell (its index and first line) and the
error. Errors are read from the cell's `error` output (ename/evalue), which the
course kernel sends; the cell's stderr text is the fallback.
"""
import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import contract
from nbexec import REPO, cell_error_message, end_kernels, find_backend, first_line, kernel_pid, kernel_ready, make_client, read_notebook_file, run_json_child

COURSE_KERNEL = "tslab"


def execute_one(path, out_dir, timeout, startup_timeout):
    """Runs one notebook (in this process) and returns a result dict."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    result = {"notebook": os.path.relpath(path, REPO), "status": "ok", "cell": None, "error": None}
    nb, reason = read_notebook_file(path)
    if nb is None:
        return dict(result, status="invalid", error=reason, seconds=0)
    spec = nb.metadata.get("kernelspec") or {}
    name = spec.get("name", COURSE_KERNEL) if isinstance(spec, dict) else spec
    if name != COURSE_KERNEL:
        return dict(result, status="invalid", error=f"the notebook's kernel is {name!r}, not the course's {COURSE_KERNEL!r}: open it in the course (TypeScript) kernel and save it again", seconds=0)
    client = make_client(nb, os.path.dirname(os.path.abspath(path)), timeout, startup_timeout)
    start = time.time()
    index = None
    try:
        with client.setup_kernel():
            result["kernel_pid"] = kernel_pid(client)
            # For the parent: if this process hits the hard limit, it ends the kernel.
            print(f"kernel pid {result['kernel_pid']}", file=sys.stderr, flush=True)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    result.update(status="timeout", error=f"cell did not finish within {timeout} s")
                    raise
                except DeadKernelError as e:
                    result.update(status="kernel died", error=first_line(str(e)) or "the kernel process exited")
                    raise
                except CellExecutionError as e:
                    result.update(status="error", error=cell_error_message(cell, e))
                    raise
    except (CellExecutionError, CellTimeoutError, DeadKernelError):
        pass
    except RuntimeError as e:  # nbclient reports a dead kernel during execution this way too
        result.update(status="kernel died" if "dead" in str(e).lower() or "died" in str(e).lower() else "error", error=first_line(str(e)))
    except Exception as e:  # kernel could not start, etc.
        result.update(status="error", error=f"{type(e).__name__}: {first_line(str(e))}")
    result["seconds"] = round(time.time() - start, 1)
    if result["status"] != "ok" and index is not None:
        src = nb.cells[index].source
        result["cell"] = index
        result["cell_source"] = first_line(src, 80)
    result["backend"] = find_backend(nb)
    os.makedirs(out_dir, exist_ok=True)
    nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
    return result


def run_child(path, args):
    """Executes one notebook in a child process; a hard limit guards against a wedged executor."""
    cmd = [sys.executable, os.path.abspath(__file__), "--one", path, "--timeout", str(args.timeout),
           "--out", args.out, "--startup-timeout", str(args.startup_timeout)]
    killed = []
    result, problem = run_json_child(cmd, args.notebook_timeout, on_timeout=lambda log: killed.extend(end_kernels(log)))
    if result is not None:
        return result
    if problem == "timeout":
        return {"notebook": os.path.relpath(path, REPO), "status": "timeout", "cell": None, "seconds": args.notebook_timeout,
                "error": f"notebook did not finish within {args.notebook_timeout} s", "kernel_pid": killed[0] if killed else None}
    return {"notebook": os.path.relpath(path, REPO), "status": "error", "cell": None, "seconds": 0,
            "error": f"runner crashed: {problem}"}


def print_table(results):
    rows = [("notebook", "status", "seconds", "cell", "error")]
    for r in results:
        cell = "" if r.get("cell") is None else str(r["cell"])
        rows.append((r["notebook"], r["status"], f'{r.get("seconds", 0):.1f}', cell, r.get("error") or ""))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for k, row in enumerate(rows):
        print("  ".join(row[i].ljust(widths[i]) for i in range(4)) + "  " + row[4])
        if k == 0:
            print("  ".join("-" * w for w in widths) + "  -----")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("NOTEBOOK_CELL_TIMEOUT", 600)), help="per-cell timeout in seconds")
    ap.add_argument("--startup-timeout", type=int, default=120)
    ap.add_argument("--notebook-timeout", type=int, default=3600, help="hard limit for one notebook")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("NOTEBOOK_JOBS", 1)))
    ap.add_argument("--out", default=os.path.join(REPO, "build", "notebooks"))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.one:
        print(json.dumps(execute_one(args.one, args.out, args.timeout, args.startup_timeout)))
        return 0

    paths = args.paths or sorted(
        os.path.join(REPO, "notebooks", f) for f in os.listdir(os.path.join(REPO, "notebooks")) if f.endswith(".ipynb"))
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        print(f"run-notebooks: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    if not kernel_ready("run-notebooks"):
        return 2
    mode = contract.mode(os.environ)
    print(f"Running {len(paths)} notebook(s) in {mode} mode, {args.jobs} at a time, cell timeout {args.timeout} s; executed copies in {os.path.relpath(args.out, REPO)}/", flush=True)
    start = time.time()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = []
        for r in pool.map(lambda p: run_child(p, args), paths):
            print(f"  {r['status']:<11} {r['notebook']} ({r.get('seconds', 0):.1f} s)", flush=True)
            results.append(r)
    print()
    print_table(results)
    failed = [r for r in results if r["status"] != "ok"]
    total = time.time() - start
    print(f"\nnotebooks: {len(results) - len(failed)} passed, {len(failed)} failed")
    print(f"({total:.0f} s in {mode} mode)")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({"mode": mode, "seconds": round(total, 1), "results": results}, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
