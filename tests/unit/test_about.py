"""refuge.__about__ is the one source of the version, icon, help address, algorithms and dependencies."""

import ast
import configparser
import os

from conftest import ROOT
from refuge import __about__


def metadata():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(ROOT, "metadata.txt"), encoding="utf-8")
    return parser["general"]


def test_version_title_and_icon_come_from_metadata():
    import refuge

    assert __about__.__version__ == metadata()["version"] == refuge.plugin_version()
    assert __about__.__title__ == metadata()["name"] == "Refuge"
    assert os.path.isfile(__about__.ICON)
    assert os.path.samefile(__about__.ICON, os.path.join(ROOT, *metadata()["icon"].split("/")))
    assert __about__.HELP_URL.startswith(metadata()["homepage"])


def test_about_imports_neither_qgis_nor_a_third_party_package():
    """core/deps.py reads it, and core/ never imports QGIS."""
    tree = ast.parse(open(os.path.join(ROOT, "__about__.py"), encoding="utf-8").read())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"configparser", "os"}, imported


def test_every_algorithm_has_its_module_and_its_help_in_both_languages():
    assert len(set(__about__.ALGORITHM_NAMES)) == len(__about__.ALGORITHMS) == 5
    for module, class_name in __about__.ALGORITHMS:
        source = open(os.path.join(ROOT, "processing", f"{module}.py"), encoding="utf-8").read()
        assert f"class {class_name}(" in source, class_name
        assert f'return "{module}"' in source, f"{class_name}.name() should be {module!r}"
        for language in ("en", "fr"):
            assert os.path.isfile(os.path.join(ROOT, "processing", "help", language, f"{module}.html"))


def test_required_is_what_the_load_check_checks():
    from refuge.core import deps

    assert [r.package for r in deps.REQUIREMENTS] == list(__about__.REQUIRED)
    assert {r.package: r.minimum for r in deps.REQUIREMENTS} == __about__.REQUIRED
    assert {"scipy", "pyproj", "shapely", "osmium", "numpy", "GDAL"} <= set(__about__.REQUIRED)


def test_metadata_names_every_required_package():
    about = metadata()["about"]
    for package in __about__.REQUIRED:
        assert package in about, package
