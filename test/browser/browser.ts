/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven
 * by playwright-core (Playwright's own browser downloads are not used).
 */
import * as fs from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium, Browser, Page } from "playwright-core";

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

/** What one offline page showed: see checkPageOffline. */
export interface OfflinePage {
  figures: RenderedFigure[];
  pageErrors: string[];
  /** file:// URLs the page asked for that do not exist. */
  missingLocal: string[];
  /** Network URLs the page asked for (all refused). */
  blocked: string[];
  /** Formulas typeset by MathJax, and how many of them are MathJax errors. */
  math: { typeset: number; errors: number };
}

/**
 * Opens a local HTML file with the network cut off (offline context, every
 * non-file request refused), waits for `figures` plotly figures and, if
 * `waitForMath`, for MathJax, and reports what it found. A screenshot of the
 * whole page goes to `screenshot` when given; `interact` then runs on the
 * open page (e.g. scrubbing the replays) before it is closed.
 */
export async function openOffline(
  browser: Browser,
  file: string,
  opts: { figures: number; waitForMath: boolean; screenshot?: string; interact?: (page: Page) => Promise<void> },
): Promise<OfflinePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  const blocked: string[] = [];
  const missingLocal: string[] = [];
  const pageErrors: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    blocked.push(url);
    return route.abort("internetdisconnected");
  });
  try {
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("requestfailed", (r) => {
      if (r.url().startsWith("file:")) missingLocal.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60_000 });
    await page
      .waitForFunction((n) => {
        const figs = document.querySelectorAll(".nnlab-figure");
        return figs.length >= n && Array.from(figs).every((f) => f.querySelector(".main-svg"));
      }, opts.figures, { timeout: 60_000 })
      .catch(() => undefined); // the caller's assertions say what is missing
    if (opts.waitForMath) {
      await page.waitForFunction(() => document.querySelectorAll(".MathJax_CHTML").length > 0, undefined, { timeout: 60_000 }).catch(() => undefined);
    }
    const figures = await page.evaluate(renderedFiguresInPage);
    const math = await page.evaluate(() => ({
      typeset: document.querySelectorAll(".MathJax_CHTML").length,
      errors: Array.from(document.querySelectorAll(".MathJax_CHTML")).filter((e) => /Math Processing Error/.test(e.textContent ?? "")).length,
    }));
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot, fullPage: true });
    if (opts.interact) await opts.interact(page);
    return { figures, pageErrors, missingLocal, blocked, math };
  } finally {
    await context.close();
  }
}
