"""The demo maps in a real browser: headless Chromium, pages served on localhost.

Skips, saying why, where Chromium or Playwright is missing (``.ci/run`` installs
Debian's ``chromium``). Base tiles are answered with a blank image so that the test
needs no network; any other request leaving localhost fails the test.
"""

from __future__ import annotations

import functools
import http.server
import io
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PIL import Image

from coordogeo.access import nearest
from coordogeo.cli import main
from coordogeo.coverage import cpts_territories, overlaps_and_gaps
from coordogeo.datasets import sample_territory
from coordogeo.maps import MapLayers, access_map, overview_map
from coordogeo.network import RoadNetwork

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed (pip install playwright)"
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Tile servers answered with a blank tile (the test runs without network).
_TILE_HOSTS = ("data.geopf.fr", "tile.openstreetmap.org", "basemaps.cartocdn.com")
_BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
#: The layers and legend each demo map must show (French labels).
EXPECTED = {
    "carte_synthese.html": ("Territoires des CPTS", "Zones mal desservies"),
    "carte_couverture.html": ("Territoires des CPTS", "Couverture par les CPTS"),
    "carte_acces.html": ("Temps d'accès par la route", "Temps de trajet (min)"),
    "carte_indice.html": ("Accessibilité potentielle localisée", "C./an/hab."),
    "carte_zones.html": ("Zones mal desservies", "Sites proposés"),
    "carte_equite.html": ("Niveau de vie × temps d'accès", "tiers le plus modeste"),
    "carte_zonage.html": ("Zonage de type ZIP / ZAC", "hors vivier"),
    "carte_scenario_2_fermeture_du_centre_de_sante_cds_02.html": (
        "Évolution du temps d'accès",
        "Perd l'accès",
    ),
    "carte_scenario_5_trois_msp_aux_meilleurs_emplacements.html": (
        "Évolution du temps d'accès",
        "Structure ouverte",
    ),
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run the demo and serve its folder on a free localhost port."""
    if CHROMIUM is None:
        pytest.skip("Chromium not found (Debian: apt-get install chromium)")
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize("page_name", sorted(EXPECTED))
def test_demo_map_in_headless_chromium(served: str, page_name: str) -> None:
    errors: list[str] = []
    outside: list[str] = []
    dialogs: list[str] = []
    tiles: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(served):
            route.continue_()
        elif any(host in url for host in _TILE_HOSTS):
            tiles.append(url)
            route.fulfill(status=200, content_type="image/png", body=_BLANK_TILE)
        else:
            outside.append(url)
            route.abort()

    with sync_api.sync_playwright() as play:
        browser = play.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.on(
            "console", lambda m: errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.route("**/*", route)
        page.goto(f"{served}/{page_name}", wait_until="networkidle")
        layers = page.locator(
            ".leaflet-control-layers-overlays label"
        ).all_inner_texts()
        legend = page.locator(".coordogeo-legend").all_inner_texts()
        n_shapes = page.locator("path.leaflet-interactive").count()
        n_markers = page.locator(".leaflet-marker-icon").count()
        fullscreen = page.locator(".coordogeo-fullscreen a").count()
        summary = page.locator(".coordogeo-summary").all_inner_texts()
        framing = {
            "title": page.title(),
            "lang": page.evaluate("document.documentElement.lang"),
            "box": page.locator(".coordogeo-title").inner_text(),
            "source": page.locator(".coordogeo-source").inner_text(),
            "scale": page.locator(".leaflet-control-scale").inner_text(),
            "zoom": page.locator(".leaflet-control-zoom-in").get_attribute("title"),
            "outlines": page.locator("path.leaflet-interactive").count(),
        }
        shot = page.screenshot()
        browser.close()
    assert errors == [], f"console errors on {page_name}: {errors}"
    assert outside == [], f"{page_name} loads from the network: {outside}"
    layer_name, legend_text = EXPECTED[page_name]
    assert any(layer_name in text for text in layers), layers
    assert any(legend_text in text for text in [*legend, *layers]), legend
    assert n_shapes > 0 and fullscreen == 1
    assert dialogs == [], f"{page_name} opened a dialog: {dialogs}"
    _check_framing(framing, layers, tiles)
    if page_name in ("carte_synthese.html", "carte_zones.html"):
        assert n_markers > 0  # structures (clustered) and suggested sites
    if page_name.startswith("carte_scenario_"):
        assert len(summary) == 1 and "Habitants à 20 min ou moins" in summary[0]
        assert "Bilan" in summary[0] and "Avant" in summary[0]
    if page_name == "carte_equite.html":
        assert n_shapes >= 3_000  # every inhabited cell is drawn
        assert "↓ niveau de vie · → temps" in " ".join(legend)  # the 3 × 3 legend
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=float)
    assert pixels.std() > 10, "the screenshot is blank"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20


#: Names that break out of HTML, attributes, JS strings or template literals.
HOSTILE = (
    "x`+alert(document.domain)+`",
    "MSP de l`Étang",
    "${alert(1)}",
    "</script><script>alert(2)</script>",
    '"><img src=x onerror=alert(3)>',
    "{{ 7*7 }}",
    "'; alert(4); '",
)


def _hostile_pages(folder: Any) -> None:
    """Draw an overview and an access map whose every text is hostile."""
    s = sample_territory()
    sites = s.structures.assign(
        name=[HOSTILE[i % len(HOSTILE)] for i in range(len(s.structures))]
    )
    communes = s.communes.assign(
        nom=[f"{HOSTILE[i % len(HOSTILE)]}{i}" for i in range(len(s.communes))]
    )
    members = s.cpts_members.assign(
        cpts_name=s.cpts_members["cpts_id"].map(lambda c: HOSTILE[int(c[-1])])
    )
    msp = sites[sites["kind"] == "MSP"]
    cells = nearest(RoadNetwork.from_roads(s.roads), s.population, msp)
    layers = MapLayers(
        territories=cpts_territories(communes, members),
        overlaps_gaps=overlaps_and_gaps(communes, members),
        structures=sites,
        travel_times=cells,
    )
    overview_map(layers, links={HOSTILE[0]: "a.html"}).save(folder / "o.html")
    access_map(cells, sites).save(folder / "a.html")


@pytest.mark.parametrize("name", ["o.html", "a.html"])
def test_hostile_names_run_no_script_and_draw_everything(tmp_path, name):
    if CHROMIUM is None:
        pytest.skip("Chromium not found (Debian: apt-get install chromium)")
    _hostile_pages(tmp_path)
    errors: list[str] = []
    dialogs: list[str] = []
    with sync_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
        )
        page.goto((tmp_path / name).as_uri())
        page.wait_for_timeout(1_000)
        shapes = page.locator("path.leaflet-interactive").count()
        icons = page.locator(".leaflet-marker-icon")
        for i in range(min(icons.count(), 10)):  # open popups and tooltips
            icons.nth(i).dispatch_event("click")
            icons.nth(i).dispatch_event("mouseover")
        page.wait_for_timeout(300)
        opened = page.locator(".leaflet-popup-content").count()
        browser.close()
    assert errors == [] and dialogs == [], (errors, dialogs)
    assert shapes > (50 if name == "o.html" else 3_000)  # every feature is drawn
    assert opened >= 1  # a popup with a hostile name opened, and ran nothing


def _check_framing(
    framing: dict[str, Any], layers: list[str], tiles: list[str]
) -> None:
    """Title, source line, page title and language, French controls, IGN tiles."""
    assert "Val-d'Ombre" in framing["title"] and framing["lang"] == "fr"
    assert "Val-d'Ombre (territoire fictif)" in framing["box"]
    assert "Sources : données fictives" in framing["source"]
    assert "traitement coordogeo" in framing["source"]
    assert "km" in framing["scale"] and " mi" not in framing["scale"]
    assert framing["zoom"] == "Zoom avant"
    assert not any("travel_time_min" in text for text in layers)  # no column name
    # the default background is Plan IGN: no OpenStreetMap tile is asked for
    assert tiles and all("data.geopf.fr" in url for url in tiles)


def test_legends_follow_their_layers_and_print_hides_controls(served):
    with sync_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(served) else r.abort(),
        )
        page.goto(f"{served}/carte_synthese.html")
        page.wait_for_timeout(500)

        def shown() -> list[str]:
            texts = page.locator(".coordogeo-legend:visible").all_inner_texts()
            return [t.split("\n")[0] for t in texts]

        opening = shown()
        page.locator(".leaflet-control-layers").hover()
        row = page.locator(".leaflet-control-layers-overlays label")
        row.filter(has_text="Temps d'accès par la route").locator("input").check()
        after_on = shown()
        row.filter(has_text="Zones mal desservies").locator("input").uncheck()
        after_off = shown()
        page.emulate_media(media="print")
        controls = page.locator(".leaflet-control-zoom:visible").count()
        links = page.locator(".coordogeo-links:visible").count()
        title = page.locator(".coordogeo-title:visible").count()
        browser.close()
    # at opening only the layers shown have their legend (times and APL are off)
    assert "Temps de trajet (min)" not in opening and "Zones mal desservies" in opening
    assert "Accessibilité potentielle localisée" not in opening
    assert "Temps de trajet (min)" in after_on
    assert "Zones mal desservies" not in after_off
    assert controls == 0 and links == 0 and title == 1  # printed: no control


def test_the_commune_search_finds_a_commune_offline(served):
    with sync_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(served) else r.abort(),
        )
        page.goto(f"{served}/carte_acces.html")
        page.wait_for_timeout(500)
        names = page.locator("#coordogeo-communes option").evaluate_all(
            "options => options.map(o => o.value)"
        )
        before = page.evaluate("Object.values(window).find(v => v && v._leaflet_id "
                               "&& v.getZoom).getZoom()")  # fmt: skip
        box = page.locator(".coordogeo-search input")
        box.fill(names[10])
        box.press("Enter")
        page.wait_for_timeout(600)
        after = page.evaluate("Object.values(window).find(v => v && v._leaflet_id "
                              "&& v.getZoom).getZoom()")  # fmt: skip
        browser.close()
    assert len(names) == 214  # every commune of the sample
    assert after > before  # zoomed onto the commune found
