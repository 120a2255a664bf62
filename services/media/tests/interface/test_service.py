from platform_shared.testing.checks import assert_service_runs_on_its_own_database


def test_the_media_service_runs_on_its_own_database(start_service, databases, media_settings):
    assert_service_runs_on_its_own_database("media", start_service, databases, **media_settings)


def test_a_missing_storage_setting_stops_the_service_at_start(start_service, media_http_address):
    import pytest

    from platform_shared.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="MEDIA_URL_SIGNING_KEY"):
        start_service(
            "media", WEB_SERVER_ADDRESS=media_http_address, MEDIA_STORAGE="filesystem", MEDIA_URL_SIGNING_KEY=""
        )
    with pytest.raises(ConfigurationError, match="MEDIA_STORAGE"):
        start_service("media", WEB_SERVER_ADDRESS=media_http_address, MEDIA_STORAGE="ftp")
