"""JupyterHub 3.0 (Debian's `jupyterhub`) for the course, as the classroom test
(test/hub/classroom.test.ts) runs it: on 127.0.0.1, the course's kernel, each
user a private copy of the labs. Read by `jupyterhub -f test/hub/jupyterhub_config.py`.

Settings come from the environment (the test sets them):
  NNLAB_HUB_STATE     folder for the hub's database, cookie secret and pid file
  NNLAB_HUB_HOMES     folder holding one home directory per user
  NNLAB_HUB_PORT, NNLAB_HUB_API_PORT, NNLAB_HUB_PROXY_API_PORT   loopback ports
  NNLAB_HUB_USERS     comma-separated user names allowed to log in
  NNLAB_HUB_PASSWORD  their shared password (DummyAuthenticator)
  NNLAB_HUB_ADMIN_TOKEN  API token of the "class-test" service (admin role)
  NNLAB_LABS          folder whose notebooks/ and dist/ users get (default: this
                      checkout; for a class, `npm run student` output, build/student)
  LABS_FAST, JUPYTER_DATA_DIR   passed to the single-user servers and kernels

Test-only choices, to replace for a real class (docs/classroom.md):
DummyAuthenticator (one shared password) and SimpleLocalProcessSpawner (every
user's server runs as the hub's own Unix user, with no isolation between users).
"""
import os
import shutil

c = get_config()  # noqa: F821 (provided by JupyterHub)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LABS = os.environ.get("NNLAB_LABS", REPO)
STATE = os.environ["NNLAB_HUB_STATE"]
HOMES = os.environ["NNLAB_HUB_HOMES"]

c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ['NNLAB_HUB_PORT']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ['NNLAB_HUB_API_PORT']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['NNLAB_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = ["configurable-http-proxy"]
# Debian's proxy (node-configurable-http-proxy) finds its modules in /usr/share/nodejs,
# which Debian's nodejs searches and a Node.js from elsewhere (NodeSource, nvm) does not.
# The hub passes its environment to the proxy (not to users' servers).
if os.path.isdir("/usr/share/nodejs/configurable-http-proxy"):
    os.environ["NODE_PATH"] = os.pathsep.join(p for p in (os.environ.get("NODE_PATH"), "/usr/share/nodejs") if p)
c.JupyterHub.db_url = f"sqlite:///{os.path.join(STATE, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["NNLAB_HUB_PASSWORD"]
c.Authenticator.allowed_users = set(u for u in os.environ["NNLAB_HUB_USERS"].split(",") if u)

# The test drives the hub through its REST API with this service's token.
c.JupyterHub.services = [{"name": "class-test", "api_token": os.environ["NNLAB_HUB_ADMIN_TOKEN"]}]
c.JupyterHub.load_roles = [{"name": "admin", "services": ["class-test"]}]

c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(HOMES, "{username}")
c.Spawner.default_url = "/tree/notebooks"
# A loaded machine (or 30 logins at 9:00) needs more than the 10 s / 60 s defaults.
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180
if os.getuid() == 0:
    c.Spawner.args = ["--allow-root"]  # containers and CI run as root
c.Spawner.environment = {k: os.environ[k] for k in ("LABS_FAST", "JUPYTER_DATA_DIR", "LABS_BACKEND") if k in os.environ}
# The spawner sets HOME to the user's home, so a kernel that scripts/install-kernel.sh
# registered for the hub's own user (~/.local/share/jupyter) would not be found by
# users' servers: put the hub user's data folder on their JUPYTER_PATH. A real class
# registers the kernel system-wide instead (docs/classroom.md).
from jupyter_core.paths import jupyter_data_dir  # noqa: E402

c.Spawner.environment["JUPYTER_PATH"] = os.pathsep.join(
    p for p in (os.environ.get("JUPYTER_PATH"), jupyter_data_dir()) if p
)


def give_labs(spawner):
    """Before a user's first server starts: their own copy of the labs in ~/notebooks.

    The notebooks import ../dist/… and @tensorflow/tfjs, so the home also gets
    links to the built library and to node_modules (shared, read-only use).
    A copy that exists is left alone: a student's work survives a restart.
    """
    home = spawner.home_dir
    os.makedirs(home, exist_ok=True)
    notebooks = os.path.join(home, "notebooks")
    if not os.path.isdir(notebooks):
        os.makedirs(notebooks)
        src = os.path.join(LABS, "notebooks")
        for name in sorted(os.listdir(src)):
            if name.endswith(".ipynb"):
                shutil.copy2(os.path.join(src, name), notebooks)
    for name, target in (("dist", os.path.join(LABS, "dist")), ("node_modules", os.path.join(REPO, "node_modules"))):
        link = os.path.join(home, name)
        if not os.path.lexists(link):
            os.symlink(target, link)


c.Spawner.pre_spawn_hook = give_labs
