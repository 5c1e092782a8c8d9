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
    names = [o.spec.name for o in sample_run.scenarios]
    assert len(names) == 5
    changes = {
        o.spec.name: sorted(set(o.changes["change"])) for o in sample_run.scenarios
    }
    assert changes[names[0]] == ["opened"]
    assert changes[names[1]] == ["closed"]
    assert changes[names[2]] == ["closed", "opened"]  # a move
    assert sorted(set(sample_run.scenarios[3].comparison.structures["change"])) == [
        "capacity"
    ]
    assert changes[SUGGESTED] == ["opened"]
    for outcome in sample_run.scenarios:
        ledger = outcome.comparison.ledger
        total = sample_run.places["population"].sum()
        assert np.allclose(ledger["total_before"], total)
        parts = ledger[["gained", "lost", "unchanged", "only_before"]].sum(axis=1)
        assert np.allclose(parts, total, rtol=1e-12)


def test_a_scenario_equals_a_full_recompute(sample_run):
    outcome = _outcome(sample_run, "Déménagement")
    inputs = sample_run.inputs
    again = baseline(
        inputs.network, inputs.places, outcome.state.structures, by="kind",
        max_time_min=outcome.state.max_time_min,
        index=outcome.state.index_options,
    )  # fmt: skip
    columns = [c for c in again.nearest.columns if c != "geometry"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(outcome.state.nearest[columns]),
        pd.DataFrame(again.nearest[columns]),
    )


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
    assert gained == pytest.approx(100_042 - 82_603, abs=1.0)


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
    assert row["evolution"].iloc[0] == pytest.approx(17_439, abs=1)
    pages = sorted(p.name for p in folder.glob("carte_scenario_*.html"))
    assert len(pages) == 5
    overview = (folder / "carte_synthese.html").read_text(encoding="utf-8")
    assert all(page in overview for page in pages)  # linked from the overview
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
