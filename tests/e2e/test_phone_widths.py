"""No public page scrolls sideways on a phone (WCAG 1.4.10 reflow), in Swedish and English.

Every public page is opened at 360 and 320 px with the demo data, after one premises and one
land plot got a long unbroken title (as an officer may paste a property designation or
a compound word), and `document.documentElement.scrollWidth` must not exceed the
viewport. Wide tables may scroll inside their own container; the page itself may not.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import block_foreign

pytestmark = pytest.mark.e2e

# 360 px is the common Android width; 320 px the narrowest phone still sold (and 400 % zoom of 1280).
WIDTHS = [360, 320]
LANGS = ["sv", "en"]
# A Swedish compound as officers write them, with no place where a browser may break it.
LONG_WORD = "Logistikfastighetsförvaltningsaktiebolagetskombiterminalsanslutningsspår"

OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const wide = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    const inside = [...e.children].some(c => c.getBoundingClientRect().right > root.clientWidth + 1);
    if (r.right > root.clientWidth + 1 && r.width > 0 && !inside && !e.closest('.table-scroll, .leaflet-container'))
      wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(r.right));
  }
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide.slice(0, 6)};
}"""


def _long_titles() -> dict[str, int]:
    """Give the newest visible premises and land plot a long unbroken title; their ids."""
    from django.apps import apps

    Premises = apps.get_model("premises", "Premises")
    LandPlot = apps.get_model("land", "LandPlot")
    premises = Premises.objects.visible().newest_first().first()
    plot = LandPlot.objects.visible().order_by("-published_at", "-pk").first()
    assert premises is not None and plot is not None, "no visible demo listings"
    Premises.objects.filter(pk=premises.pk).update(title=f"{LONG_WORD} {premises.title}")
    LandPlot.objects.filter(pk=plot.pk).update(name=f"{LONG_WORD} {plot.name}")
    return {"premises": premises.pk, "land": plot.pk}


def _first_href(page, pattern: str) -> str:
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        if re.search(pattern, href.split("?")[0]):
            return href
    raise AssertionError(f"no link matching {pattern} on {page.url}")


def _public_pages(page, lang: str, ids: dict[str, int]) -> list[str]:
    """Every public page type in `lang`; detail pages found the way a visitor finds them."""
    urls = [
        f"/{lang}/",
        f"/{lang}/premises/",
        f"/{lang}/premises/?q={LONG_WORD[:20]}&area_min=100&municipality=1880",
        f"/{lang}/premises/{ids['premises']}/",
        f"/{lang}/land/",
        f"/{lang}/land/{ids['land']}/",
        f"/{lang}/nki/",
        f"/{lang}/nki/?municipality=1880&municipality=1860",
        f"/{lang}/nki/1880/",
        f"/{lang}/skills/",
        f"/{lang}/skills/outcomes/",
        f"/{lang}/establish/",
        f"/{lang}/privacy/",
        f"/{lang}/accessibility/",
        f"/{lang}/compare/?premises={ids['premises']}&land={ids['land']}",
    ]
    page.goto(f"/{lang}/skills/")
    urls.append(_first_href(page, rf"^/{lang}/skills/programmes/\d+/$"))
    urls.append(_first_href(page, rf"^/{lang}/skills/occupations/\d+/$"))
    return urls


@pytest.mark.parametrize("width", WIDTHS)
def test_no_public_page_scrolls_sideways_on_a_phone(browser, live_server, demo, width):
    demo()
    ids = _long_titles()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=1,
    )
    context.route("**/*", block_foreign)
    failures = []
    try:
        page = context.new_page()
        for lang in LANGS:
            for url in _public_pages(page, lang, ids):
                response = page.goto(url)
                if response.status != 200:
                    failures.append(f"{url}: answered {response.status}")
                    continue
                page.wait_for_load_state("networkidle")
                measured = page.evaluate(OVERFLOW_JS)
                assert measured["client"] == width
                if measured["scroll"] > width:
                    failures.append(f"{url}: {measured['scroll']} px wide; too wide: {measured['wide']}")
    finally:
        context.close()
    assert not failures, f"pages wider than {width} px:\n" + "\n".join(failures)
