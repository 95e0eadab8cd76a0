/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven
 * by playwright-core (Playwright's own browser downloads are not used).
 */
import * as fs from "node:fs";
import { chromium, Browser } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; bash scripts/setup.sh does it as root) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", // needed as root (containers, CI)
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-gpu",
      "--disable-dev-shm-usage",
    ],
  });
}

/** What the page shows for each plotly figure: whether plotly drew it, and its trace count. */
export interface RenderedFigure {
  svg: boolean;
  traces: number | null;
}

/** Browser-side: every `.nnlab-figure` in document order. */
export function renderedFiguresInPage(): RenderedFigure[] {
  return Array.from(document.querySelectorAll(".nnlab-figure")).map((el) => ({
    svg: el.querySelector(".main-svg") !== null,
    traces: Array.isArray((el as unknown as { data?: unknown[] }).data) ? (el as unknown as { data: unknown[] }).data.length : null,
  }));
}
