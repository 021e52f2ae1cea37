"""Packages: grader and assignments, plus the top-level templates/ shipped as grader.templates."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["grader*", "assignments*"]),
              "grader.templates", "grader.templates.partials"],
    package_dir={"grader.templates": "templates"},
)
