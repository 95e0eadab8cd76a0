"""The notebook contract, Python side: the facts that the labs, the library
(TypeScript) and the runner and grader (Python) share. CONTRIBUTING.md ("The
notebook contract") states them; each has one implementation per language,
named in the comments; test/unit/contract.test.ts checks that both sides
agree and that every lab follows the contract.
"""
import hashlib
import re

# LABS_FAST: on unless unset, empty, "0" or "false" (any case). TypeScript: isFast() in src/mode.ts.
FAST_OFF = ("", "0", "false")


def is_fast(env):
    return env.get("LABS_FAST", "").lower() not in FAST_OFF


def mode(env):
    return "fast" if is_fast(env) else "full"


# A check that passes prints this line (src/check.ts, passed()).
PASS_LINE = re.compile(r"^✔ (\S+): passed\b")

# An unsolved exercise throws this (scripts/student.ts, stubSolution(); src/check.ts keeps it recognisable).
STUB_MESSAGE = "not implemented: {exercise}"


def checksum(source):
    """sha256 of a check cell's source, UTF-8 (scripts/student.ts, checksum())."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


# A lab imports its check functions in exactly this form, in its set-up cell; the grader re-imports the
# ones a check cell calls from the same module before running it.
EXERCISE_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"(\.\./dist/exercises/[^"]+)";?', re.M)

# Lines every lab prints (src/backend.ts initBackend(); src/headline.ts HEADLINE_PREFIX).
BACKEND_PREFIX = "Backend: "
HEADLINE_PREFIX = "Headline: "


def prefixed_lines(nb, prefix):
    """The text after `prefix` of every stdout line of an executed notebook that starts with it."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                for line in "".join(out.get("text", "")).splitlines():
                    if line.startswith(prefix):
                        found.append(line[len(prefix):])
    return found


def main(argv):
    """`contract.py facts VALUE...` (JSON of the Python side's facts, for test/unit/contract.test.ts) or
    `contract.py lab PATH...` (each lab's exercises, checks and the check functions the grader re-imports)."""
    import json
    import os
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if argv[:1] == ["facts"]:
        lines = ["✔ neuron-output: passed", "✔ neuron-output: passed (51 neurons)", "✔ x: failed", " ✔ x: passed"]
        print(json.dumps({
            "fast": {v: is_fast({"LABS_FAST": v}) for v in argv[1:]}, "fast_unset": is_fast({}),
            "pass": {line: (m.group(1) if (m := PASS_LINE.match(line)) else None) for line in lines},
            "stub": STUB_MESSAGE.format(exercise="neuron-output"), "checksum": checksum("checkΣ(f);\n"),
            "backend_prefix": BACKEND_PREFIX, "headline_prefix": HEADLINE_PREFIX}, ensure_ascii=False))
        return 0
    if argv[:1] == ["lab"]:
        import grade
        out = {}
        for path in argv[1:]:
            nb, checks = grade.read_lab(path)
            out[path] = {"checks": {eid: {"points": c["points"], "functions": c["functions"]} for eid, c in checks.items()},
                         "exercises": [grade.exercise_id(c) for c in nb.cells if grade.exercise_id(c)],
                         "kernel": nb.metadata.get("kernelspec", {}).get("name")}
        print(json.dumps(out))
        return 0
    print("usage: contract.py facts VALUE... | contract.py lab PATH...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
