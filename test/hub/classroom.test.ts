/**
 * A class on JupyterHub: Debian's JupyterHub 3.0 with test/hub/jupyterhub_config.py
 * on 127.0.0.1 (configurable-http-proxy, DummyAuthenticator, SimpleLocalProcessSpawner).
 * Three users log in through the hub's login form, the hub's REST API starts
 * their servers (each gets a private copy of the labs), and all three run lab 01
 * to the end at the same time through their single-user servers with
 * JupyterLab's services client: every cell ok, no error output, each kernel in
 * its own user's folder. With HUB_MEMORY_LAB=06-cnn, one user then runs that
 * lab while the memory (RSS and PSS, from /proc) of their server and kernel is
 * sampled; the peaks are printed, with the hub's and the proxy's.
 *
 * run: bash test/steps/jupyterhub.sh   (HUB_MEMORY_LAB=06-cnn for the measurement)
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, ChildProcess, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ServerConnection, KernelManager, SessionManager, KernelMessage } from "@jupyterlab/services";
import { REPO, alive, freePort } from "../browser/jupyter-server";

const USERS = ["student1", "student2", "student3"];
const LAB = process.env.HUB_LAB ?? "01-perceptron";
const MEMORY_LAB = process.env.HUB_MEMORY_LAB ?? "";
const CONFIG = path.join(REPO, "test", "hub", "jupyterhub_config.py");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let hub: ChildProcess | undefined;
let hubExited: number | null = null;
let hubLog = "";
let base = "";
let adminToken = "";
let password = "";
let root = "";

/** All descendants of a process, from /proc. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const e of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) (out.push(c), walk(c));
  };
  walk(pid);
  return out;
}

/** Resident memory (RSS) and proportional share (PSS) of a process, in MiB; null once it ended. */
function memory(pid: number): { rss: number; pss: number } | null {
  try {
    const roll = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(roll)?.[1] ?? 0);
    return { rss: kb("Rss") / 1024, pss: kb("Pss") / 1024 };
  } catch {
    return null;
  }
}

const api = (p: string, init: RequestInit = {}) =>
  fetch(`${base}/hub/api${p}`, { ...init, headers: { Authorization: `token ${adminToken}`, "Content-Type": "application/json", ...(init.headers ?? {}) } });

async function apiJson(p: string, init: RequestInit = {}): Promise<any> {
  const r = await api(p, init);
  const text = await r.text();
  if (!r.ok) throw new Error(`${init.method ?? "GET"} /hub/api${p}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

before(async () => {
  for (const cmd of ["jupyterhub", "configurable-http-proxy"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${cmd}`]);
    } catch {
      throw new Error(`${cmd} is missing: apt-get install jupyterhub node-configurable-http-proxy (bash scripts/setup.sh does it as root)`);
    }
  }
  process.env.LABS_FAST ??= "1";
  root = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-hub-"));
  const state = path.join(root, "state");
  const homes = path.join(root, "home");
  fs.mkdirSync(state);
  fs.mkdirSync(homes);
  const [port, apiPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
  adminToken = randomBytes(24).toString("hex");
  password = randomBytes(12).toString("hex");
  base = `http://127.0.0.1:${port}`;
  hub = spawn("jupyterhub", ["-f", CONFIG], {
    cwd: state,
    env: {
      ...process.env,
      NNLAB_HUB_STATE: state,
      NNLAB_HUB_HOMES: homes,
      NNLAB_HUB_PORT: String(port),
      NNLAB_HUB_API_PORT: String(apiPort),
      NNLAB_HUB_PROXY_API_PORT: String(proxyPort),
      NNLAB_HUB_USERS: USERS.join(","),
      NNLAB_HUB_PASSWORD: password,
      NNLAB_HUB_ADMIN_TOKEN: adminToken,
      CONFIGPROXY_AUTH_TOKEN: randomBytes(24).toString("hex"),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  hub.stdout!.on("data", (d) => (hubLog += d));
  hub.stderr!.on("data", (d) => (hubLog += d));
  hub.on("exit", (code) => (hubExited = code ?? -1));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (hubExited !== null) throw new Error(`jupyterhub exited (${hubExited}):\n${hubLog}`);
    try {
      if ((await api("/")).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`JupyterHub did not answer on ${base} within 90 s:\n${hubLog}`);
    await sleep(500);
  }
});

after(async () => {
  if (!hub) return;
  const pids = [hub.pid!, ...descendants(hub.pid!)];
  if (alive(hub.pid!)) process.kill(hub.pid!, "SIGTERM"); // the hub stops the servers it spawned and its proxy
  for (let i = 0; i < 150 && pids.some(alive); i++) await sleep(200);
  const left = pids.filter(alive);
  for (const p of left) process.kill(p, "SIGKILL");
  fs.rmSync(root, { recursive: true, force: true });
  assert.deepEqual(left, [], "processes that outlived the hub's shutdown (killed)");
});

/** Logs in through the hub's login form, as a browser does; returns the session cookies. */
async function logIn(user: string, pass: string): Promise<{ status: number; location: string | null; cookies: string[] }> {
  const r = await fetch(`${base}/hub/login`, {
    method: "POST",
    body: new URLSearchParams({ username: user, password: pass }),
    redirect: "manual",
  });
  return { status: r.status, location: r.headers.get("location"), cookies: (r.headers as unknown as { getSetCookie(): string[] }).getSetCookie().map((c) => c.split(";")[0]) };
}

async function startServer(user: string): Promise<string> {
  const r = await api(`/users/${user}/server`, { method: "POST", body: "{}" });
  assert.ok(r.status === 201 || r.status === 202, `starting ${user}'s server: ${r.status} ${await r.text()}`);
  const deadline = Date.now() + 240_000;
  for (;;) {
    const u = await apiJson(`/users/${user}`);
    if (u.servers?.[""]?.ready) break;
    if (Date.now() > deadline) throw new Error(`${user}'s server not ready after 240 s:\n${hubLog.slice(-4000)}`);
    await sleep(1000);
  }
  const tok = await apiJson(`/users/${user}/tokens`, { method: "POST", body: JSON.stringify({ note: "classroom test", expires_in: 3600 }) });
  return tok.token as string;
}

function client(user: string, token: string) {
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: `${base}/user/${user}/`,
    wsUrl: `${base.replace(/^http/, "ws")}/user/${user}/`,
    token,
    appendToken: true,
  });
  const kernelManager = new KernelManager({ serverSettings });
  return { sessions: new SessionManager({ serverSettings, kernelManager }), kernelManager };
}

interface LabRun {
  cells: number;
  ran: number;
  failures: string[];
  cwd: string;
  seconds: number;
}

const CELL_TIMEOUT_MS = 300_000;

/** `p`, or an error saying `what` once `ms` have passed (a lost reply must fail the test, not hang it). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until the kernel's websocket has stayed open for 2 s and a kernel_info round trip has worked.
 * The classic Notebook server behind JupyterHub closes a new kernel websocket right after it opens
 * ("Connection lost, reconnecting in 0 seconds"), and a request that went out on that first socket
 * can be lost with it: in one CI trial, a user's first cell never got its reply.
 */
async function stableConnection(kernel: { connectionStatus: string; requestKernelInfo(): Promise<unknown> }, who: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let since = 0;
  for (;;) {
    if (kernel.connectionStatus !== "connected") since = 0;
    else if (!since) since = Date.now();
    if (since && Date.now() - since >= 2000) {
      await within(kernel.requestKernelInfo(), 30_000, `${who}: no kernel_info_reply within 30 s`);
      if (kernel.connectionStatus === "connected") return;
      since = 0;
    }
    if (Date.now() > deadline) throw new Error(`${who}: the kernel's websocket did not stay open for 2 s within 60 s (status ${kernel.connectionStatus})`);
    await sleep(100);
  }
}

/** Runs every code cell of a lab in `user`'s copy (~/notebooks/<lab>.ipynb), in order, through their server. */
async function runLab(user: string, token: string, lab: string, onKernel?: (kernelId: string) => void): Promise<LabRun> {
  const nb = JSON.parse(fs.readFileSync(path.join(root, "home", user, "notebooks", `${lab}.ipynb`), "utf8"));
  const cells: string[] = nb.cells.filter((c: any) => c.cell_type === "code").map((c: any) => (Array.isArray(c.source) ? c.source.join("") : c.source));
  const { sessions, kernelManager } = client(user, token);
  const t0 = Date.now();
  const failures: string[] = [];
  let ran = 0;
  let cwd = "";
  let session: Awaited<ReturnType<typeof sessions.startNew>> | undefined;
  // The managers poll the server on timers: dispose of them on every path, or a
  // failed start keeps this test process alive after its tests have ended.
  try {
    session = await sessions.startNew({ path: `notebooks/${lab}.ipynb`, type: "notebook", name: lab, kernel: { name: "tslab" } });
    const kernel = session.kernel!;
    onKernel?.(kernel.id);
    await stableConnection(kernel, `${user}'s ${lab}`);
    const exec = async (code: string) => {
      const outputs: KernelMessage.IIOPubMessage[] = [];
      const future = kernel.requestExecute({ code, stop_on_error: true });
      future.onIOPub = (m) => void outputs.push(m);
      const reply = await within(future.done, CELL_TIMEOUT_MS, `${user}'s ${lab}: no execute_reply within ${CELL_TIMEOUT_MS / 1000} s for\n${code.slice(0, 200)}`);
      return { status: reply.content.status, outputs };
    };
    const where = await exec("process.cwd()");
    cwd = String((where.outputs.find((m) => m.header.msg_type === "execute_result")?.content as any)?.data?.["text/plain"] ?? "").replace(/^'|'$/g, "");
    for (const [i, code] of cells.entries()) {
      const { status, outputs } = await exec(code);
      ran++;
      for (const m of outputs) {
        const c = m.content as any;
        if (m.header.msg_type === "error") failures.push(`cell ${i}: ${c.ename}: ${c.evalue}`);
        if (m.header.msg_type === "stream" && c.name === "stderr") failures.push(`cell ${i} stderr: ${String(c.text).slice(0, 200)}`);
      }
      if (status !== "ok") {
        failures.push(`cell ${i}: ${status}`);
        break;
      }
    }
  } finally {
    await session?.shutdown().catch(() => undefined);
    sessions.dispose();
    kernelManager.dispose();
  }
  return { cells: cells.length, ran, failures, cwd, seconds: (Date.now() - t0) / 1000 };
}

test(`three users log in, each gets their own copy of the labs, and all run ${LAB} to the end at the same time`, async () => {
  const wrong = await logIn(USERS[0], password + "x");
  assert.ok(!wrong.cookies.some((c) => c.startsWith("jupyterhub-hub-login=")), "a wrong password gets no login cookie");
  assert.equal((await logIn("intruder", password)).cookies.some((c) => c.startsWith("jupyterhub-hub-login=")), false, "a user not on the list cannot log in");
  for (const u of USERS) {
    const r = await logIn(u, password);
    assert.equal(r.status, 302, `${u}'s login: ${r.status}`);
    assert.ok(r.cookies.some((c) => c.startsWith("jupyterhub-hub-login=")), `${u} got no login cookie`);
  }
  const tokens = await Promise.all(USERS.map(startServer));
  for (const u of USERS) {
    const copy = path.join(root, "home", u, "notebooks", `${LAB}.ipynb`);
    assert.ok(fs.existsSync(copy), `${u} has no copy of ${LAB}`);
    assert.equal(fs.readFileSync(copy, "utf8"), fs.readFileSync(path.join(REPO, "notebooks", `${LAB}.ipynb`), "utf8"));
  }
  // A user's token opens their own server only.
  const other = await fetch(`${base}/user/${USERS[1]}/api/status`, { headers: { Authorization: `token ${tokens[0]}` } });
  assert.ok(other.status === 403 || other.status === 302 || other.status === 404, `${USERS[0]}'s token opened ${USERS[1]}'s server (${other.status})`);

  const t0 = Date.now();
  const runs = await Promise.all(USERS.map((u, i) => runLab(u, tokens[i], LAB)));
  const wall = (Date.now() - t0) / 1000;
  runs.forEach((r, i) => {
    assert.deepEqual(r.failures, [], `${USERS[i]}: ${r.failures.join("\n")}`);
    assert.equal(r.ran, r.cells, `${USERS[i]} ran ${r.ran} of ${r.cells} cells`);
    assert.equal(fs.realpathSync(r.cwd), fs.realpathSync(path.join(root, "home", USERS[i], "notebooks")), `${USERS[i]}'s kernel runs in their own folder`);
  });
  console.log(`${LAB} by ${USERS.length} users at once: ${runs.map((r, i) => `${USERS[i]} ${r.cells} cells in ${r.seconds.toFixed(0)} s`).join(", ")}; wall ${wall.toFixed(0)} s`);

  if (!MEMORY_LAB) return;
  const user = USERS[0];
  const model = await apiJson(`/users/${user}`);
  const serverPid = Number(model.servers[""].state?.pid);
  assert.ok(serverPid > 0 && alive(serverPid), `no pid for ${user}'s server in ${JSON.stringify(model.servers[""])}`);
  const peak = { server: { rss: 0, pss: 0 }, kernel: { rss: 0, pss: 0 }, total: { rss: 0, pss: 0 } };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const s = memory(serverPid);
      const kernels = descendants(serverPid).map(memory).filter((m): m is { rss: number; pss: number } => m !== null);
      if (s) {
        const k = kernels.reduce((a, m) => ({ rss: a.rss + m.rss, pss: a.pss + m.pss }), { rss: 0, pss: 0 });
        for (const key of ["rss", "pss"] as const) {
          peak.server[key] = Math.max(peak.server[key], s[key]);
          peak.kernel[key] = Math.max(peak.kernel[key], k[key]);
          peak.total[key] = Math.max(peak.total[key], s[key] + k[key]);
        }
      }
      await sleep(250);
    }
  })();
  const run = await runLab(user, tokens[0], MEMORY_LAB);
  sampling = false;
  await sampler;
  assert.deepEqual(run.failures, [], run.failures.join("\n"));
  const hubMem = memory(hub!.pid!);
  const proxy = descendants(hub!.pid!).find((p) => fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes("configurable-http-proxy"));
  const proxyMem = proxy ? memory(proxy) : null;
  const f = (m: { rss: number; pss: number } | null) => (m ? `RSS ${m.rss.toFixed(0)} MiB, PSS ${m.pss.toFixed(0)} MiB` : "n/a");
  console.log(`memory while ${user} ran ${MEMORY_LAB} (LABS_FAST=${process.env.LABS_FAST ?? ""}, ${run.seconds.toFixed(0)} s, peaks sampled every 250 ms):`);
  console.log(`  single-user server: ${f(peak.server)}`);
  console.log(`  kernel(s):          ${f(peak.kernel)}`);
  console.log(`  server + kernel:    ${f(peak.total)}`);
  console.log(`  hub (after):        ${f(hubMem)}; proxy: ${f(proxyMem)}`);
  assert.ok(peak.kernel.rss > 0, "the kernel's memory was not sampled");
});
