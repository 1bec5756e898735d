"""docs/architecture-datasets.md holds the registry's table as its generator writes it."""

import re

from ingest.datasets import DATASETS, SNAPSHOT_DATASETS, markdown_table
from ingest.normalise.tables import SPECS
from tests.conftest import REPO
from warehouse.db import SCHEMA_FILE

DOC = REPO / "docs" / "architecture-datasets.md"
TABLE = re.compile(r"<!-- datasets table: .*? -->\n(.*?)<!-- end of datasets table -->", re.S)


def test_the_datasets_table_is_generated_from_the_registry():
    found = TABLE.search(DOC.read_text())
    assert found, "docs/architecture-datasets.md has no generated datasets table"
    assert found.group(1) == markdown_table(), (
        "the datasets table is stale: paste `python -m ingest.datasets --markdown` between "
        "its markers"
    )


def test_every_dataset_loads_tables_of_the_schema():
    tables = set(re.findall(r"create table if not exists (\w+)", SCHEMA_FILE.read_text()))
    for dataset in DATASETS:
        assert set(dataset.tables) <= tables, dataset.name


def test_every_snapshot_table_spec_is_a_dataset():
    assert set(SPECS) <= set(SNAPSHOT_DATASETS)


def test_live_datasets_name_snapshot_datasets_that_exist():
    for dataset in DATASETS:
        assert set(dataset.snapshot) <= set(SNAPSHOT_DATASETS), dataset.name
