/**
 * Writes data/breast-cancer-wisconsin.csv, the rows of the Breast Cancer
 * Wisconsin data set that students get, from the full copy in grading/data/
 * (`npx tsx scripts/breast-cancer-data.ts`): every row except the held-out
 * test split (src/data/breast-cancer.ts). test/unit/breast-cancer.test.ts
 * checks that the shipped file is exactly what this writes.
 */
import * as fs from "fs";
import { heldOutSplit, toBreastCancerCsv, SHIPPED_FILE } from "../src/data/breast-cancer";

const { shipped, test } = heldOutSplit();
fs.writeFileSync(SHIPPED_FILE, toBreastCancerCsv(shipped));
console.log(`${SHIPPED_FILE}: ${shipped.n} rows shipped; ${test.n} held out for the test split (grading/ only)`);
