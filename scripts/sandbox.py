"""A throw-away sandbox for one untrusted notebook run (scripts/grade.py).

Each run gets its own course folder: the library (`dist/`), `node_modules/`,
the kernel and the shipped data sets (`data/`) read-only, an empty writable `notebooks/` holding only the
notebook being run, and nothing else of the checkout: no reference labs, no
`grading/`, no other submission. The strongest protection available is used,
and the result says which one each run had:

- "bwrap": bubblewrap (Debian package `bubblewrap`): new mount, PID, network,
  IPC, UTS and user namespaces; only /usr, /etc and the course folder are
  visible, read-only except notebooks/ and /tmp; no network (only the
  sandbox's own loopback, where the kernel's ports live); no capabilities.
  When the run ends, the PID namespace ends, and every process started in it
  (detached or not) is killed by the kernel.
- "uid": no working bubblewrap, but the grader runs as root: the run gets a
  uid of its own (one per parallel slot), so it cannot write the course, the
  grader's files or another run's folder, nor signal or trace the grader;
  after the run every process of that uid is killed. Files readable by every
  user (for example the reference labs) stay readable.
- "process-group": neither: a copy of the library in a temporary folder and a
  process group of its own, killed at the end. A submission can still read
  and write whatever the grader's user can.

Limits: memory and process count through a cgroup of the run's own where the
grader may create one (cgroup v1 or v2), else the kernel's JavaScript heap
(`--max-old-space-size`) and, under "uid", RLIMIT_NPROC; a file-size limit
(RLIMIT_FSIZE); wall-clock time is the caller's (it kills the run).
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from nbexec import REPO

COURSE = "/course"  # where the course copy appears inside a bwrap sandbox
GRADER = "/grader"  # the grader's own scripts, read-only
UID_BASE = 61000    # "uid" sandboxes run as UID_BASE + slot

_probe_lock = threading.Lock()
_probe = {}


def bwrap_works():
    """True if bubblewrap is installed and can create its namespaces here (containers often forbid that)."""
    with _probe_lock:
        if "bwrap" not in _probe:
            exe = shutil.which("bwrap")
            ok = False
            if exe:
                try:
                    ok = subprocess.run([exe, *_base_binds(), "--", "/bin/true"], capture_output=True, timeout=30).returncode == 0
                except (OSError, subprocess.TimeoutExpired):
                    ok = False
            _probe["bwrap"] = ok
        return _probe["bwrap"]


def kind(wanted="auto"):
    """The strongest sandbox available, or `wanted` if it is available (ValueError if not)."""
    available = (["bwrap"] if bwrap_works() else []) + (["uid"] if os.geteuid() == 0 and shutil.which("setpriv") else []) + ["process-group"]
    if wanted == "auto":
        return available[0]
    if wanted not in available:
        raise ValueError(f"the {wanted!r} sandbox is not available here (available: {', '.join(available)})")
    return wanted


def _base_binds():
    args = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    return args


# ------------------------------------------------------------- limits ---

class Cgroup:
    """A cgroup of the run's own with memory and pids limits, if this process may create one."""

    def __init__(self, name, memory_bytes, max_pids):
        self.dirs, self.kind = [], None
        lines = open("/proc/self/cgroup").read().splitlines() if os.path.exists("/proc/self/cgroup") else []
        v1 = {}
        for line in lines:
            _, controllers, path = line.split(":", 2)
            for c in controllers.split(","):
                v1[c] = path
        try:
            if "memory" in v1 and os.path.isdir("/sys/fs/cgroup/memory"):
                for ctl, files in (("memory", {"memory.limit_in_bytes": memory_bytes}), ("pids", {"pids.max": max_pids})):
                    if ctl not in v1:
                        continue
                    d = os.path.join("/sys/fs/cgroup", ctl, v1[ctl].lstrip("/"), name)
                    os.mkdir(d)
                    self.dirs.append(d)
                    for f, v in files.items():
                        with open(os.path.join(d, f), "w") as fh:
                            fh.write(str(v))
                self.kind = "cgroup-v1"
            elif "" in v1 and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
                d = os.path.join("/sys/fs/cgroup", v1[""].lstrip("/"), name)
                os.mkdir(d)
                self.dirs.append(d)
                for f, v in (("memory.max", memory_bytes), ("pids.max", max_pids)):
                    with open(os.path.join(d, f), "w") as fh:
                        fh.write(str(v))
                self.kind = "cgroup-v2"
        except OSError:
            self.remove()
            self.dirs, self.kind = [], None

    def join_command(self):
        """Shell words that move the shell into the cgroup before it execs the sandbox."""
        return " && ".join(f"echo $$ > {d}/cgroup.procs" for d in self.dirs)

    def peak_bytes(self):
        for d in self.dirs:
            for f in ("memory.max_usage_in_bytes", "memory.peak"):
                try:
                    return int(open(os.path.join(d, f)).read())
                except (OSError, ValueError):
                    continue
        return None

    def oom(self):
        for d in self.dirs:
            try:
                text = open(os.path.join(d, "memory.events" if self.kind == "cgroup-v2" else "memory.oom_control")).read()
            except OSError:
                continue
            for line in text.splitlines():
                k, _, v = line.partition(" ")
                if k in ("oom_kill", "oom_kill ") and v.strip() not in ("", "0"):
                    return True
        return False

    def remove(self):
        """Kills whatever is left in the cgroup, then removes it."""
        for d in self.dirs:
            for _ in range(50):
                try:
                    pids = [int(p) for p in open(os.path.join(d, "cgroup.procs")).read().split()]
                except OSError:
                    break
                if not pids:
                    break
                for p in pids:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.1)
            try:
                os.rmdir(d)
            except OSError:
                pass


# -------------------------------------------------------- the sandbox ---

class Sandbox:
    """One run's sandbox: `command(argv)` wraps the grader child; `close()` ends everything it started.

    `dist` is the library the run sees (the student release, or the built library for the reference
    labs); `slot` is the parallel job's number (it picks the uid of a "uid" sandbox)."""

    def __init__(self, dist, slot, memory_mb, max_pids, heap_mb, max_file_mb, wanted="auto", env_pass=("LABS_FAST", "NNLABS_GRADE_RUN")):
        self.kind = kind(wanted)
        self.tmp = tempfile.mkdtemp(prefix="nnlabs-grade-")
        os.chmod(self.tmp, 0o755)
        self.dist, self.slot = dist, slot
        self.uid = UID_BASE + slot if self.kind == "uid" else None
        self.cgroup = Cgroup(os.path.basename(self.tmp), memory_mb << 20, max_pids)
        self.max_file = max_file_mb << 20
        self.heap_mb, self.max_pids = heap_mb, max_pids
        self.env_pass = env_pass
        self.proc = None
        if self.kind == "bwrap":
            self.course = COURSE
            os.makedirs(os.path.join(self.tmp, "notebooks"))
        else:
            # A copy of the library (the run must not change the grader's), the rest read-only where possible.
            self.course = os.path.join(self.tmp, "course")
            os.makedirs(os.path.join(self.course, "notebooks"))
            shutil.copytree(dist, os.path.join(self.course, "dist"), symlinks=True)
            for name in ("node_modules", "kernel", "package.json", "data"):  # data/: the data sets the course ships (lab 08)
                if os.path.exists(os.path.join(REPO, name)):
                    os.symlink(os.path.join(REPO, name), os.path.join(self.course, name))
            if self.uid is not None:
                os.chown(os.path.join(self.course, "notebooks"), self.uid, self.uid)
                os.chmod(self.tmp, 0o711)
        self.jupyter = os.path.join(self.tmp, "jupyter")
        spec = os.path.join(self.jupyter, "kernels", "tslab")
        os.makedirs(spec)
        course = self.course
        with open(os.path.join(spec, "kernel.json"), "w") as f:
            json.dump({"argv": [shutil.which("node") or "/usr/bin/node", f"--max-old-space-size={heap_mb}",
                                f"{course}/kernel/main.js", "--config-path", "{connection_file}"],
                       "display_name": "TypeScript", "language": "typescript", "interrupt_mode": "signal",
                       "metadata": {"nn-labs": {"repo": course}}}, f)

    def protections(self):
        return {"sandbox": self.kind, "limits": self.cgroup.kind or ("rlimit" if self.uid is not None else "node-heap")}

    def _env(self):
        inside_jupyter = f"{COURSE}/.jupyter" if self.kind == "bwrap" else self.jupyter
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp" if self.kind == "bwrap" else os.path.join(self.tmp, "home"),
               "JUPYTER_DATA_DIR": inside_jupyter, "JUPYTER_PATH": inside_jupyter, "JUPYTER_CONFIG_DIR": inside_jupyter + "/config",
               "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime" if self.kind == "bwrap" else os.path.join(self.tmp, "home", "runtime"),
               "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8", "NNLABS_SANDBOX": self.kind}
        for k in self.env_pass:
            if k in os.environ:
                env[k] = os.environ[k]
        if self.kind != "bwrap":
            os.makedirs(env["HOME"], exist_ok=True)
            if self.uid is not None:
                os.chown(env["HOME"], self.uid, self.uid)
        return env

    def start(self, argv, result_fd, stdin, stdout, stderr):
        """Starts `argv` (a Python script of the grader and its arguments) in the sandbox; the child
        inherits `result_fd` (and nothing else open)."""
        import sys
        py = os.path.realpath(sys.executable)
        script = argv[0]
        limits = ["prlimit", f"--fsize={self.max_file}", "--core=0"]
        if self.uid is not None:
            limits.append(f"--nproc={self.max_pids}")
        if self.kind == "bwrap":
            node = os.path.realpath(shutil.which("node") or "/usr/bin/node")
            cmd = ["bwrap", *_base_binds(),
                   "--ro-bind", self.dist, f"{COURSE}/dist",
                   "--ro-bind", os.path.join(REPO, "node_modules"), f"{COURSE}/node_modules",
                   "--ro-bind", os.path.join(REPO, "kernel"), f"{COURSE}/kernel",
                   "--ro-bind", os.path.join(REPO, "package.json"), f"{COURSE}/package.json",
                   *(["--ro-bind", os.path.join(REPO, "data"), f"{COURSE}/data"] if os.path.isdir(os.path.join(REPO, "data")) else []),
                   "--bind", os.path.join(self.tmp, "notebooks"), f"{COURSE}/notebooks",
                   "--ro-bind", self.jupyter, f"{COURSE}/.jupyter",
                   "--ro-bind", os.path.dirname(os.path.abspath(__file__)), f"{GRADER}/scripts"]
            for extra in {os.path.dirname(os.path.dirname(py)), os.path.dirname(os.path.dirname(node))}:
                if not extra.startswith("/usr"):
                    cmd += ["--ro-bind", extra, extra]
            cmd += ["--chdir", f"{COURSE}/notebooks", "--clearenv"]
            for k, v in self._env().items():
                cmd += ["--setenv", k, v]
            inner = [*limits, py, f"{GRADER}/scripts/{os.path.basename(script)}", *argv[1:]]
            cmd += ["--", *inner]
            env = None
        else:
            cmd = [*limits, py, script, *argv[1:]]
            env = self._env()
        if self.uid is not None:  # after the cgroup join below, which needs root
            cmd = ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", *cmd]
        if self.cgroup.dirs:
            cmd = ["/bin/sh", "-c", self.cgroup.join_command() + ' && exec "$@"', "sh", *cmd]
        self.proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=stderr, pass_fds=(result_fd,), env=env,
                                     cwd=os.path.join(self.course, "notebooks") if self.kind != "bwrap" else None,
                                     start_new_session=True)
        return self.proc

    def notebooks_dir(self):
        """The folder the child runs notebooks in, as seen from inside."""
        return f"{self.course}/notebooks"

    def close(self):
        """Ends every process the run started and removes its folder. Returns the peak memory (bytes) if known."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        if self.uid is not None:
            kill_uid(self.uid)
        elif self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        peak = self.cgroup.peak_bytes()
        self.cgroup.remove()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return peak


def remove_stale():
    """Removes the folders of sandboxes that no process uses any more (a grader that was killed leaves
    them; their processes died with it). A folder is in use while a process names it in its command
    line (bwrap binds it) or works in it."""
    prefix = os.path.join(tempfile.gettempdir(), "nnlabs-grade-")
    dirs = [os.path.join(tempfile.gettempdir(), d) for d in os.listdir(tempfile.gettempdir()) if d.startswith("nnlabs-grade-")]
    if not dirs:
        return
    used = set()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                words = f.read().decode("utf-8", "replace").split("\0")
            words.append(os.readlink(f"/proc/{p}/cwd"))
        except OSError:
            continue
        used.update(w[: w.find("/", len(prefix))] if "/" in w[len(prefix):] else w for w in words if w.startswith(prefix))
    for d in dirs:
        if d not in used:
            shutil.rmtree(d, ignore_errors=True)


def kill_uid(uid):
    """Kills every process of `uid` (kill(-1) from a child that has become that uid), until none is left."""
    for _ in range(20):
        pid = os.fork()
        if pid == 0:
            try:
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            os._exit(0)
        os.waitpid(pid, 0)
        if not any(_owner(p) == uid for p in os.listdir("/proc") if p.isdigit()):
            return
        time.sleep(0.1)


def _owner(pid):
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None
