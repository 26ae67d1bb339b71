"""The one list of cloud providers agrees with every data file that names them."""

from __future__ import annotations

from importlib.resources import files

import pytest

from assessment.bank.loader import default_bank
from assessment.clouds import CLOUD_KEYS, CLOUD_PROVIDERS, cloud_provider, named_cloud
from assessment.evidence.mapping import provider_mapping
from assessment.evidence.models import provider_title
from assessment.scoping.carveout import provider_name
from assessment.scoping.text import named_provider
from assessment.scoping.vendors import all_vendors


def test_every_cloud_is_a_hosting_option_a_vendor_and_a_prowler_mapping() -> None:
    hosting = next(q for q in default_bank().scoping if q.field == "hosting")
    labels = {option.value: option.label for option in hosting.options}
    vendors = {vendor.name: vendor for vendor in all_vendors()}
    data = files("assessment.evidence") / "data"
    for cloud in CLOUD_PROVIDERS:
        assert labels[cloud.key] == cloud.name
        assert vendors[cloud.name].is_hosting
        assert data.joinpath(f"prowler_soc2_{cloud.key}.json").is_file()
        assert provider_mapping(cloud.key).provider == cloud.key
        assert provider_title(cloud.key) == cloud.short


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("everything runs on GCP", "gcp"),
        ("Amazon Web Services, with some Azure", "aws"),
        ("mostly azure functions, a bit of s3", "azure"),
        ("cloud run + bigquery", "gcp"),
        ("our own racks", None),
        ("googled it", None),  # whole words only
    ],
)
def test_the_first_named_cloud_wins(text: str, key: str | None) -> None:
    found = named_cloud(text)
    assert (found.key if found else None) == key
    assert named_provider(text) == key


def test_a_hosting_value_names_its_provider() -> None:
    assert CLOUD_KEYS == ("aws", "azure", "gcp")
    assert cloud_provider("GCP") is cloud_provider("gcp")
    assert cloud_provider("other_cloud") is None
    assert provider_name("gcp") == "Google Cloud"
    assert provider_name(None, "azure") == "Microsoft Azure"
