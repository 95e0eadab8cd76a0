#!/usr/bin/env python3
"""Grading throughput: `npm run bench:grade -- [--labs 01-perceptron,02-xor-mlp,03-backprop] [--per-lab 20] [--jobs N]`.

Makes `--per-lab` submissions of each lab, the kinds in turn (solved;
partial: the first half of the exercises solved; empty: the untouched student
copy), for three labs (60 submissions by default), grades them in one run of the grader (`npm run grade`), and
prints submissions per minute, the peak memory of the whole run (the summed
resident memory of the grader and every process under it, sampled every
0.5 s), the largest per-submission peak (from its sandbox's cgroup), and
whether every submission got the grade its kind implies (solved 100%,
empty 0%, partial strictly between).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def descendants_rss(root):
    """Resident memory (bytes) of `root` and every process under it."""
    children, rss = {}, {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{p}/statm") as f:
                rss[int(p)] = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(p))
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def make_submissions(labs, per_lab, out):
    student = os.path.join(out, "student")
    subprocess.run(["npx", "tsx", os.path.join(REPO, "scripts", "student.ts"), student,
                    *[os.path.join(REPO, "notebooks", f"{lab}.ipynb") for lab in labs]], check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    files, kinds = [], {}
    for lab in labs:
        ref = json.load(open(os.path.join(REPO, "notebooks", f"{lab}.ipynb"), encoding="utf-8"))
        copy = json.load(open(os.path.join(student, "notebooks", f"{lab}.ipynb"), encoding="utf-8"))  # the release layout of npm run student
        solution = {c["id"]: c["source"] for c in ref["cells"] if (c.get("metadata", {}).get("course") or {}).get("exercise")}
        ids = [c["id"] for c in copy["cells"] if c["id"] in solution]
        variants = {"solved": ids, "partial": ids[: max(1, len(ids) // 2)], "empty": []}
        for k in range(per_lab):
            kind = list(variants)[k % 3]
            nb = json.loads(json.dumps(copy))
            for c in nb["cells"]:
                if c["id"] in variants[kind]:
                    c["source"] = solution[c["id"]]
            d = os.path.join(out, "class", f"student{k:03d}")
            os.makedirs(d, exist_ok=True)
            path = os.path.join(d, f"{lab}.ipynb")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(nb, f, indent=1, ensure_ascii=False)
            files.append(path)
            kinds[path] = kind
    return files, kinds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labs", default="01-perceptron,02-xor-mlp,03-backprop")
    ap.add_argument("--per-lab", type=int, default=20, help="submissions of each lab (solved, partial and empty in turn)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", action="store_true", help="keep the submissions and results (printed folder)")
    args = ap.parse_args()
    labs = [x for x in args.labs.split(",") if x]
    out = tempfile.mkdtemp(prefix="bench-grade-")
    try:
        files, kinds = make_submissions(labs, args.per_lab, out)
        env = dict(os.environ, LABS_FAST=os.environ.get("LABS_FAST", "1"))
        cmd = ["bash", os.path.join(REPO, "scripts", "launch.sh"), "grade", *files, "--json", "--jobs", str(args.jobs), "--out", os.path.join(out, "graded")]
        print(f"grading {len(files)} submissions ({', '.join(labs)}; {args.per_lab} each, solved/partial/empty in turn) with --jobs {args.jobs}, "
              f"{'fast' if env['LABS_FAST'] not in ('', '0') else 'full'} mode", flush=True)
        start = time.time()
        stdout = tempfile.TemporaryFile("w+")
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, env=env, cwd=out)
        peak = [0]

        def sample():
            while proc.poll() is None:
                peak[0] = max(peak[0], descendants_rss(proc.pid))
                time.sleep(0.5)

        t = threading.Thread(target=sample, daemon=True)
        t.start()
        proc.wait()
        seconds = time.time() - start
        t.join()
        stdout.seek(0)
        results = json.loads(stdout.read())["results"]
        wrong = []
        for r in results:
            k = kinds[r["submission"]]
            ok = r["status"] == "graded" and (r["score"] == r["max_score"] if k == "solved" else r["score"] == 0 if k == "empty" else 0 < r["score"] < r["max_score"])
            if not ok:
                wrong.append(f"{os.path.relpath(r['submission'], out)} ({k}): {r['status']} {r['score']}/{r['max_score']} {r.get('error') or ''}")
        per_sub = [r.get("peak_memory_mb") or 0 for r in results]
        sandboxes = sorted({r.get("sandbox") or "-" for r in results})
        print(f"{len(results)} submissions in {seconds:.0f} s: {len(results) / seconds * 60:.1f} submissions/minute with {args.jobs} job(s)")
        print(f"peak memory of the run: {peak[0] / 2**20:.0f} MB; largest one-submission peak (cgroup): {max(per_sub)} MB; sandbox: {', '.join(sandboxes)}")
        print(f"grades as expected: {len(results) - len(wrong)} of {len(results)}")
        for w in wrong:
            print(f"  unexpected: {w}")
        if args.keep:
            print(f"kept in {out}")
        return 1 if wrong else 0
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
