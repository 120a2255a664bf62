"""Scenario for the royalties service (filled in by its issue)."""


def main():
    print("royalties: no benchmark yet")
