"""The sources YAML declares exactly the tables and columns of the source contract
(docs/source_contract.md, as data in pressure_outreach/contract.py), which is also what the
generator creates."""

from __future__ import annotations

import yaml

import support
from pressure_outreach import contract


def declared_sources() -> dict[str, list[str]]:
    declared = {}
    for path in sorted((support.PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            for table in source["tables"]:
                declared[f"{source['name']}.{table['name']}"] = [column["name"] for column in table["columns"]]
    return declared


def test_sources_yaml_declares_the_contract_exactly():
    expected = {table.qualified: table.column_names for table in contract.TABLES}
    assert declared_sources() == expected


def test_every_source_table_and_column_is_described():
    for path in sorted((support.PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            assert source.get("description"), source["name"]
            for table in source["tables"]:
                assert table.get("description"), table["name"]
                for column in table["columns"]:
                    assert column.get("description"), f"{table['name']}.{column['name']}"
