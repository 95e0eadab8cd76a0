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


def cell_source(call, nonce):
    """The TypeScript cell that evaluates `call` and sends its value (typed arrays as arrays, NaN and
    ±Infinity as strings) as one display_data of RESULT_MIME, tagged with the run's nonce."""
    return (
        'import { display as nnlabsHiddenDisplay } from "tslab";\n'
        "{\n"
        f"  const nnlabsHiddenValue: unknown = (\n{call}\n  );\n"
        "  const nnlabsHiddenJson = JSON.stringify(nnlabsHiddenValue, (_k: string, v: unknown) =>\n"
        "    ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>)\n"
        '    : typeof v === "number" && !Number.isFinite(v) ? String(v) : v);\n'
        f'  nnlabsHiddenDisplay.raw("{RESULT_MIME}", \'{{"nonce": "{nonce}", "value": \' + (nnlabsHiddenJson ?? "null") + "}}");\n'
        "}\n"
    )


def hidden_cells(tests, nonce):
    """(exercise, case index, source) for every case, in file order."""
    return [(eid, k, cell_source(case["call"], nonce)) for eid, ex in tests.items() for k, case in enumerate(ex["cases"])]


def value_of(outputs, nonce):
    """(ok, value or reason) from a hidden cell's outputs: exactly one RESULT_MIME display with the nonce."""
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
            return False, "the value is too large"
        try:
            doc = json.loads(raw)
        except ValueError:
            return False, "the value is not JSON"
        if isinstance(doc, dict) and doc.get("nonce") == nonce:
            found.append(doc.get("value"))
    if len(found) == 1:
        return True, found[0]
    return False, ("the call returned no value" if not found else "the cell sent more than one value")


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
