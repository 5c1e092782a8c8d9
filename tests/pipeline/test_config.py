"""The config schema: loading, every problem named, help and docs from the schema."""

from pathlib import Path

import pandas as pd
import pytest

from coordogeo.pipeline.config import SCHEMA, ConfigError, load_config
from coordogeo.pipeline.inputs import read_inputs
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.schema_docs import (
    config_template,
    schema_markdown,
    schema_text,
)
from tests.pipeline.conftest import edited

DOCS = Path(__file__).resolve().parents[2] / "docs" / "config.md"


def test_the_sample_config_loads_with_its_values(sample_folder):
    config = load_config(sample_folder / "config.toml")
    assert config.kinds == ("MSP", "CDS")
    assert config.method == "apl" and config.apl_below == 2.5
    assert config.folder == (sample_folder / "resultats").resolve()
    assert config.communes == (sample_folder / "donnees" / "communes.gpkg").resolve()
    assert config.max_time_min == 60.0  # the default
    assert set(config.inputs) == {
        "inputs.communes",
        "inputs.population",
        "inputs.structures",
        "inputs.roads",
        "inputs.cpts_members",
        "inputs.candidates",
    }


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "[outputs]",
            "[output]",
            r"unknown section \[output\] \(did you mean `outputs`",
        ),
        (
            "[inputs]",
            "[inputs]\nstructure = 'x'",
            r"unknown key `inputs.structure` \(did you mean `structures`\?\)",
        ),
        (
            "# max_time_min = 60",
            "max_time_min = '60'",
            r"`parameters.max_time_min` must be a number > 0, got '60'",
        ),
        (
            "# max_time_min = 60",
            "max_time_min = nan",
            r"`parameters.max_time_min` must be a number > 0, got nan",
        ),
        (
            "# n_sites = 3",
            "n_sites = -1",
            r"`underserved.n_sites` must be a whole number >= 0",
        ),
        (
            "# n_jobs = 1",
            "n_jobs = 0",
            r"`parameters.n_jobs` must be a whole number >= 1 or -1",
        ),
        (
            "donnees/routes.gpkg",
            "donnees/nulle-part.gpkg",
            r"`inputs.roads`: no file at .*nulle-part.gpkg",
        ),
        (
            'method = "apl"',
            'method = "4sfca"',
            r"`index.method` is '4sfca'; choose one of",
        ),
        (
            '# lang = "fr"',
            'lang = "de"',
            r"`outputs.lang` is 'de'; choose one of fr, en",
        ),
        (
            'kinds = ["MSP", "CDS"]',
            "kinds = 3",
            r"`parameters.kinds` must be a list of texts",
        ),
        ('kinds = ["MSP", "CDS"]', 'kinds = ["MSP", "MSP"]', r"each once"),
        ("# min_snapped_pct = 50", "min_snapped_pct = 150", r"percentage \(0-100\)"),
        ('# kind = "MSP"', 'kind = "ESP"', r"`underserved.kind` is 'ESP', not one of"),
        ('method = "apl"', 'method = "2sfca"', r"`index.age_weights` applies to"),
    ],
)
def test_bad_values_name_the_key_and_the_fix(sample_folder, old, new, message):
    with pytest.raises(ConfigError, match=message):
        load_config(edited(sample_folder, old, new))


def test_every_problem_is_listed_at_once(sample_folder):
    path = edited(sample_folder, "[outputs]", "[outputs]\ncolour = 'red'\nlang = 3")
    path.write_text(
        path.read_text("utf-8").replace('communes = "donnees/communes.gpkg"', ""),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    text = str(raised.value)
    assert "3 problem(s)" in text
    assert "`outputs.colour`" in text and "`outputs.lang` must be a text" in text
    assert "`inputs.communes` is required" in text


def test_unreadable_files(tmp_path):
    with pytest.raises(ConfigError, match=r"not found; write one with `coordogeo init"):
        load_config(tmp_path / "absent.toml")
    (tmp_path / "bad.toml").write_text("[inputs\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "bad.toml")
    (tmp_path / "latin.toml").write_bytes("[inputs]\ncommunes = 'é'\n".encode("cp1252"))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "latin.toml")


def test_a_bom_is_accepted(sample_folder):
    path = sample_folder / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (sample_folder / "config.toml").read_bytes())
    assert load_config(path).kinds == ("MSP", "CDS")


def test_with_folder_overrides_only_the_folder(sample_folder, tmp_path):
    config = load_config(sample_folder / "config.toml")
    moved = config.with_folder(tmp_path / "ailleurs")
    assert moved.folder == (tmp_path / "ailleurs").resolve()
    assert moved.communes == config.communes and moved.kinds == config.kinds


def test_help_docs_and_template_list_every_key():
    text, page, template = schema_text(), schema_markdown(), config_template()
    for key in SCHEMA:
        assert f"    {key.name} (" in text
        assert f"| `{key.name}` |" in page
        assert f"# {key.name} = " in template
    assert DOCS.read_text(encoding="utf-8") == page, (
        "docs/config.md is generated: python -c 'from coordogeo.pipeline.schema_docs "
        'import schema_markdown; print(schema_markdown(), end="")\' > docs/config.md'
    )


def test_a_population_point_table_is_read_with_its_crs_and_cell_side(
    sample_folder, tmp_path
):
    ids = pd.read_csv(sample_folder / "donnees" / "carreaux.csv")
    parts = ids["Idcar_1km"].str.extract(r"N(\d+)E(\d+)$").astype(float)
    points = ids.drop(columns="Idcar_1km").assign(
        x=parts[1] + 500, y=parts[0] + 500
    )  # cell centres, in the sample's EPSG:2154
    path = tmp_path / "points.csv"
    points.to_csv(path, index=False)
    line = 'population = "donnees/carreaux.csv"'
    config = load_config(edited(sample_folder, line, (
        f'population = "{path.as_posix()}"\npopulation_crs = "EPSG:2154"\n'
        "population_cell_m = 1000"
    )))  # fmt: skip
    assert (config.population_crs, config.population_cell_m) == ("EPSG:2154", 1000)
    reference = read_inputs(load_config(sample_folder / "config.toml"), Ledger())
    places = read_inputs(config, Ledger()).places
    assert places.index.equals(reference.places.index)
    assert places["population"].to_numpy() == pytest.approx(
        reference.places["population"].to_numpy(), rel=1e-12
    )
    assert places.geometry.geom_equals_exact(reference.places.geometry, 1e-6).all()


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ('population_crs = "EPSG:2154"', "go together"),
        ("population_cell_m = 1000", "go together"),
    ],
)
def test_the_point_table_keys_go_together_and_with_a_grid(sample_folder, new, message):
    line = 'population = "donnees/carreaux.csv"'
    with pytest.raises(ConfigError, match=message):
        load_config(edited(sample_folder, line, f"{line}\n{new}"))
    with pytest.raises(ConfigError, match=r"describes `inputs\.population`"):
        load_config(edited(sample_folder, line, new))


def test_a_key_given_with_a_bad_value_is_not_also_called_missing(sample_folder):
    line = 'population = "donnees/carreaux.csv"'
    with pytest.raises(ConfigError) as caught:
        load_config(edited(sample_folder, line, (
            f'{line}\npopulation_crs = 2154\npopulation_cell_m = 1000'
        )))  # fmt: skip
    text = str(caught.value)
    assert "1 problem(s)" in text and "go together" not in text
    assert "e.g. 'EPSG:3035' (never guessed;" in text  # the whole first sentence
    with pytest.raises(ConfigError) as caught:
        load_config(edited(sample_folder, 'communes = "donnees/communes.gpkg"',
                           'communes = "nulle_part.gpkg"'))  # fmt: skip
    assert "1 problem(s)" in str(caught.value)
    assert "no file at" in str(caught.value) and "is required" not in str(caught.value)


def test_a_minimal_config_holds_every_default_the_schema_declares(tmp_path):
    """One declaration per key (a RunConfig field); a key not given: its default."""
    import dataclasses  # noqa: PLC0415

    from coordogeo.pipeline.schema import SCHEMA, RunConfig  # noqa: PLC0415

    for name in ("communes.gpkg", "structures.csv"):
        (tmp_path / name).write_text("x")
    path = tmp_path / "config.toml"
    path.write_text(
        '[inputs]\ncommunes = "communes.gpkg"\nstructures = "structures.csv"\n'
        '[outputs]\nfolder = "out"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    given = {"inputs.communes", "inputs.structures", "outputs.folder"}
    for key in SCHEMA:
        if key.dotted not in given:
            assert getattr(config, key.field) == key.default, key.dotted
    declared = {f.name for f in dataclasses.fields(RunConfig) if f.metadata}
    assert declared == {k.field for k in SCHEMA}  # the schema is the fields
    assert {f.name for f in dataclasses.fields(RunConfig)} - declared == {
        "scenarios",
        "source",
    }  # [[scenario]] tables and the file read: not keys
