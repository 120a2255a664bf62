"""Scenario for the polls service (filled in by its issue)."""


def main():
    print("polls: no benchmark yet")
