"""Lab 08's model-quality marks inside `npm run grade` (the one hook in grade.py).

For every graded submission of 08-assignment, the model the student handed in
(the folder `08-assignment.model/`, or `<notebook name>.model/`, next to the
submitted notebook) is scored on the held-out test split by
`npm run marks -- score` (scripts/marks.ts, Node) in one child process, and the
result is attached to the submission's result as `model`: status ("scored",
"no model handed in" or "invalid"), F2, points and the scale. The autograded
`score` is left as it is; `npm run marks -- merge` adds the model's and the
written answers' points into `total`.
"""
import json
import os
import subprocess

LAB = "08-assignment"


def add_model_scores(results, repo, info):
    subs = [r["submission"] for r in results if r.get("lab") == LAB and r.get("status") == "graded"]
    if not subs:
        return
    print(f"Scoring the handed-in model of {len(subs)} lab 08 submission(s) on the held-out test split", file=info, flush=True)
    cmd = [os.path.join(repo, "node_modules", ".bin", "tsx"), os.path.join(repo, "scripts", "marks.ts"), "score", "--json", *subs]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
        scores = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else None
        error = None if scores is not None else (out.stderr.strip().splitlines() or ["no output"])[-1]
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as e:
        scores, error = None, str(e)
    for r in results:
        if r["submission"] in subs:
            r["model"] = scores[r["submission"]] if scores else {"status": "error", "error": f"the model scorer failed: {error}", "points": 0}


def describe(model):
    """One report line for a submission's model (the grader's text report)."""
    if model.get("status") == "scored":
        return f"  model: test F2 {model['f2']:.3f} — {model['points']}/{model['max_points']} (full points at F2 ≥ {model['scale']['full_at']:.3f}, 0 at ≤ {model['scale']['zero_at']:.3f})"
    if model.get("status") == "no model handed in":
        return f"  model: no model handed in — 0/{model.get('max_points', '?')}"
    return f"  model: not scored: {model.get('error')} — 0/{model.get('max_points', '?')}"
