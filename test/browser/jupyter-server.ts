/**
 * The project's Jupyter server for the browser tests: started through
 * scripts/start.sh (the command students use) on 127.0.0.1, on a free port,
 * with a random token, and always shut down with its kernels afterwards.
 */
import { spawn, ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..");

export interface JupyterServer {
  url: string;
  token: string;
  /** "notebook" (classic Notebook 6) or "lab" (JupyterLab), as start.sh chose. */
  ui: "notebook" | "lab";
  pid: number;
  /** Everything the server printed so far (for failure messages). */
  log(): string;
  /** Kernel processes the server has started (children of the server process). */
  kernelPids(): number[];
  /** Shuts the kernels and the server down; returns the pids that had to be killed. */
  stop(): Promise<number[]>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** True while a process exists (signal 0 probes without touching it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Direct children of a process, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …; comm may contain spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return kids;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes to kill if this test process exits before stop() ran. */
const leftovers = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const pid of leftovers) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** opts.args: extra server options, passed through scripts/start.sh (e.g. an allowed origin). */
export async function startJupyter(opts: { timeoutMs?: number; args?: string[] } = {}): Promise<JupyterServer> {
  installExitHook();
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  // A private config dir: no user settings (passwords, extensions) change what we test.
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-jupyter-config-"));
  let output = "";
  const child: ChildProcess = spawn("bash", [path.join(REPO, "scripts", "start.sh"), ...(opts.args ?? [])], {
    cwd: REPO,
    env: { ...process.env, PORT: String(port), JUPYTER_TOKEN: token, JUPYTER_CONFIG_DIR: configDir, BROWSER: "true" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stop() can end it and nothing else
  });
  const pid = child.pid!;
  leftovers.add(pid);
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  let exited: number | null = null;
  child.on("exit", (code) => (exited = code ?? -1));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== null) throw new Error(`scripts/start.sh exited (${exited}) before Jupyter answered:\n${output}`);
    try {
      const r = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-pid, "SIGKILL");
      throw new Error(`Jupyter did not answer on ${url} within ${opts.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    await sleep(250);
  }
  const ui = /Starting JupyterLab/.test(output) ? "lab" : "notebook";
  const seenKernels = new Set<number>();
  const kernelPids = () => {
    for (const k of childrenOf(pid)) {
      seenKernels.add(k);
      leftovers.add(k);
    }
    return [...seenKernels];
  };

  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${url}${p}`, { ...init, headers: { Authorization: `token ${token}`, ...(init.headers ?? {}) } });

  let stopped: Promise<number[]> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      const kernels = kernelPids();
      try {
        // Kernels first (each gets a shutdown request), then the server itself.
        const list = (await (await api("/api/kernels")).json()) as { id: string }[];
        await Promise.all(list.map((k) => api(`/api/kernels/${k.id}`, { method: "DELETE" })));
        await api("/api/shutdown", { method: "POST" });
      } catch {
        // the server is already gone or wedged: fall through to signals
      }
      for (let i = 0; i < 100 && exited === null; i++) await sleep(100);
      if (exited === null) {
        try {
          process.kill(-pid, "SIGTERM");
        } catch {
          // gone
        }
        for (let i = 0; i < 50 && exited === null; i++) await sleep(100);
      }
      const killed: number[] = [];
      for (const p of [pid, ...kernels]) {
        for (let i = 0; i < 30 && alive(p); i++) await sleep(100);
        if (alive(p)) {
          process.kill(p, "SIGKILL");
          killed.push(p);
        }
        leftovers.delete(p);
      }
      fs.rmSync(configDir, { recursive: true, force: true });
      return killed;
    })());

  return { url, token, ui, pid, log: () => output, kernelPids, stop };
}
