"""What headless runs see through nbclient/nbconvert with the registered "tslab"
kernel: the real error message of a failing cell, and a tensor as an HTML table.

Run: bash scripts/test-kernel.sh   (or npm run test:kernel)
"""

import os
import unittest
import warnings

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "tslab", "display_name": "TypeScript", "language": "typescript"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def run(nb, allow_errors=False):
    NotebookClient(nb, timeout=120, kernel_name="tslab", allow_errors=allow_errors,
                   resources={"metadata": {"path": REPO}}).execute()
    return nb


class NbconvertTests(unittest.TestCase):
    def test_failing_cell_reports_its_message_and_line(self):
        nb = notebook(
            "const epochs = 0;",
            "function train(n: number) {\n  if (n < 1) throw new RangeError(`epochs must be >= 1, got ${n}`);\n}\ntrain(epochs);",
            'console.log("never runs");',
        )
        with self.assertRaises(CellExecutionError) as ctx:
            run(nb)
        self.assertEqual(ctx.exception.ename, "RangeError")
        self.assertEqual(ctx.exception.evalue, "epochs must be >= 1, got 0")
        [out] = nb.cells[1].outputs
        self.assertEqual(out.output_type, "error")
        self.assertIn("at train (In[2]:2:", "\n".join(out.traceback))
        self.assertEqual(nb.cells[2].outputs, [])

    def test_type_error_reports_line_and_column(self):
        nb = notebook("const a = 1;", 'const units: number = "ten";')
        with self.assertRaises(CellExecutionError) as ctx:
            run(nb)
        self.assertEqual(ctx.exception.ename, "TSError")
        self.assertIn("line 1, column 7: Type 'string' is not assignable to type 'number'.", ctx.exception.evalue)

    def test_tensor_value_is_an_html_table(self):
        nb = run(notebook('import * as tf from "@tensorflow/tfjs";', "tf.tensor2d([[1, 2, 3], [4, 5, 6]])"))
        [out] = [o for o in nb.cells[1].outputs if o.output_type == "execute_result"]
        self.assertEqual(out.execution_count, 2)
        with warnings.catch_warnings():  # nbformat's deprecation notice about normalisation, not ours
            warnings.simplefilter("ignore")
            html, _ = HTMLExporter().from_notebook_node(nb)
        self.assertIn("Tensor float32 [2, 3]", html)
        self.assertIn("6.0000</td>", html)
        self.assertIn("Out[2]", html)


if __name__ == "__main__":
    unittest.main()
