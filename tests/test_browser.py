"""The demo maps in a real browser: headless Chromium, pages served on localhost.

Skips, saying why, where Chromium or Playwright is missing (``.ci/run`` installs
Debian's ``chromium``). Base tiles are answered with a blank image so that the test
needs no network; any other request leaving localhost fails the test.
"""

from __future__ import annotations

import contextlib
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
        "Passe au-delà de 30 min",
    ),
    "carte_scenario_5_trois_msp_aux_meilleurs_emplacements.html": (
        "Évolution du temps d'accès",
        "Structure ouverte",
    ),
    "carte_scenario_6_evolution_depuis_le_2019_01_01.html": (
        "Évolution du temps d'accès",
        "Passe à 30 min ou moins",
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
        # open popups and tooltips of the markers drawn (not clusters: a click on
        # one zooms in, and the markers it held are drawn anew)
        for icon in page.locator(".leaflet-marker-icon:not(.marker-cluster)").all()[
            :10
        ]:
            icon.dispatch_event("click")
            icon.dispatch_event("mouseover")
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


@contextlib.contextmanager
def _laptop_page(served: str, page_name: str) -> Iterator[Any]:
    """Open a demo page at 1366 x 768 with only the local server reachable."""
    with sync_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(served) else r.abort(),
        )
        page.goto(f"{served}/{page_name}")
        page.wait_for_timeout(500)
        try:
            yield page
        finally:
            browser.close()


def test_legends_follow_their_layers_and_print_hides_controls(served):
    with _laptop_page(served, "carte_synthese.html") as page:

        def shown() -> list[str]:
            texts = page.locator(".coordogeo-legend:visible").all_inner_texts()
            return [t.split("\n")[0] for t in texts]

        opening = shown()
        page.locator(".leaflet-control-layers").hover()
        row = page.locator(".leaflet-control-layers-overlays label")
        themes = row.locator("input[type=radio]").count()
        row.filter(has_text="Temps d'accès par la route").locator("input").check()
        after_times = shown()
        row.filter(has_text="Accessibilité potentielle").locator("input").check()
        after_apl = shown()
        checked = row.locator("input[type=radio]:checked").count()
        row.filter(has_text="Territoires des CPTS").locator("input").uncheck()
        after_off = shown()
        page.mouse.move(600, 300)
        page.locator(".coordogeo-legend-panel summary").click()  # folded
        folded = page.locator(".coordogeo-legend:visible").count()
        page.locator(".coordogeo-legend-panel summary").click()  # unfolded again
        hints = page.locator(".coordogeo-hint:visible").count()
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        printed = page.locator(".coordogeo-legend:visible").count()
        printed_hints = page.locator(".coordogeo-hint:visible").count()
        controls = page.locator(".leaflet-control-zoom:visible").count()
        links = page.locator(".coordogeo-links:visible").count()
        title = page.locator(".coordogeo-title:visible").count()
    # at opening only the layers shown have their legend (times and APL are off)
    assert "Temps de trajet (min)" not in opening and "Zones mal desservies" in opening
    assert "Accessibilité potentielle localisée" not in opening
    # the coloured themes are radio buttons: one on, its legend only
    assert themes == 4 and checked == 1
    assert "Temps de trajet (min)" in after_times
    assert "Zones mal desservies" not in after_times
    assert "Accessibilité potentielle localisée (APL) (C./an/hab.)" in after_apl
    assert "Temps de trajet (min)" not in after_apl
    assert "Couverture par les CPTS" in after_apl
    assert "Couverture par les CPTS" not in after_off
    assert folded == 0 and printed >= 2  # the panel folds, and prints unfolded
    assert hints >= 1 and printed_hints == 0  # "a click shows them": on screen only
    assert controls == 0 and links == 0 and title == 1  # printed: no control


def test_worst_communes_table_zooms_and_clusters_hide_nothing(served):
    with _laptop_page(served, "carte_indice.html") as page:
        zoom = ("Object.values(window).find(v => v && v._leaflet_id && v.getZoom)"
                ".getZoom()")  # fmt: skip
        page.locator(".coordogeo-ranking summary").click()
        rows = page.locator(".coordogeo-ranking tr[data-bounds]")
        n_rows, first = rows.count(), rows.first.inner_text()
        before = page.evaluate(zoom)
        rows.first.click()
        page.wait_for_timeout(600)
        after = page.evaluate(zoom)
        badges = page.locator(".coordogeo-legend", has_text="Structures proches")
        legend = badges.count()
        page.goto(f"{served}/carte_synthese.html")
        page.wait_for_timeout(500)
        page.locator(".leaflet-control-layers").hover()
        row = page.locator(".leaflet-control-layers-overlays label")
        shown = page.locator(".coordogeo-site").count()
        clusters = page.locator(".marker-cluster").count()
        row.locator("input[type=checkbox]").and_(
            row.filter(has_text="Maison de santé pluri").locator("input")
        ).uncheck()
        without_msp = page.locator(".coordogeo-site").count()
        colour = page.locator(".marker-cluster div").first.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        page.emulate_media(media="print")
    assert n_rows == 10 and "0,00" in first  # the lowest APL, decimal comma
    assert after > before  # zoomed onto it
    assert legend == 1
    assert shown > 0 and clusters > 0 and without_msp < shown  # one cluster, by kind
    assert colour == "rgba(60, 60, 60, 0.85)"  # grey, unlike any index class


def test_the_commune_search_finds_a_commune_offline(served):
    with _laptop_page(served, "carte_acces.html") as page:
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
    assert len(names) == 214  # every commune of the sample
    assert after > before  # zoomed onto the commune found


#: Every box a page draws over its map.
_BOXES = (
    ".coordogeo-title, .coordogeo-legend-panel, .coordogeo-links, .coordogeo-source, "
    ".coordogeo-downloads, .coordogeo-ranking, .coordogeo-summary, "
    ".leaflet-control-layers, .leaflet-control-zoom, .coordogeo-fullscreen, "
    ".coordogeo-search, .leaflet-control-scale"
)
_MEASURE = """() => {
    const map = Object.values(window).find(v => v && v._leaflet_id && v.getZoom);
    const boxes = [...document.querySelectorAll(SELECTORS)]
        .map(el => [el.className.split(" ")[0], el.getBoundingClientRect()])
        .filter(([, r]) => r.width > 0 && r.height > 0)
        .map(([name, r]) => [name, [r.left, r.top, r.right, r.bottom]]);
    let bounds = null;
    map.eachLayer(layer => {
        if (layer instanceof L.GeoJSON && layer.getLayers().length) {
            bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(
                layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
        }
    });
    const a = map.latLngToContainerPoint(bounds.getNorthWest());
    const b = map.latLngToContainerPoint(bounds.getSouthEast());
    const box = map.getContainer().getBoundingClientRect();
    return {boxes: boxes, zoom: map.getZoom(),
            territory: [a.x + box.left, a.y + box.top, b.x + box.left, b.y + box.top],
            toggle: document.querySelector(".leaflet-control-layers-toggle").title,
            labels: document.querySelectorAll(".coordogeo-label").length};
}"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize(
    "page_name",
    ["carte_synthese.html", "carte_indice.html", "carte_equite.html",
     "carte_scenario_2_fermeture_du_centre_de_sante_cds_02.html"],
)  # fmt: skip
def test_boxes_cover_neither_each_other_nor_the_territory(served, page_name):
    with _laptop_page(served, page_name) as page:
        page.wait_for_timeout(700)  # fitted once the page is laid out
        seen = page.evaluate(_MEASURE.replace("SELECTORS", repr(_BOXES)))
    boxes, territory = seen["boxes"], seen["territory"]
    assert len(boxes) >= 8
    for k, (name, box) in enumerate(boxes):
        for other, box2 in boxes[k + 1 :]:
            assert not _overlap(box, box2), f"{name} covers {other}"
        assert not _overlap(box, territory), f"{name} covers the territory"
    width, height = territory[2] - territory[0], territory[3] - territory[1]
    assert width > 300 or height > 300
    assert seen["toggle"] == "Couches"  # Leaflet's "Layers", in French
    assert seen["labels"] >= 5
