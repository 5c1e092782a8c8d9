"""The [[scenario]] tables: checked, run against a full recompute, written, reported."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from coordogeo.pipeline import load_config, run
from coordogeo.pipeline.config import ConfigError
from coordogeo.scenarios import baseline
from tests.pipeline.conftest import edited

OPENED = "Ouverture d'une MSP"
SUGGESTED = "Trois MSP aux meilleurs emplacements"


def _outcome(result, start):
    return next(o for o in result.scenarios if o.spec.name.startswith(start))


def test_the_sample_config_runs_one_scenario_of_each_kind(sample_run):
    scenarios = [o for o in sample_run.scenarios if not o.evolution]
    names = [o.spec.name for o in scenarios]
    assert len(names) == 5
    assert [o.evolution for o in sample_run.scenarios] == [False] * 5 + [True]
    changes = {o.spec.name: sorted(set(o.changes["change"])) for o in scenarios}
    assert changes[names[0]] == ["opened"]
    assert changes[names[1]] == ["closed"]
    assert changes[names[2]] == ["closed", "opened"]  # a move
    assert sorted(set(scenarios[3].comparison.structures["change"])) == ["capacity"]
    assert changes[SUGGESTED] == ["opened"]
    for outcome in sample_run.scenarios:
        ledger = outcome.comparison.ledger
        total = sample_run.places["population"].sum()
        assert np.allclose(ledger["total_before"], total)
        parts = ledger[["gained", "lost", "unchanged", "only_before"]].sum(axis=1)
        assert np.allclose(parts, total, rtol=1e-12)


def _same_as_a_recompute(places, side, again):
    """``places``' ``<side>`` times and index equal a from-scratch state's."""
    for kind in again.groups:
        want = again.nearest[f"travel_time_min_{kind}"].reindex(places.index)
        got = places[f"time_{side}_min_{kind}"]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)  # NaN beyond alike
    options = again.index_options
    assert again.index is not None and options is not None
    score = f"{options.method}_{options.capacity}_per_inhabitant"
    want = again.index.demand[score].reindex(places.index)
    np.testing.assert_allclose(places[f"index_{side}"], want, rtol=1e-12, atol=0)


def test_a_scenario_equals_a_full_recompute(sample_run):
    outcome = _outcome(sample_run, "Déménagement")
    inputs = sample_run.inputs
    again = baseline(
        inputs.network, inputs.places, outcome.structures, by="kind",
        max_time_min=outcome.max_time_min, index=outcome.index_options,
    )  # fmt: skip
    assert sorted(again.groups) == ["CDS", "MSP"]
    _same_as_a_recompute(outcome.comparison.places, "after", again)


def test_suggest_opens_the_exact_optimum(sample_run):
    outcome = _outcome(sample_run, SUGGESTED)
    assert any("optimum prouvé" in note for note in outcome.notes)
    within = outcome.comparison.summary.query(
        "indicator == 'population_within' and kind == 'MSP' and threshold == 20"
    )
    gained = float(within["change"].iloc[0])
    # the sites the run itself suggests greedily cover no more at 20 min
    greedy = sample_run.underserved.sites["population_gain"].sum()
    assert gained >= greedy - 1e-6
    assert gained == pytest.approx(99_909 - 82_227, abs=1.0)  # car profile, turns


def test_scenario_outputs_table_maps_and_report(sample_run):
    folder = sample_run.config.folder
    table = pd.read_csv(folder / "resultats_scenarios.csv", sep=";", decimal=",",
                        encoding="utf-8-sig")  # fmt: skip
    assert list(table.columns) == [
        "scenario", "indicateur", "type", "seuil_min", "avant", "apres", "evolution"
    ]  # fmt: skip
    assert set(table["scenario"]) == {o.spec.name for o in sample_run.scenarios}
    assert {"habitants_a_portee", "temps_moyen_min"} <= set(table["indicateur"])
    row = table[
        (table["scenario"] == SUGGESTED)
        & (table["indicateur"] == "habitants_a_portee")
        & (table["type"] == "MSP")
        & (table["seuil_min"] == 20)
    ]
    assert row["evolution"].iloc[0] == pytest.approx(17_682, abs=1)
    pages = sorted(p.name for p in folder.glob("carte_scenario_*.html"))
    assert len(pages) == 6
    overview = (folder / "carte_synthese.html").read_text(encoding="utf-8")
    assert all(page in overview for page in pages)  # linked from the overview
    # by the scenario's name, not the file's
    assert "Scénario : Renfort de la MSP-05" in overview
    assert "Évolution depuis le 2019-01-01" in overview
    report = (folder / "rapport.md").read_text(encoding="utf-8")
    assert "### Scénarios" in report
    assert report.count("Conservation (MSP)") >= 4
    assert "optimum prouvé" in report
    data = json.loads((folder / "rapport.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in data["scenarios"]] == [
        o.spec.name for o in sample_run.scenarios
    ]


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ('[[scenario]]\nclose = ["MSP-01"]\n', "`name` (a text) is required"),
        ('[[scenario]]\nname = "x"\n', "changes nothing"),
        ('[[scenario]]\nname = "x"\nsuggest = -1\n', "`suggest` must be"),
        ('[[scenario]]\nname = "x"\nopen = [{ insee = "00001" }]\n', "`kind`"),
        ('[[scenario]]\nname = "x"\nopen = [{ kind = "MSP" }]\n', "`insee`"),
        ('[[scenario]]\nname = "x"\nopen = "absent.csv"\n', "not found"),
        ('[[scenario]]\nname = "x"\ncapacity = { "MSP-01" = -1 }\n', "`capacity`"),
        ('[[scenario]]\nname = "x"\nclose = ["a"]\ncolse = 1\n', "unknown key"),
        (('[[scenario]]\nname = "x"\nclose = ["a"]\n[[scenario]]\nname = "x"\n'
         'close = ["b"]\n'), "used twice"),
        ("[scenario]\nname = 'x'\n", "[[scenario]]"),
    ],
)  # fmt: skip
def test_bad_scenarios_are_refused_with_their_name(sample_folder, scenario, message):
    text = (sample_folder / "config.toml").read_text(encoding="utf-8")
    head = text[: text.index("[[scenario]]")]
    path = sample_folder / "bad_scenario.toml"
    path.write_text(head + scenario, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path)


def test_unknown_ids_and_communes_stop_the_run_with_the_scenario_named(
    sample_folder, tmp_path
):
    for old, new, message in [
        ('close = ["CDS-02"]', 'close = ["CDS-99"]', "CDS-99"),
        ('insee = "00212"', 'insee = "99999"', "99999"),
    ]:
        path = edited(sample_folder, old, new)
        config = load_config(path).with_folder(tmp_path / message)
        with pytest.raises(ConfigError, match=message):
            run(config)
        assert not (tmp_path / message).exists()  # nothing written


def test_compare_as_of_is_the_evolution_since_that_date(sample_run):
    evolution = next(o for o in sample_run.scenarios if o.evolution)
    assert evolution.spec.name == "évolution depuis le 2019-01-01"
    structures = sample_run.inputs.structures
    timed = structures[structures["kind"].isin(["MSP", "CDS"])]
    since = timed.index[timed["date_opened"] > "2019-01-01"]
    assert sorted(since) == ["CDS-03", "MSP-11", "MSP-12", "MSP-13", "MSP-14"]
    changes = evolution.comparison.structures
    assert sorted(changes.index) == sorted(since)
    assert set(changes["change"]) == {"opened"}
    # the state of that date (the current one with the later structures closed)
    # is what a search from scratch gives, times and index alike
    assert evolution.index_options is not None
    assert sorted(evolution.structures_before.index) == sorted(timed.drop(since).index)
    sites = timed.drop(since)
    sites = sites.assign(capacity=sites["capacity"].astype(float))
    again = baseline(
        sample_run.inputs.network, sample_run.inputs.places, sites, by="kind",
        max_time_min=evolution.max_time_min, index=evolution.index_options,
    )  # fmt: skip
    _same_as_a_recompute(evolution.comparison.places, "before", again)
    ledger = evolution.comparison.ledger
    assert (ledger["lost"] == 0).all()  # openings only: nobody is farther
    assert (ledger["gained"] > 0).all()
    parts = ledger[["gained", "lost", "unchanged", "only_before"]].sum(axis=1)
    assert np.allclose(parts, ledger["total_before"], rtol=1e-12)
    report = (sample_run.config.folder / "rapport.md").read_text(encoding="utf-8")
    section = report[report.index("### Évolution dans le temps") :]
    assert "seules les ouvertures sont datées" in section
    assert "Conservation (MSP)" in section and "Conservation (CDS)" in section
    data = json.loads(
        (sample_run.config.folder / "rapport.json").read_text(encoding="utf-8")
    )
    assert [s["evolution"] for s in data["scenarios"]] == [False] * 5 + [True]


def _older_inputs(sample_folder, tmp_path):
    """Write an older side: MSP-14, CDS-03 not open yet, MSP-00 closed since.

    Its grid lacks three cells (a vintage where they were empty).
    """
    data = sample_folder / "donnees"
    sites = pd.read_csv(data / "structures.csv")
    closed = sites[sites["id"] == "MSP-01"].assign(id="MSP-00", name="Ancienne MSP")
    closed[["x", "y"]] += 4_000.0
    older = pd.concat([sites[~sites["id"].isin(["MSP-14", "CDS-03"])], closed])
    older.to_csv(tmp_path / "structures_2019.csv", index=False)
    grid = pd.read_csv(data / "carreaux.csv")
    dropped = grid.iloc[:3]
    grid.iloc[3:].to_csv(tmp_path / "carreaux_2019.csv", index=False)
    return dropped


def test_compare_before_another_config(sample_folder, tmp_path):
    dropped = _older_inputs(sample_folder, tmp_path)
    donnees = (sample_folder / "donnees").as_posix()
    text = (sample_folder / "config.toml").read_text(encoding="utf-8")
    text = text[: text.index("[[scenario]]")]  # no scenario: the evolution only
    older = text.replace(
        '"donnees/structures.csv"', f'"{(tmp_path / "structures_2019.csv").as_posix()}"'
    )
    older = older.replace(
        '"donnees/carreaux.csv"', f'"{(tmp_path / "carreaux_2019.csv").as_posix()}"'
    )
    older = older.replace('"donnees/', f'"{donnees}/')
    (tmp_path / "avant.toml").write_text(older, encoding="utf-8")
    path = sample_folder / "compare_before.toml"
    before = f'before = "{tmp_path.as_posix()}/avant.toml"'
    path.write_text(text.replace('as_of = "2019-01-01"', before), encoding="utf-8")
    result = run(load_config(path).with_folder(tmp_path / "out"))
    (evolution,) = result.scenarios
    assert evolution.evolution and evolution.spec.name == "évolution depuis avant"
    changes = evolution.comparison.structures["change"].to_dict()
    assert changes == {"MSP-14": "opened", "CDS-03": "opened", "MSP-00": "closed"}
    places = evolution.comparison.places
    only_after = places.index[places["presence"] == "only_after"]
    assert sorted(only_after) == sorted(dropped["Idcar_1km"])
    ledger = evolution.comparison.ledger
    assert ledger.loc["MSP", "only_after"] == pytest.approx(dropped["Ind"].sum())
    assert ledger.loc["MSP", "only_before"] == 0
    assert np.allclose(ledger["total_after"], result.places["population"].sum())
    assert ledger.loc["MSP", "lost"] > 0  # MSP-00 closed since
    keys = [r["key"] for r in result.ledger.inputs]
    assert "compare.before : inputs.structures" in keys
    assert "compare.before : inputs.population" in keys


def _commune_configs(sample_folder, tmp_path, *, history):
    """Write configs on communes; the older layer has 00106 as two former codes."""
    import geopandas as gpd  # noqa: PLC0415

    communes = gpd.read_file(sample_folder / "donnees" / "communes.gpkg")
    split = communes[communes["insee"] == "00106"]
    halves = pd.concat([split, split]).assign(insee=["00998", "00999"])
    halves["population"] = [split["population"].iloc[0] / 2] * 2
    older = pd.concat([communes[communes["insee"] != "00106"], halves])
    gpd.GeoDataFrame(older, crs=communes.crs).to_file(tmp_path / "communes_2015.gpkg")
    pd.DataFrame({
        "MOD": ["32", "32"], "DATE_EFF": ["2017-01-01"] * 2,
        "TYPECOM_AV": ["COM"] * 2, "COM_AV": ["00998", "00999"],
        "TYPECOM_AP": ["COM"] * 2, "COM_AP": ["00106", "00106"],
    }).to_csv(tmp_path / "mvtcommune.csv", index=False)  # fmt: skip
    donnees = (sample_folder / "donnees").as_posix()
    text = (sample_folder / "config.toml").read_text(encoding="utf-8")
    text = text[: text.index("[[scenario]]")]
    text = text.replace('population = "donnees/carreaux.csv"\n', "")
    text = re.sub(r"\n(age_weights|apl_below|consultations_per_fte) = [^\n]*", "", text)
    text = text.replace('method = "apl"', 'method = "e2sfca"')  # no age bands here
    text = text.replace('"donnees/', f'"{donnees}/')
    older = text.replace(
        f'"{donnees}/communes.gpkg"',
        f'"{(tmp_path / "communes_2015.gpkg").as_posix()}"',
    )
    (tmp_path / "avant.toml").write_text(older, encoding="utf-8")
    extra = f'\ncog_history = "{(tmp_path / "mvtcommune.csv").as_posix()}"' * history
    path = tmp_path / "apres.toml"
    path.write_text(text.replace(
        'as_of = "2019-01-01"',
        f'before = "{tmp_path.as_posix()}/avant.toml"' + extra,
    ), encoding="utf-8")  # fmt: skip
    return path


@pytest.mark.parametrize("history", [True, False])
def test_compare_before_brings_older_commune_codes_to_today(
    sample_folder, tmp_path, history
):
    path = _commune_configs(sample_folder, tmp_path, history=history)
    result = run(load_config(path).with_folder(tmp_path / "out"))
    (evolution,) = result.scenarios
    places = evolution.comparison.places
    total = result.places["population"].sum()
    ledger = evolution.comparison.ledger
    assert ledger.loc["MSP", "total_before"] == pytest.approx(total)  # none lost
    if history:  # merged back: the same commune on both sides, same inhabitants
        assert (places["presence"] == "both").all()
        assert places.loc["00106", "population_before"] == pytest.approx(
            places.loc["00106", "population_after"]
        )
        assert any("ramenées au COG actuel" in n for n in evolution.notes)
    else:  # listed on one side each, and a warning says how to fix it
        assert places.loc[["00998", "00999"], "presence"].eq("only_before").all()
        assert places.loc["00106", "presence"] == "only_after"
        assert any("compare.cog_history" in w for w in result.ledger.warnings)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('as_of = "hier"', "`compare.as_of` must be a date"),
        ('as_of = "2019-01-01"\nbefore = "config.toml"', "not both"),
        ('name = "x"', "needs `as_of`"),
        ('as_of = "2019-01-01"\ncog_history = "config.toml"', "applies to"),
        ('before = "absent.toml"', "compare.before"),
    ],
)
def test_bad_compare_sections_are_refused(sample_folder, section, message):
    path = edited(sample_folder, 'as_of = "2019-01-01"', section, name="bad_cmp.toml")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path)


def test_compare_as_of_without_dates_names_the_fix(sample_folder, tmp_path):
    sites = pd.read_csv(sample_folder / "donnees" / "structures.csv")
    sites.drop(columns="date_opened").to_csv(tmp_path / "s.csv", index=False)
    new = f'"{(tmp_path / "s.csv").as_posix()}"'
    path = edited(sample_folder, '"donnees/structures.csv"', new, name="nodates.toml")
    with pytest.raises(ConfigError, match="no opening date: give a `date_opened`"):
        run(load_config(path).with_folder(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_the_report_accounts_for_places_new_on_the_after_side(sample_folder, tmp_path):
    dropped = _older_inputs(sample_folder, tmp_path)
    donnees = (sample_folder / "donnees").as_posix()
    text = (sample_folder / "config.toml").read_text(encoding="utf-8")
    text = text[: text.index("[[scenario]]")]
    older = text.replace(
        '"donnees/carreaux.csv"', f'"{(tmp_path / "carreaux_2019.csv").as_posix()}"'
    )
    (tmp_path / "avant.toml").write_text(older.replace('"donnees/', f'"{donnees}/'),
                                         encoding="utf-8")  # fmt: skip
    before = f'before = "{tmp_path.as_posix()}/avant.toml"'
    path = tmp_path / "apres.toml"
    after = text.replace('"donnees/', f'"{donnees}/')
    path.write_text(after.replace('as_of = "2019-01-01"', before), encoding="utf-8")
    result = run(load_config(path).with_folder(tmp_path / "out"))
    report = (tmp_path / "out" / "rapport.md").read_text(encoding="utf-8")
    new = f"{dropped['Ind'].sum():,.0f}".replace(",", "\u202f")
    assert f"+ {new} nouveaux lieux" in report
    assert result.scenarios[0].comparison.ledger["only_after"].gt(0).all()


def test_compare_before_of_another_territory_is_refused_clearly(
    sample_folder, tmp_path
):
    from coordogeo.pipeline import init_folder  # noqa: PLC0415

    other = init_folder(tmp_path / "reunion", sample=True, territory="reunion")
    before = f'before = "{other.as_posix()}"'
    path = edited(sample_folder, 'as_of = "2019-01-01"', before, name="cmp_reu.toml")
    with pytest.raises(
        ConfigError,
        match=r"^\[compare\] \(évolution depuis reunion/"
        r"config\): `places` spans .* outside the area of 'EPSG:2154'",
    ):
        run(load_config(path).with_folder(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_a_scenario_page_draws_every_kind_it_changes(sample_run):
    folder = sample_run.config.folder
    closing = next(folder.glob("carte_scenario_2_*.html")).read_text("utf-8")
    # closing a centre de santé: the page is about the CDS, not the MSP
    assert "Fermeture du centre de santé CDS-02 (CDS)" in closing
    assert "accès — Centre de santé" in closing  # the layer named by its kind
    outcome = sample_run.scenarios[1]
    rows = outcome.comparison.summary.query(
        "indicator == 'population_within' and kind == 'CDS' and threshold == 20"
    )
    assert float(rows["change"].iloc[0]) < 0  # some lose the CDS within 20 min
    evolution = next(folder.glob("carte_scenario_6_*.html")).read_text("utf-8")
    assert "(MSP, CDS)" in evolution  # one layer per kind, one shown at a time
    assert "MSP — Habitants à 20 min ou moins" in evolution
    assert "CDS — Habitants à 20 min ou moins" in evolution
    one_at_a_time = "Un seul th\\u00e8me color\\u00e9"  # as the page's script says it
    assert one_at_a_time in evolution  # one kind shown at a time
    assert "accès — Maison de santé" not in closing  # no MSP layer: none closed


def test_a_capacity_only_scenario_draws_who_sees_the_index_change(sample_run):
    folder = sample_run.config.folder
    page = next(folder.glob("carte_scenario_4_*.html")).read_text("utf-8")
    # the renfort changes no time: the page draws each place's index change
    assert "Évolution de l&#x27;indice d&#x27;accessibilité" in page or (
        "\u00c9volution de l\u0027indice" in page
        or "Évolution de l'indice d'accessibilité" in page
    )
    assert "Évolution du temps d'accès" not in page
    outcome = sample_run.scenarios[3]
    summary = outcome.comparison.summary.set_index("indicator")
    up = float(summary.loc["population_index_up", "after"])
    down = float(summary.loc["population_index_down", "after"])
    places = outcome.comparison.places
    rises = places["index_after"] > places["index_before"] * 1.005
    assert up == pytest.approx(float(places.loc[rises, "population"].sum()))
    assert up > 0 and down == 0  # a renfort lowers nobody's index
    report = (folder / "rapport.md").read_text("utf-8")
    block = report.split("**Renfort de la MSP-05**")[1].split("**")[0]
    assert block.count("Capacité totale pour 100 000 hab.") == 1  # once, not per kind
    assert "Habitants dont l'indice augmente" in block


def test_scenario_pages_say_the_bound_their_classes_cross(sample_run):
    folder = sample_run.config.folder
    page = next(folder.glob("carte_scenario_3_*.html")).read_text("utf-8")
    # the scenario states stop at 30 min: "accessible" would mean something else
    # on this page than on the access map (off the roads or beyond 60 min)
    assert "Passe à 30 min ou moins" in page and "Passe au-delà de 30 min" in page
    assert "Devient accessible" not in page and "Perd l&#x27;accès" not in page
    assert "Temps moyen des habitants à 30 min ou moins (min)" in page


def test_the_run_proposes_the_sites_its_suggest_scenario_opens(sample_run):
    # one "three best sites" per run: the report, the stars and scenario 5 agree
    proposed = list(sample_run.underserved.sites.index)
    suggest = next(o for o in sample_run.scenarios if o.spec.suggest)
    opened = suggest.comparison.structures
    assert sorted(opened.index[opened["change"] == "opened"]) == sorted(proposed)
    assert sample_run.underserved.sites.attrs["optimal"]
    report = (sample_run.config.folder / "rapport.md").read_text("utf-8")
    assert "meilleur ensemble de 3 sites" in report and "optimum prouvé" in report
    page = (sample_run.config.folder / "carte_zones.html").read_text("utf-8")
    first = sample_run.underserved.sites.iloc[0]
    assert f"Site proposé 1 : {first['name']}</b>" in page  # a place, not an id
