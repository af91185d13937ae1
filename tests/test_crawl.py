"""Every staff page, for every role, in a real browser: no axe violation (WCAG 2.1 AA), no
sideways scrolling on a phone (390 × 844) or a laptop (1366 × 768), no console error, no 5xx.

The demo is loaded (every feature has data there), then each role's pages are found by following
the links of the pages themselves, from the role's home: same origin, GET only, no sign-out, no
file downloads, the Django admin left out (operators only), buyers' pages left to their own tests
(tests/buyer, the buyer's space). Two links to the same URL pattern with the same query
parameters count as one page (a hundred campaigns are one campaign page), so that the crawl's
cost follows the number of kinds of page, not the data. A new page reached by a link is crawled
without anyone having to list it.

Each page is loaded once at desktop size, checked, then narrowed to the phone and checked again.
The test prints, per role, the pages crawled and the heaviest and slowest of them.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from cooperatives.models import User
from tests.buyer.conftest import browser, check_axe, describe_violations  # noqa: F401  (fixture)

pytestmark = pytest.mark.integration

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
ROLES = {
    "staff": "collaborateur",
    "director": "dirigeant",
    "board": "administrateur",
    "federation": "federation",
}
MAX_PAGES_PER_ROLE = 150
# Not crawled: signing out, the operators' admin, the buyers' pages (their own browser tests),
# and what is not a page (files).
SKIPPED_PREFIXES = ("/admin/", "/accounts/logout", "/r/", "/d/", "/mon-espace/", "/static/")
FILE_SUFFIXES = (".pdf", ".csv", ".xlsx", ".zip", ".png", ".jpg", ".jpeg", ".svg", ".ico")


@dataclass
class RoleCrawl:
    role: str
    pages: dict[str, tuple[int, float]] = field(default_factory=dict)  # url: (bytes, ms)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.pages:
            return f"{self.role}: no page"
        heaviest = max(self.pages.items(), key=lambda item: item[1][0])
        slowest = max(self.pages.items(), key=lambda item: item[1][1])
        return (
            f"{self.role}: {len(self.pages)} pages; heaviest {heaviest[0]} "
            f"({heaviest[1][0] / 1000:.1f} KB); slowest {slowest[0]} ({slowest[1][1]:.0f} ms)"
        )


def page_key(path: str, query: str) -> str | None:
    """The kind of page a link leads to: its URL pattern and the names of its parameters."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    names = sorted({name for name, _ in parse_qsl(query)})
    return f"{match.route}?{'&'.join(names)}"


def crawlable(base: str, url: str) -> str | None:
    """The same-origin path (with its query) a link leads to, or None when it is not crawled."""
    parts = urlsplit(urljoin(base + "/", url))
    if f"{parts.scheme}://{parts.netloc}" != base:
        return None
    path = parts.path
    if path.startswith(SKIPPED_PREFIXES) or path.lower().endswith(FILE_SUFFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


# The elements that stick out on the right (innermost, not clipped by a scrolling box), named so
# that a failure says what to fix.
CULPRITS = """(limit) => {
  const out = (el) => el.getBoundingClientRect().right > limit + 1;
  const clipped = (el) => {
    // A scrolling box clips a positioned element only when it contains it (a visually hidden
    // text in a scrolling table sticks out of a box that is not positioned itself).
    const position = getComputedStyle(el).position;
    if (position === "fixed") return false;
    let contained = position !== "absolute";
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.position !== "static") contained = true;
      if (contained && style.overflowX !== "visible" && !out(a)) return true;
    }
    return false;
  };
  const label = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  const names = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!out(el) || [...el.children].some(out) || clipped(el)) continue;
    const name = (el.parentElement ? label(el.parentElement) + " > " : "") + label(el);
    if (!names.includes(name)) names.push(name);
  }
  return names.slice(0, 5);
}"""


def overflow(page, size: dict) -> str | None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > size["width"]:
        culprits = page.evaluate(CULPRITS, size["width"])
        return f"{width}px wide at {size['width']}px ({'; '.join(culprits)})"
    return None


def crawl(chromium, base: str, role: str, username: str) -> RoleCrawl:
    client = Client()
    client.force_login(User.objects.get(username=username))
    context = chromium.new_context(viewport=DESKTOP, locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(20_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    result = RoleCrawl(role)
    queue, seen = ["/"], {"/?"}
    while queue and len(result.pages) < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        console.clear()
        page.set_viewport_size(DESKTOP)
        started = time.monotonic()
        try:
            response = page.goto(base + path, wait_until="load")
        except Exception as exc:  # a download, or a page that never loads
            if "Download is starting" not in str(exc):
                result.problems.append(f"{path}: {exc}")
            continue
        elapsed = (time.monotonic() - started) * 1000
        if response is None:
            continue
        if response.status >= 500:
            result.problems.append(f"{path}: HTTP {response.status}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        where = page.url.removeprefix(base)
        if where in result.pages:  # a link that redirected to a page already checked
            continue
        result.pages[where] = (len(response.body()), elapsed)
        for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
            page.set_viewport_size(size)
            found = check_axe(page)
            if found:
                result.problems.append(describe_violations(f"{where} ({label})", found))
            wide = overflow(page, size)
            if wide:
                result.problems.append(f"{where} ({label}): {wide}")
        if console:
            result.problems.append(f"{where}: console errors {console}")
        for href in page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.href)"):
            target = crawlable(base, href)
            if target is None:
                continue
            parts = urlsplit(target)
            key = page_key(parts.path, parts.query)
            if key is not None and key not in seen:
                seen.add(key)
                queue.append(target)
    context.close()
    return result


def test_every_staff_page_of_every_role_is_accessible_fits_a_phone_and_answers(
    transactional_db,
    live_server,
    browser,  # noqa: F811
    settings,
    capsys,
):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False

    crawls = [crawl(browser, live_server.url, role, user) for role, user in ROLES.items()]

    with capsys.disabled():
        print("\n" + "\n".join(c.summary() for c in crawls))
    for c in crawls:
        assert len(c.pages) >= 5, f"{c.role}: only {sorted(c.pages)} crawled"
    problems = [f"[{c.role}] {p}" for c in crawls for p in c.problems]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
