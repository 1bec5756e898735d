"""docs/settings.md is what its generator writes, and the table covers every setting."""

from dataclasses import fields

from tests.conftest import REPO
from warehouse.settings import Settings, settings_markdown, table


def test_settings_doc_is_generated_from_the_settings_table():
    written = (REPO / "docs" / "settings.md").read_text()
    fix = "python -m warehouse.settings --markdown > docs/settings.md"
    assert written == settings_markdown(), f"docs/settings.md is stale: run `{fix}`"


def test_every_setting_has_a_variable_and_a_meaning():
    declared = {name for name, _, _ in table()}
    assert declared == {f.name for f in fields(Settings)} - {"extra"}
    for name, spec, _ in table():
        assert spec.env and spec.help, name
        assert f"`{spec.env[0]}`" in settings_markdown(), name


def test_the_table_drives_parsing():
    env = {spec.env[-1]: "7" for _, spec, _ in table() if spec.parse in (int, float)}
    settings = Settings.from_env(env=env)
    for name, spec, _ in table():
        if spec.parse in (int, float):
            assert getattr(settings, name) == 7, name
    assert Settings.from_env(env={"BUBBLEMETER_SEC_URL": "http://x/"}).sec_url == "http://x"
