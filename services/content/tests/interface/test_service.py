from platform_shared.testing.checks import assert_service_runs_on_its_own_database


def test_the_content_service_runs_on_its_own_database(start_service, databases):
    assert_service_runs_on_its_own_database("content", start_service, databases)
