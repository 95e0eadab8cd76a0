"""Jupyter's kernel conformance suite (jupyter_kernel_test) against the kernel
registered as "tslab" (kernel/main.js, installed by scripts/install-kernel.sh),
with TypeScript samples, plus checks of what the course relies on: real error
messages with cell line numbers, Out[n] values, rich tensor and model display.

Run: bash scripts/test-kernel.sh   (or npm run test:kernel)
"""

import os
import time
import unittest

import jupyter_kernel_test
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TF = 'import * as tf from "@tensorflow/tfjs";\n'


class TslabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "tslab"
    language_name = "typescript"
    file_extension = ".ts"

    @classmethod
    def setUpClass(cls):
        argv = KernelSpecManager().get_kernel_spec(cls.kernel_name).argv
        main = os.path.join(REPO, "kernel", "main.js")
        if main not in argv:
            raise AssertionError(
                f"kernel 'tslab' runs {argv}, not {main}: run bash scripts/install-kernel.sh /usr/bin/python3"
            )
        # tslab resolves imports (tfjs, ../dist) from the kernel's working directory.
        cwd = os.getcwd()
        os.chdir(REPO)
        try:
            super().setUpClass()
        finally:
            os.chdir(cwd)

    # --- samples for the suite's own tests -------------------------------------

    code_hello_world = 'console.log("hello, world");'
    code_stderr = 'console.error("something went wrong");'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const learningRate = 0.1;\nlearningR", "matches": {"learningRate"}},
    ]
    complete_code_samples = [
        'console.log("hi");',
        "const x: number = 1;",
        "function f(a: number): number {\n  return a + 1;\n}",
    ]
    incomplete_code_samples = [
        "function f(a: number) {",
        "if (true) {\n  console.log(1);",
        "const xs = [1, 2,",
    ]
    # tslab never answers "invalid": TypeScript's parser recovers from any input.
    invalid_code_samples = []

    code_generate_error = 'throw new Error("boom");'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"lr=" + 0.5', "result": "'lr=0.5'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "Array(3) [2, 4, 6]"},
        {"code": TF + "tf.tensor2d([[1, 2], [3, 4]])", "mime": "text/html"},
    ]

    code_display_data = [
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<b>hi</b>");', "mime": "text/html"},
        {"code": 'import * as tslab from "tslab";\ntslab.display.markdown("# hi");', "mime": "text/markdown"},
    ]

    code_inspect_sample = "Math.max"

    # history_request (kernel/history.js): JupyterLab's console asks for "tail".
    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "*lr=*"

    # Not supported by tslab, so the suite skips them: no pager payloads
    # (code_page_something), no clear_output API (code_clear_output).

    # --- what the course relies on ----------------------------------------------

    def kernel_info(self):
        self.flush_channels()
        self.kc.kernel_info()
        return self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)["content"]

    def test_kernel_info_is_complete(self):
        info = self.kernel_info()
        self.assertEqual(info["status"], "ok")
        self.assertEqual(info["implementation"], "tslab")
        self.assertRegex(info["protocol_version"], r"^5\.\d+$")
        lang = info["language_info"]
        self.assertEqual(lang["name"], "typescript")
        self.assertRegex(lang["version"], r"^\d+\.\d+")
        self.assertEqual(lang["mimetype"], "text/typescript")
        self.assertEqual(lang["file_extension"], ".ts")
        self.assertIn("tslab", info["banner"])
        self.assertGreaterEqual(len(info["help_links"]), 1)

    def run_cell(self, code):
        self.flush_channels()
        reply, outputs = self.execute_helper(code)
        return reply["content"], outputs

    def test_value_is_execute_result_not_stdout(self):
        reply, outputs = self.run_cell("const a = 20;\na + 22")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual([m["msg_type"] for m in outputs], ["execute_result"])
        self.assertEqual(outputs[0]["content"]["data"]["text/plain"], "42")
        self.assertEqual(outputs[0]["content"]["execution_count"], reply["execution_count"])

    def test_no_value_no_execute_result(self):
        reply, outputs = self.run_cell("const unused = 1;")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(outputs, [])

    def test_silent_sends_nothing_and_keeps_the_count(self):
        before, _ = self.run_cell("1")
        self.flush_channels()
        reply, outputs = self.execute_helper('console.log("quiet"); 5', silent=True)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(outputs, [])
        after, _ = self.run_cell("1")
        self.assertEqual(after["execution_count"], before["execution_count"] + 1)

    def test_type_error_names_line_and_column(self):
        reply, outputs = self.run_cell('const a = 1;\nconst n: number = "seven";')
        self.assertEqual(reply["status"], "error")
        self.assertEqual([m["msg_type"] for m in outputs], ["error"])
        err = outputs[0]["content"]
        self.assertEqual(err["ename"], "TSError")
        self.assertIn("line 2, column 7", err["evalue"])
        self.assertIn("Type 'string' is not assignable to type 'number'", err["evalue"])
        self.assertEqual(reply["ename"], err["ename"])
        self.assertEqual(reply["evalue"], err["evalue"])

    def test_runtime_error_traceback_uses_cell_lines(self):
        code = (
            "interface Layer { units: number }\n"  # 1  (no JavaScript emitted)
            "\n"  # 2
            "function check(l: Layer) {\n"  # 3
            "  // units must be positive\n"  # 4
            "  if (l.units <= 0) throw new RangeError(`units must be > 0, got ${l.units}`);\n"  # 5
            "}\n"  # 6
            "check({ units: -1 });\n"  # 7
        )
        reply, outputs = self.run_cell(code)
        self.assertEqual(reply["status"], "error")
        err = outputs[0]["content"]
        self.assertEqual(err["ename"], "RangeError")
        self.assertEqual(err["evalue"], "units must be > 0, got -1")
        cell = f"In[{reply['execution_count']}]"
        tb = "\n".join(err["traceback"])
        self.assertIn(f"at check ({cell}:5:", tb)
        self.assertIn(f"at {cell}:7:", tb)
        self.assertNotIn("tslab/dist", tb)

    def test_error_in_async_cell(self):
        reply, outputs = self.run_cell(
            "await new Promise((r) => setTimeout(r, 5));\n(null as any).units"
        )
        self.assertEqual(reply["status"], "error")
        err = outputs[-1]["content"]
        self.assertEqual(err["ename"], "TypeError")
        self.assertIn(f"In[{reply['execution_count']}]:2:", "\n".join(err["traceback"]))

    def test_cell_after_error_runs(self):
        self.run_cell('throw new Error("first")')
        reply, outputs = self.run_cell("2 * 21")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(outputs[0]["content"]["data"]["text/plain"], "42")

    def test_cells_queued_behind_an_error_are_aborted(self):
        self.flush_channels()
        failing = self.kc.execute('await new Promise((r) => setTimeout(r, 300));\nthrow new Error("x");')
        queued = self.kc.execute("1")
        status = {}
        while len(status) < 2:
            reply = self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)
            status[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
        self.assertEqual(status, {failing: "error", queued: "aborted"})
        while True:  # drain iopub without validating (an aborted reply has no ename)
            try:
                self.kc.get_iopub_msg(timeout=0.3)
            except Exception:
                break

    def test_shorthand_names_an_earlier_cells_declaration(self):
        # tslab emitted `{ f }` unchanged although f lives in `exports`: ReferenceError.
        self.run_cell("function shortF(x: number) { return x + 1; }\nconst shortG = 3;\nlet shortA = 1;")
        reply, outputs = self.run_cell("const o = { shortF, shortG, h: 1 };\no.shortF(o.shortG)")
        self.assertEqual(reply["status"], "ok", outputs)
        self.assertEqual(outputs[0]["content"]["data"]["text/plain"], "4")
        # Destructuring assignment wrote globals instead of the earlier cell's variable.
        reply, outputs = self.run_cell("({ shortA } = { shortA: 10 });\n({ shortA = 5 } = {} as { shortA?: number });\nshortA")
        self.assertEqual(reply["status"], "ok", outputs)
        self.assertEqual(outputs[0]["content"]["data"]["text/plain"], "5")
        # A name declared in the same cell keeps working, next to an earlier one.
        reply, outputs = self.run_cell("const shortQ = 2;\n({ shortQ, shortG })")
        self.assertEqual(outputs[0]["content"]["data"]["text/plain"], "{ shortQ: 2, shortG: 3 }")

    def test_history_tail_has_inputs_and_outputs(self):
        reply = self.history_helper(["const histX = 6;", "histX * 7"], hist_access_type="tail", n=2, output=True, raw=True)
        self.assertEqual(reply["content"]["status"], "ok")
        [(s1, n1, (in1, out1)), (s2, n2, (in2, out2))] = reply["content"]["history"]
        self.assertEqual((in1, out1, in2, out2), ("const histX = 6;", None, "histX * 7", "42"))
        self.assertEqual(n2, n1 + 1)

    def test_interrupt_stops_an_awaiting_cell(self):
        self.flush_channels()
        self.run_cell("const beforeInterrupt = 41;")
        self.kc.execute("await new Promise((r) => setTimeout(r, 30000));\n1")
        time.sleep(1)
        started = time.monotonic()
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)["content"]
        self.assertEqual(reply["status"], "error")
        self.assertIn("Interrupted", reply["evalue"])
        self.assertLess(time.monotonic() - started, 5)
        self.flush_channels()
        reply, outputs = self.run_cell("beforeInterrupt + 1")
        self.assertEqual(outputs[0]["content"]["data"]["text/plain"], "42")

    def test_tensor_shows_as_table(self):
        reply, outputs = self.run_cell(TF + "tf.tensor2d([[1.5, 2], [3, 4]])")
        self.assertEqual(reply["status"], "ok")
        [result] = [m for m in outputs if m["msg_type"] == "execute_result"]
        data = result["content"]["data"]
        self.assertTrue(data["text/plain"].startswith("Tensor float32 [2, 2]"))
        self.assertIn("<table", data["text/html"])
        self.assertIn("1.5000", data["text/html"])
        self.assertNotIn("stdout", [m["content"].get("name") for m in outputs])

    def test_model_shows_summary_table(self):
        reply, outputs = self.run_cell(
            TF
            + "tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8 }), tf.layers.dense({ units: 3 })] })"
        )
        self.assertEqual(reply["status"], "ok")
        [result] = [m for m in outputs if m["msg_type"] == "execute_result"]
        html = result["content"]["data"]["text/html"]
        self.assertIn("Param #", html)
        self.assertIn("Total params: 67", html)  # (4*8+8) + (8*3+3)
        self.assertIn("Total params: 67", result["content"]["data"]["text/plain"])


class TslabRestartTests(unittest.TestCase):
    """Restart from the client (shutdown_request with restart: true, then a new process)."""

    def test_restart_starts_a_fresh_kernel(self):
        km, kc = start_new_kernel(kernel_name="tslab", cwd=REPO)
        try:
            kc.execute_interactive("const beforeRestart = 1;", timeout=60)
            pid = km.provisioner.process.pid
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=60)
            self.assertNotEqual(km.provisioner.process.pid, pid)
            replies = []
            kc.execute_interactive("beforeRestart", timeout=60, output_hook=lambda m: replies.append(m))
            errors = [m["content"] for m in replies if m["msg_type"] == "error"]
            self.assertEqual(len(errors), 1)
            self.assertIn("Cannot find name 'beforeRestart'", errors[0]["evalue"])
            reply = kc.execute_interactive("2 * 21", timeout=60)
            self.assertEqual(reply["content"]["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()
