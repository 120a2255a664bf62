from platform_shared.testing.checks import assert_service_runs_on_its_own_database


def test_the_polls_service_runs_on_its_own_database(start_service, databases):
    assert_service_runs_on_its_own_database("polls", start_service, databases)
