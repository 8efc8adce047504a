"""Run the real qgis_process binary (through scripts/qgis_process) in tests."""

import json
import os
import subprocess

from conftest import ROOT

WRAPPER = os.path.join(ROOT, "scripts", "qgis_process")
DEFAULT_PROFILE = os.path.join(ROOT, "build", "qgis-profile")  # made by `make install-plugin`


def qgis_process(*args, config=None, timeout=600, extra_env=None):
    """CompletedProcess of `qgis_process ARGS` with Refuge's (or ``config``) profile."""
    env = dict(os.environ, **(extra_env or {}))
    # Always explicit: qgis.testing.start_app() exports its own temporary
    # QGIS_CUSTOM_CONFIG_PATH, which subprocesses would otherwise inherit.
    env["QGIS_CUSTOM_CONFIG_PATH"] = str(config or DEFAULT_PROFILE)
    return subprocess.run([WRAPPER, *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def run_json(algorithm, parameters, config=None, extra_env=None):
    """(results dict, CompletedProcess) of a --json run; parameters as KEY=value args."""
    args = ["--json", "run", algorithm, "--"]
    for key, value in parameters.items():
        for item in value if isinstance(value, list) else [value]:
            args.append(f"{key}={item}")
    completed = qgis_process(*args, config=config, extra_env=extra_env)
    if completed.returncode != 0:
        return None, completed
    text = completed.stdout
    return json.loads(text[text.index("{"):]), completed


def make_profile(folder, plugin_dir, locale=None):
    """A throwaway QGIS profile with Refuge installed from ``plugin_dir`` and enabled."""
    plugins = os.path.join(folder, "profiles", "default", "python", "plugins")
    os.makedirs(plugins, exist_ok=True)
    target = os.path.join(plugins, "refuge")
    if not os.path.exists(target):
        os.symlink(plugin_dir, target)
    ini = os.path.join(folder, "profiles", "default", "QGIS", "QGIS3.ini")
    os.makedirs(os.path.dirname(ini), exist_ok=True)
    with open(ini, "w", encoding="utf-8") as handle:
        handle.write("[PythonPlugins]\nrefuge=true\n")
        if locale:
            handle.write(f"\n[locale]\noverrideFlag=true\nuserLocale={locale}\n")
    return folder
