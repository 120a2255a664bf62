"""Browser tests: Debian's headless Chromium driven by Selenium against the whole platform
served over real HTTP (DESIGN §7a).

* ``browser`` (session): one headless Chromium (``/usr/bin/chromium``) through
  ``/usr/bin/chromedriver``, with a fresh profile; ``page`` (per test): that browser with
  no cookies and a 1366×900 window.
* ``portal`` (per test): accounts with the demo tree, content, media, feedback and polls,
  the outbox relays of accounts, content, feedback and polls (so events flow), and a
  gateway (public cache on) served by a threaded werkzeug server on a free loopback port.
  ``serve(app)`` (per test) serves another gateway app the same way, for a test whose pages
  need fewer services; both give a :class:`Portal` (``url(path)``, ``api``, ``login(user)``).
* ``axe_violations(driver)``: the page's WCAG 2.1 A/AA violations found by the vendored
  axe-core (``vendor/axe.min.js``); ``screenshots(driver, name)``: full-page PNGs at 360 and
  1366 px under ``var/artifacts/screenshots/``. Both are fixtures that return the function
  (this conftest, like the root one, is not importable; see ``client_of``).
* ``browse`` (per test): the steps every test takes, on ``page`` (a :class:`Browse`; its
  ``driver`` is ``page``): ``open(portal, path)`` opens a page and waits for it to load;
  ``sign_in(portal, username, then="/quan-tri/")`` signs a demo user in through the sign-in
  form (cookies cleared first, the demo password of ``"admin"`` or of everyone else) and checks
  it lands on ``then``; ``click_and_wait(element, confirm=False)`` clicks a link or a button and
  waits for the next page (accepting the script's confirmation first with ``confirm``);
  ``button(label, scope=None)`` finds a button by its text in ``<main>`` (or in ``scope``);
  ``flash()`` is the text of the flash messages; ``fill(field_id, value)`` replaces a field's
  value; ``loaded()`` waits for the document; ``accessible()`` asserts axe-core finds no
  serious or critical violation and ``clean(name)`` does that and takes the screenshots.

Nothing here fetches a browser or a driver: Selenium is handed both paths, and Selenium
Manager (which would download them) is switched off and refused outright.
``scripts/ensure-browser.sh`` (run by ``make test``) installs the two Debian packages.

Every test under this folder carries the ``browser`` marker (``-m "not browser"`` leaves
them out). None is a unit test (``platform_shared.testing.layers``: only files under a
``tests/unit/`` folder are, and ``make test-unit`` does not collect this folder).
"""

import json
import os
import re
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AXE_JS = HERE / "vendor" / "axe.min.js"
ARTIFACTS = ROOT / "var" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

# Headless, no sandbox (CI runs as root), nothing that reaches the network by itself
# (component updates, sync, background fetches, QUIC), Vietnamese UI and Accept-Language.
# --force-device-scale-factor=1 and --hide-scrollbars: a screenshot's width is the page's.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=vi",
    "--force-device-scale-factor=1",
    "--hide-scrollbars",
)
WINDOW = (1366, 900)
SCREENSHOT_WIDTHS = (360, 1366)
SCREENSHOT_MAX_HEIGHT = 6000
# The rules run by default: the standard the pages are held to (WCAG 2.1 AA).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

# Selenium Manager is the part of Selenium that downloads drivers and browsers: offline,
# no usage statistics, and (below) never started at all.
os.environ["SE_OFFLINE"] = "true"
os.environ["SE_AVOID_STATS"] = "true"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


# -- the browser ----------------------------------------------------------------------------


def _refuse_selenium_manager(*_args, **_kwargs):
    raise RuntimeError(
        "Selenium Manager was asked for a driver or a browser; it would download one. "
        f"Pass Service(executable_path={CHROMEDRIVER!r}) and options.binary_location={CHROMIUM!r}."
    )


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for the whole session (a fresh temporary profile); quit at the end."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} missing: the browser tests use Debian's chromium and "
            "chromium-driver; run scripts/ensure-browser.sh (make test does)",
            pytrace=False,
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    SeleniumManager.binary_paths = _refuse_selenium_manager

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi"})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    service = Service(executable_path=CHROMEDRIVER, log_output=str(ARTIFACTS / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser):
    """The session's browser for one test: no cookies or cache, a blank 1366×900 page."""
    browser.get("about:blank")
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.set_window_size(*WINDOW)
    yield browser
    browser.get("about:blank")  # nothing keeps talking to the test's server after it stops


# -- the platform ---------------------------------------------------------------------------


@pytest.fixture
def media_backend(tmp_path):
    """Media on the filesystem only: the browser tests are about pages, not storage backends
    (the root conftest's runs every media test on both)."""
    import uuid

    return {
        "MEDIA_STORAGE": "filesystem",
        "MEDIA_FS_ROOT": str(tmp_path / "media"),
        "MEDIA_URL_SIGNING_KEY": "test-signing-key-" + uuid.uuid4().hex,
    }


class Portal:
    """The platform of one test, served over HTTP at ``base`` (``http://127.0.0.1:<port>``)."""

    def __init__(self, base, app, api, passwords):
        self.base = base
        self.app = app
        self.api = api  # an ApiClient on the same app: set up data through /api/v1
        self._passwords = passwords
        self._tokens = {}

    def url(self, path="/"):
        return self.base + (path if path.startswith("/") else "/" + path)

    def login(self, username):
        """A token pair of a demo user (``"admin"``, ``"hanoi.admin"``, ...), as the ``login`` fixture."""
        if username not in self._tokens:
            password = self._passwords["admin"] if username == "admin" else self._passwords["demo"]
            self._tokens[username] = self.api.login(username, password)
        return self._tokens[username]

    def news(self, title, body, *, publish=True):
        """A news item written by Hà Nội's contributor through /api/v1 and submitted to the news
        desk; with ``publish``, the desk (laodong.editor) opens, approves and publishes it.
        Returns the article as its creation answered."""
        writer = self.api.as_(self.login("hanoi.contributor"))
        created = writer.post(
            "/api/v1/articles", json={"section": "news", "genre": "news", "title": title, "body": body}
        )
        assert created.status_code == 201, created.json
        path = f"/api/v1/articles/{created.json['id']}"
        assert writer.post(f"{path}/submit").status_code == 200
        if publish:
            desk = self.api.as_(self.login("laodong.editor"))
            for action in ("open", "approve", "publish"):
                assert desk.post(f"{path}/{action}").status_code == 200
        return created.json


@pytest.fixture
def serve(demo, client_of):
    """``serve(app)`` → a :class:`Portal` of that gateway app, served by a real HTTP server in a
    background thread until the test ends."""
    from werkzeug.serving import make_server

    running = []

    def start(app):
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="portal-http", daemon=True
        )
        thread.start()
        running.append((server, thread))
        return Portal(f"http://127.0.0.1:{server.server_port}", app, client_of(app), demo)

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def portal(demo, media_service, content_service, feedback_service, polls_service, relay, make_polls_gateway, serve):
    """The whole platform for one test, served by a real HTTP server in a background thread."""
    relay("accounts", "content", "feedback", "polls")
    return serve(make_polls_gateway(public_cache_ttl=300))


# -- axe-core -------------------------------------------------------------------------------


class AxeError(AssertionError):
    """axe-core could not check the page (not injected, rejected its options, timed out)."""


class Violations(list):
    """axe-core's violations (dicts: id, impact, help, help_url, nodes [{target, html, summary}]),
    shown one per paragraph by ``str()`` / ``report()``."""

    def __init__(self, items=(), url=""):
        super().__init__(items)
        self.url = url

    @property
    def ids(self):
        return [v["id"] for v in self]

    def report(self):
        if not self:
            return f"axe-core: no violations on {self.url}"
        lines = [f"axe-core: {len(self)} violation(s) on {self.url}"]
        for v in self:
            lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['help_url']})")
            for node in v["nodes"][:10]:
                lines.append(
                    f"    at {' '.join(json.dumps(t) if not isinstance(t, str) else t for t in node['target'])}"
                )
                lines.append(f"       {node['html'][:160]}")
                if node.get("summary"):
                    lines.append(f"       {' '.join(node['summary'].split())[:240]}")
            if len(v["nodes"]) > 10:
                lines.append(f"    … and {len(v['nodes']) - 10} more element(s)")
        return "\n".join(lines)

    __str__ = report


_AXE_RUN = """
const [options, done] = [arguments[0], arguments[arguments.length - 1]];
if (typeof window.axe === "undefined") { done({error: "axe is not defined in the page"}); return; }
window.axe.run(document, options).then(
  (result) => done({violations: result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, help_url: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }))}),
  (error) => done({error: String((error && error.message) || error)}),
);
"""


def axe_violations(driver, impacts=("serious", "critical"), tags=WCAG_TAGS, rules=None):
    """The open page's axe-core violations of the given impacts (``None``: every impact),
    checked against the rules of ``tags`` (WCAG 2.1 A and AA by default; ``None``: every
    rule) or only the rule ids in ``rules``. Raises :class:`AxeError` when axe cannot run."""
    from selenium.common.exceptions import WebDriverException

    url = driver.current_url
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    elif tags:
        options["runOnly"] = {"type": "tag", "values": list(tags)}
    try:
        if not driver.execute_script("return typeof window.axe !== 'undefined'"):
            driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
        outcome = driver.execute_async_script(_AXE_RUN, options)
    except WebDriverException as error:  # a timeout, a page that went away, a script error
        detail = (error.msg or str(error)).strip()  # the message without chromedriver's native stack
        raise AxeError(f"axe-core could not run on {url}: {type(error).__name__}: {detail}") from None
    if not isinstance(outcome, dict) or "error" in outcome:
        detail = outcome.get("error") if isinstance(outcome, dict) else repr(outcome)
        raise AxeError(f"axe-core could not run on {url} with {json.dumps(options)}: {detail}")
    found = [v for v in outcome["violations"] if impacts is None or v["impact"] in impacts]
    return Violations(found, url=url)


axe_violations.Error = AxeError


@pytest.fixture(name="axe_violations")
def axe_violations_fixture():
    """``axe_violations(driver, impacts=("serious", "critical"))`` → :class:`Violations`."""
    return axe_violations


# -- screenshots ----------------------------------------------------------------------------


def screenshots(driver, name, widths=SCREENSHOT_WIDTHS, max_height=SCREENSHOT_MAX_HEIGHT):
    """Full-page PNGs of the open page at each width (as a phone at 360 px: the page's viewport
    meta counts), ``var/artifacts/screenshots/<name>-<width>.png``; returns ``{width: path}``.
    The height is the document's, at most ``max_height``; the window is left as it was."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = {}
    try:
        for width in widths:
            metrics = {"width": width, "height": WINDOW[1], "deviceScaleFactor": 1, "mobile": width < 768}
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            height = driver.execute_script(
                "return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"
            )
            metrics["height"] = max(1, min(int(height), max_height))
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            path = SCREENSHOTS / f"{slug}-{width}.png"
            path.write_bytes(driver.get_screenshot_as_png())
            paths[width] = path
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return paths


@pytest.fixture(name="screenshots")
def screenshots_fixture():
    """``screenshots(driver, name)`` → ``{360: Path, 1366: Path}``."""
    return screenshots


# -- the steps of a test --------------------------------------------------------------------

LOAD_TIMEOUT = 20  # seconds for a document to load
CLICK_TIMEOUT = 30  # seconds for a click to lead to the next page


def _gone(element):
    """``expected_conditions.staleness_of``, with chromedriver's mid-navigation answer about the
    old page's node ("Node with given id does not belong to the document", an "unknown error"
    rather than a stale element; it failed a sign-in in CI once) taken as "look again"."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def gone(_driver):
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return False
            raise
        return False

    return gone


class Browse:
    """The steps every browser test takes, on one test's browser (``driver``, the ``page``)."""

    def __init__(self, driver):
        self.driver = driver

    def loaded(self, timeout=LOAD_TIMEOUT):
        """Wait until the open document has loaded (``document.readyState`` is complete)."""
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, timeout).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    def open(self, portal, path):
        """Open ``portal.url(path)`` and wait for it to load."""
        self.driver.get(portal.url(path))
        self.loaded()

    def click_and_wait(self, element, *, confirm=False, timeout=CLICK_TIMEOUT):
        """Click a link or a submit button and wait for the next page to have loaded; with
        ``confirm``, accept the confirmation the page's script asks first."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        if confirm:
            WebDriverWait(self.driver, 5).until(expected_conditions.alert_is_present())
            self.driver.switch_to.alert.accept()
        self.next_page(old, timeout=timeout)

    def next_page(self, old, *, timeout=CLICK_TIMEOUT):
        """Wait until the page whose ``<html>`` element is ``old`` has been replaced (the old one is
        still "complete" until then) and the new one has loaded."""
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, timeout).until(_gone(old))
        self.loaded()

    def images_loaded(self, images, *, timeout=LOAD_TIMEOUT):
        """Wait until every ``<img>`` of ``images`` shows a picture (``complete``, a natural width):
        one that is broken, or never loads, fails the test by timeout."""
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, timeout).until(
            lambda d: all(
                d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image)
                for image in images
            )
        )

    def button(self, label, scope=None):
        """The button whose text is ``label``: inside ``scope`` (an element), else in ``<main>``."""
        from selenium.webdriver.common.by import By

        if scope is None:
            return self.driver.find_element(By.XPATH, f"//main//button[normalize-space()='{label}']")
        return scope.find_element(By.XPATH, f".//button[normalize-space()='{label}']")

    def flash(self):
        """The text of the page's flash messages (``.notice.flash``), one space between them."""
        from selenium.webdriver.common.by import By

        return " ".join(e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".notice.flash"))

    def fill(self, field_id, value):
        """Replace the value of the field with that id by ``value``, typed."""
        from selenium.webdriver.common.by import By

        field = self.driver.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(value)

    def sign_in(self, portal, username, then="/quan-tri/", password=None):
        """Sign a demo user in through the sign-in form, with no cookie left from before, asked to
        go on to ``then`` (``None``: the form without ``?tiep=``, and no check of where it lands).
        The password is the demo one (``"admin"``'s own for ``"admin"``) unless given."""
        from selenium.webdriver.common.by import By

        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.open(portal, f"/dang-nhap?tiep={then}" if then else "/dang-nhap")
        if password is None:
            password = portal._passwords["admin" if username == "admin" else "demo"]
        self.driver.find_element(By.ID, "username").send_keys(username)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.click_and_wait(self.button("Đăng nhập"))
        if then:
            assert self.driver.current_url.endswith(then), self.driver.current_url

    def accessible(self):
        """axe-core finds no serious or critical WCAG 2.1 AA violation on the open page."""
        found = axe_violations(self.driver)
        assert not found, found.report()

    def clean(self, name):
        """:meth:`accessible`, then the page photographed (``screenshots(driver, name)``)."""
        self.accessible()
        return screenshots(self.driver, name)


@pytest.fixture
def browse(page):
    """:class:`Browse` on this test's ``page``."""
    return Browse(page)
