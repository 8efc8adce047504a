"""The installation steps of the README work as written, and say what the load check checks.

The commands are read from the README (the ```sh block after each
``<!-- install: debian-NN -->`` marker), so the README and these tests cannot
drift. The slow test runs the block of the Debian release it runs on, as a
QGIS user would, in a throwaway home folder: the apt packages (installed when
missing, as root), then every other command verbatim in a clean environment
(PATH of a fresh system, no venv, no PYTHONPATH). Then, with only what those
steps installed plus the system's packages:

- the load check (:func:`refuge.core.deps.check`, after QGIS's libraries are
  loaded, against QGIS's GEOS and PROJ) must report no problem;
- the real ``qgis_process`` must run an extraction and an evacuation with the
  plugin installed in that home's default QGIS profile.

Debian 12 and Debian 13 each run their own block (Debian 13 in the chroots of
``make test-platforms``); the other one is skipped.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

README = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
ENGLISH, FRENCH = README.split("# Refuge (français)")
PLATFORMS = ("debian-12", "debian-13")
CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PROFILE = os.path.join(".local", "share", "QGIS", "QGIS3", "profiles", "default")
_BLOCK = re.compile(r"<!-- install: ([\w.-]+) -->[ \t]*\n[ \t]*```sh\n(.*?)\n[ \t]*```", re.S)


def install_blocks(text):
    """{platform: [command, ...]} of the install blocks of ``text`` (continuation lines joined)."""
    blocks = {}
    for name, body in _BLOCK.findall(text):
        joined = textwrap.dedent(body).replace("\\\n", " ")
        blocks[name] = [" ".join(line.split()) for line in joined.splitlines() if line.strip()]
    return blocks


def apt_packages(command):
    """The packages of a `sudo apt install ...` command, or None for another command."""
    words = command.split()
    if words[:3] == ["sudo", "apt", "install"]:
        return words[3:]
    return None


def pip_requirements(command):
    """{name: (lower bound, spec)} of the quoted requirements of a pip command."""
    found = {}
    for spec in re.findall(r'"([A-Za-z0-9_.-]+[<>=!~][^"]*)"', command):
        name = re.match(r"[A-Za-z0-9_.-]+", spec).group(0).lower()
        lower = re.search(r">=\s*([0-9.]+)", spec)
        found[name] = (lower.group(1) if lower else None, spec)
    return found


def version_tuple(text):
    return tuple(int(part) for part in text.split("."))


def current_platform():
    """'debian-NN' from /etc/os-release, or None off Debian."""
    try:
        text = open("/etc/os-release", encoding="utf-8").read()
    except OSError:
        return None
    fields = dict(re.findall(r'^(\w+)="?([^"\n]*)"?$', text, re.M))
    if fields.get("ID") != "debian" or not fields.get("VERSION_ID"):
        return None
    return "debian-" + fields["VERSION_ID"].split(".")[0]


# -- The documents agree with each other and with the load check ---------------------------


def test_english_and_french_give_the_same_commands_for_each_debian():
    english, french = install_blocks(ENGLISH), install_blocks(FRENCH)
    assert sorted(english) == sorted(PLATFORMS)
    assert french == english


def test_metadata_about_gives_the_readme_commands():
    import configparser

    parser = configparser.ConfigParser()
    parser.read(os.path.join(ROOT, "metadata.txt"), encoding="utf-8")
    about = " ".join(parser["general"]["about"].split())
    for platform, commands in install_blocks(ENGLISH).items():
        for command in commands:
            assert command in about, (platform, command)


def test_documented_versions_are_the_load_check_minimums():
    from refuge.core.deps import REQUIREMENTS

    minimum = {requirement.package.lower(): requirement.minimum for requirement in REQUIREMENTS}
    for platform, commands in install_blocks(ENGLISH).items():
        for command in commands:
            for name, (lower, spec) in pip_requirements(command).items():
                assert name in minimum, (platform, spec)
                assert lower and version_tuple(lower) >= version_tuple(minimum[name]), (platform, spec)
    for part in (ENGLISH, FRENCH):
        start = part.index("## Installation")
        section = part[start:part.index("\n## ", start)]
        rows = re.findall(r"^\| *([^|]+?) *\| *([0-9][0-9.]*)", section, re.M)
        documented = {}
        for first, version in rows:
            for package in minimum:
                if package in first.lower():
                    documented[package] = version
        assert documented == minimum


def test_the_debian_12_step_keeps_the_system_python_intact():
    """PEP 668: no --user/--break-system-packages; numpy left to Debian; shapely built here."""
    (pip,) = [c for c in install_blocks(ENGLISH)["debian-12"] if apt_packages(c) is None]
    assert pip.startswith("python3 -m pip install ")
    target = "--target ~/" + PROFILE.replace(os.sep, "/") + "/python"
    for flag in ("--no-deps", "--no-binary shapely", target):
        assert flag in pip
    for flag in ("--user", "--break-system-packages", "sudo"):
        assert flag not in pip
    assert set(pip_requirements(pip)) == {"shapely", "osmium"}


# -- The steps, run --------------------------------------------------------------------------


def clean_env(home, **extra):
    """A fresh login's environment: no venv, no PYTHONPATH, the system's PATH."""
    env = {"HOME": str(home), "PATH": CLEAN_PATH, "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
           "XDG_RUNTIME_DIR": str(home / "xdg-runtime")}
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "PIP_CERT",
                 "PIP_DEFAULT_TIMEOUT", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY",
                 "HTTPS_PROXY", "NO_PROXY"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    env.update(extra)
    return env


def install_apt_packages(packages):
    """Install the documented packages that are missing (as root), or skip saying which."""
    missing = [package for package in packages if subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True).stdout
        != "install ok installed"]
    if not missing:
        return
    if os.geteuid() != 0:
        pytest.skip(f"the documented packages {' '.join(missing)} are not installed "
                    "(installing them needs root)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    if done.returncode != 0:  # stale package lists on a long-lived machine
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, env=env, timeout=600)
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def write_small_town_pbf(path):
    """A road, a building beside it and a shelter at its end, as an .osm.pbf."""
    import osmium

    writer = osmium.SimpleWriter(str(path))
    road = [(1, 7.4200, 43.7300), (2, 7.4210, 43.7300), (3, 7.4220, 43.7300)]
    house = [(11, 7.4201, 43.7301), (12, 7.4202, 43.7301), (13, 7.4202, 43.7302), (14, 7.4201, 43.7302)]
    for ref, lon, lat in road + house:
        writer.add_node(osmium.osm.mutable.Node(id=ref, location=(lon, lat), tags={}))
    writer.add_node(osmium.osm.mutable.Node(id=21, location=(7.4221, 43.73005),
                                            tags={"amenity": "shelter", "name": "school"}))
    writer.add_way(osmium.osm.mutable.Way(id=31, nodes=[1, 2, 3], tags={"highway": "residential"}))
    writer.add_way(osmium.osm.mutable.Way(id=32, nodes=[11, 12, 13, 14, 11], tags={"building": "house"}))
    writer.close()


def qgis_process_binary():
    # Debian 12's /usr/bin/qgis_process wrapper adds --noversioncheck, which QGIS 3.22 rejects.
    found = shutil.which("qgis_process.bin", path=CLEAN_PATH) or shutil.which("qgis_process", path=CLEAN_PATH)
    if not found:
        pytest.fail("qgis_process is not installed (run make setup)")
    return found


LOAD_CHECK = r"""
import json, os, sys
profile = os.path.expanduser("~/{profile}/python")
# What QGIS does at start (QgsPythonUtilsImpl): the profile's python and python/plugins first.
sys.path[:0] = [profile, os.path.join(profile, "plugins")]
from qgis.core import Qgis, QgsProjUtils  # QGIS's GEOS, GDAL and PROJ load first, as in QGIS
from refuge.core import deps
import refuge
problems = deps.check(Qgis.geosVersion(), (QgsProjUtils.projVersionMajor(), QgsProjUtils.projVersionMinor()))
modules = {{name: getattr(sys.modules.get(name), "__file__", None)
           for name in ("refuge", "shapely", "osmium", "numpy")}}
print(json.dumps({{"problems": problems, "modules": modules}}))
"""


def run_documented_steps(platform, home):
    """Run the README's block for ``platform`` in ``home``; the commands run, for the report."""
    commands = install_blocks(ENGLISH)[platform]
    for command in commands:
        packages = apt_packages(command)
        if packages is not None:
            install_apt_packages(packages)
            continue
        done = subprocess.run(["bash", "-euc", command], cwd=home, env=clean_env(home),
                              capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, f"{command}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return commands


def install_plugin(home):
    """Refuge in the default profile of ``home``, enabled, as the plugin manager leaves it."""
    profile = home / PROFILE
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    (plugins / "refuge").symlink_to(ROOT, target_is_directory=True)
    (profile / "QGIS").mkdir(parents=True, exist_ok=True)
    (profile / "QGIS" / "QGIS3.ini").write_text("[PythonPlugins]\nrefuge=true\n", encoding="utf-8")


def load_check(home):
    done = subprocess.run(["/usr/bin/python3", "-I", "-c", LOAD_CHECK.format(profile=PROFILE)], cwd=home,
                          env=clean_env(home), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_qgis_process(home, algorithm, parameters):
    arguments = [qgis_process_binary(), "--json", "run", algorithm, "--"]
    arguments += [f"{key}={value}" for key, value in parameters.items()]
    done = subprocess.run(arguments, cwd=home, env=clean_env(home), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return json.loads(done.stdout[done.stdout.index("{"):])["results"]


@pytest.mark.slow
@pytest.mark.parametrize("platform", PLATFORMS)
def test_documented_steps_give_refuge_everything_it_needs(platform, tmp_path):
    if current_platform() != platform:
        pytest.skip(f"the {platform} steps run on {platform} (this is {current_platform()})")
    home = tmp_path / "home"
    (home / "xdg-runtime").mkdir(parents=True)
    os.chmod(home / "xdg-runtime", 0o700)
    run_documented_steps(platform, home)
    install_plugin(home)

    checked = load_check(home)
    assert checked["problems"] == [], checked
    assert checked["modules"]["refuge"].startswith(str(home)), checked  # the profile's plugin, not a checkout
    profile_python = str(home / PROFILE / "python")
    if platform == "debian-12":  # shapely and osmium from the profile folder, numpy from Debian
        assert checked["modules"]["shapely"].startswith(profile_python), checked
        assert checked["modules"]["osmium"].startswith(profile_python), checked
        assert checked["modules"]["numpy"].startswith("/usr/lib/python3/"), checked
    else:  # nothing outside Debian's packages
        for name in ("shapely", "osmium", "numpy"):
            assert checked["modules"][name].startswith("/usr/lib/python3/"), checked

    pbf = tmp_path / "town.osm.pbf"
    write_small_town_pbf(pbf)
    layers = str(tmp_path / "town.gpkg")
    extracted = run_qgis_process(home, "refuge:osm_extract_pbf",
                                 {"INPUT": pbf, "THEMES": "0,1,3", "OUTPUT": layers})
    assert extracted["OUTPUT"] == layers
    summary = tmp_path / "evacuation.json"
    run_qgis_process(home, "refuge:evacuation_access", {
        "ROADS": f"{layers}|layername=roads", "HOUSEHOLDS": f"{layers}|layername=buildings",
        "SHELTERS": f"{layers}|layername=shelters", "HOUSEHOLDS_OUTPUT": tmp_path / "households.gpkg",
        "SUMMARY_JSON": summary})
    households = json.loads(summary.read_text(encoding="utf-8"))["households"]
    assert households["count"] == 1 and households["by_status"]["reachable"] == 1, households


@pytest.mark.slow
def test_without_the_steps_the_load_check_names_what_to_install(tmp_path):
    """The same clean QGIS without the documented steps: the check says what is missing."""
    platform = current_platform()
    if platform not in PLATFORMS:
        pytest.skip(f"not a documented platform ({platform})")
    home = tmp_path / "home"
    home.mkdir()
    install_plugin(home)
    checked = load_check(home)
    packages = {problem[0] for problem in checked["problems"]}
    if platform == "debian-12":  # Debian's shapely is 1.8, its pyosmium 3.6: neither will do
        assert {"shapely", "osmium"} <= packages, checked
    for _package, detail, install in checked["problems"]:
        assert detail and install, checked
    print(json.dumps(checked["problems"], indent=1), file=sys.stderr)
