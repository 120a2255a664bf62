from platform_shared.testing.checks import assert_service_runs_on_its_own_database


def test_the_media_service_runs_on_its_own_database(start_service, databases):
    assert_service_runs_on_its_own_database("media", start_service, databases)
