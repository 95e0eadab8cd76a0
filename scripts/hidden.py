"""Hidden tests (grading/hidden/<lab>.json): the calls the grader makes in a
submission's kernel after its notebook ran, how their values come out, and how
they are compared. See docs/instructors.md for the file format.

A case's `call` runs in a cell of its own, appended by the grader. The cell
sends the value as JSON in a display_data output of the mime type RESULT_MIME,
wrapped with the run's nonce; the grader reads exactly that output of exactly
that cell (nothing the kernel prints, and no file) and compares the decoded
value, in its own Python process, with the value the same call returned after
the reference lab ran in a clean kernel.
"""
import json
import math
import os
import re

from nbexec import REPO

HIDDEN = os.path.join(REPO, "grading", "hidden")
RESULT_MIME = "application/vnd.nn-labs.hidden-result"
DEFAULT_TOL = 1e-6
MAX_RESULT = 1 << 20  # characters of one case's JSON value


class HiddenFileError(ValueError):
    pass


def load(lab, folder=HIDDEN):
    """The lab's hidden tests {exercise: {"forbid": [...], "cases": [...]}}, or None if it has none."""
    path = os.path.join(folder, f"{lab}.json")
    if not os.path.isfile(path):
        return None
    try:
        doc = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise HiddenFileError(f"{os.path.relpath(path, REPO)}: not valid JSON ({e})")
    where = os.path.relpath(path, REPO)
    if not isinstance(doc, dict) or doc.get("lab") != lab or not isinstance(doc.get("exercises"), dict):
        raise HiddenFileError(f'{where}: expected {{"lab": "{lab}", "exercises": {{...}}}}')
    for eid, ex in doc["exercises"].items():
        cases = ex.get("cases") if isinstance(ex, dict) else None
        if not isinstance(cases, list) or not cases:
            raise HiddenFileError(f"{where}: exercise {eid!r} needs a non-empty list of cases")
        if not all(isinstance(n, str) for n in ex.get("forbid", [])):
            raise HiddenFileError(f"{where}: exercise {eid!r}: forbid must be a list of names")
        for c in cases:
            if not (isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("call"), str) and c["call"].strip()):
                raise HiddenFileError(f"{where}: exercise {eid!r}: each case needs a name and a call")
            if not isinstance(c.get("tol", DEFAULT_TOL), (int, float)):
                raise HiddenFileError(f"{where}: exercise {eid!r}, case {c['name']!r}: tol must be a number")
    return doc["exercises"]


def cell_source(calls, nonce):
    """The TypeScript cell that evaluates each of an exercise's calls and sends their values as one
    display_data of RESULT_MIME, tagged with the run's nonce: {"nonce", "results": [{"value"} or {"error"}]}.
    Typed arrays become arrays, NaN and ±Infinity strings; a call that throws gives its error."""
    lines = ['import { display as nnlabsHiddenDisplay } from "tslab";', "{",
             "  const nnlabsHiddenOut: string[] = [];",
             "  const nnlabsHiddenJson = (v: unknown): string => JSON.stringify(v, (_k: string, x: unknown) =>",
             "    ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>)",
             '    : typeof x === "number" && !Number.isFinite(x) ? String(x) : x) ?? "null";',
             "  const nnlabsHiddenError = (e: unknown): string => {",
             '    let text = "an exception";',
             '    try { text = e instanceof Error ? `${e.name}: ${e.message}` : String(e); } catch { /* a hostile error object */ }',
             "    return JSON.stringify({ error: text.slice(0, 500) });",
             "  };"]
    for call in calls:
        lines += ["  try {", f"    nnlabsHiddenOut.push('{{\"value\": ' + nnlabsHiddenJson((\n{call}\n    )) + '}}');",
                  "  } catch (e) {", "    nnlabsHiddenOut.push(nnlabsHiddenError(e));", "  }"]
    lines += [f'  nnlabsHiddenDisplay.raw("{RESULT_MIME}", \'{{"nonce": "{nonce}", "results": [\' + nnlabsHiddenOut.join(", ") + "]}}");', "}"]
    return "\n".join(lines) + "\n"


def hidden_cells(tests, nonce):
    """(exercise, source) for each exercise: one cell runs all of its cases."""
    return [(eid, cell_source([c["call"] for c in ex["cases"]], nonce)) for eid, ex in tests.items()]


def values_of(outputs, nonce, n):
    """[(ok, value or reason)] × n from a hidden cell's outputs: exactly one RESULT_MIME display with the
    nonce, holding n results."""
    found = []
    for out in outputs:
        if out.get("output_type") not in ("display_data", "execute_result"):
            continue
        raw = (out.get("data") or {}).get(RESULT_MIME)
        if raw is None:
            continue
        if isinstance(raw, list):
            raw = "".join(raw)
        if not isinstance(raw, str) or len(raw) > MAX_RESULT:
            return [(False, "the values are too large")] * n
        try:
            doc = json.loads(raw)
        except ValueError:
            return [(False, "the values are not JSON")] * n
        if isinstance(doc, dict) and doc.get("nonce") == nonce:
            found.append(doc.get("results"))
    if len(found) != 1:
        return [(False, "the calls returned no value" if not found else "the cell sent its values more than once")] * n
    results = found[0]
    if not isinstance(results, list) or len(results) != n:
        return [(False, "the cell sent the wrong number of values")] * n
    out = []
    for r in results:
        if isinstance(r, dict) and set(r) == {"value"}:
            out.append((True, r["value"]))
        elif isinstance(r, dict) and isinstance(r.get("error"), str):
            out.append((False, f"the call threw: {r['error']}"))
        else:
            out.append((False, "a value that is not the grader's"))
    return out


def same(got, want, tol):
    """Deep equality; numbers within `tol` absolute or relative; booleans are not numbers."""
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        d = abs(got - want)
        return math.isfinite(d) and (d <= tol or d <= tol * abs(want))
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(same(g, w, tol) for g, w in zip(got, want))
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(same(got[k], want[k], tol) for k in want)
    return type(got) is type(want) and got == want


def short(value, limit=120):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------- forbid ---

_TOKEN = re.compile(r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`", re.S)


def strip_comments_and_strings(src):
    """TypeScript code with comments and string literals blanked; template literals keep their ${…} code."""
    out, i, n = [], 0, len(src)
    while i < n:
        m = _TOKEN.search(src, i)
        if not m:
            out.append(src[i:])
            break
        out.append(src[i:m.start()])
        if m.group() != "`":
            out.append(" ")
            i = m.end()
            continue
        # a template literal: skip text, keep the code of each ${ } (nested braces counted)
        i = m.end()
        while i < n and src[i] != "`":
            if src[i] == "\\":
                i += 2
            elif src.startswith("${", i):
                depth, j = 1, i + 2
                while j < n and depth:
                    depth += {"{": 1, "}": -1}.get(src[j], 0)
                    j += 1
                out.append(" " + strip_comments_and_strings(src[i + 2:j - 1]) + " ")
                i = j
            else:
                i += 1
        i += 1
        out.append(" ")
    return "".join(out)


def forbidden_names(source, names):
    code = strip_comments_and_strings(source)
    return [n for n in names if re.search(rf"(?<![\w$]){re.escape(n)}(?![\w$])", code)]
