#!/usr/bin/env bash
# Every target imports exactly the modules Package.swift declares for it: SwiftPM passes a
# dependency's dependencies through, so an undeclared import builds today and breaks (or hides a
# layering leak) the day the graph changes. Compares `swift package dump-package` with the
# `import` lines of each target's Swift files (plain, @testable, @_exported, @preconcurrency,
# and those inside `#if canImport(...)`), and fails listing every import that is not declared
# and every declared dependency that is never imported. Modules of the toolchain and the OS are
# exempt (SYSTEM_MODULES below). docs/ARCHITECTURE.md's tables must show the same: one row per
# target, its last column the modules it imports (words in parentheses are remarks).
#   scripts/check-dependencies.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# A scratch path of its own: dump-package builds nothing, and this way it never waits for the
# lock of a build running in .build.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
swift package --scratch-path "$scratch" dump-package >"$scratch/package.json"

python3 - "$scratch/package.json" <<'PYTHON'
import json
import os
import re
import sys

# Modules that come with the toolchain or the OS, never declared in Package.swift.
SYSTEM_MODULES = {
    "Swift", "_Concurrency", "_StringProcessing", "RegexBuilder", "Observation", "Distributed",
    "Foundation", "FoundationEssentials", "FoundationInternationalization", "FoundationNetworking",
    "FoundationXML", "CoreFoundation", "_FoundationICU",
    "Glibc", "Musl", "Darwin", "Android", "Bionic", "WinSDK", "ucrt", "os",
    "Dispatch", "Synchronization", "Testing", "XCTest",
}

# A product provides the module of the same name unless listed here (product -> modules).
PRODUCT_MODULES: dict[str, list[str]] = {}

IMPORT = re.compile(
    r"^\s*(?:@[A-Za-z_]+(?:\([^)]*\))?\s+)*import\s+"
    r"(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?"
    r"([A-Za-z_][A-Za-z0-9_]*)"
)
BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
ARCHITECTURE = "docs/ARCHITECTURE.md"

package = json.load(open(sys.argv[1]))


def declared_modules(target):
    modules = set()
    for dependency in target["dependencies"]:
        if "byName" in dependency:
            modules.add(dependency["byName"][0])
        elif "target" in dependency:
            modules.add(dependency["target"][0])
        elif "product" in dependency:
            name = dependency["product"][0]
            modules.update(PRODUCT_MODULES.get(name, [name]))
        else:
            raise SystemExit(f"unknown dependency kind in {target['name']}: {dependency}")
    return modules


def target_folder(target):
    if target.get("path"):
        return target["path"]
    return os.path.join("Tests" if target["type"] == "test" else "Sources", target["name"])


def imported_modules(folder):
    found = {}
    for root, _, files in os.walk(folder):
        for file in sorted(files):
            if not file.endswith(".swift"):
                continue
            path = os.path.join(root, file)
            text = BLOCK_COMMENT.sub("", open(path, encoding="utf-8").read())
            for line in text.splitlines():
                match = IMPORT.match(line.split("//", 1)[0])
                if match:
                    found.setdefault(match.group(1), path)
    return found


def documented_imports():
    """Target name -> the modules its row in docs/ARCHITECTURE.md lists."""
    rows = {}
    for line in open(ARCHITECTURE, encoding="utf-8"):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.fullmatch(r"`[A-Za-z_][A-Za-z0-9_]*`", cells[0]):
            continue
        listed = re.sub(r"\([^)]*\)", "", cells[-1]).replace("—", "")
        rows[cells[0].strip("`")] = {module.strip() for module in listed.split(",") if module.strip()}
    return rows


problems = []
documented = documented_imports()
for target in package["targets"]:
    name = target["name"]
    if name not in documented:
        problems.append(f"{name}: has no row in {ARCHITECTURE}")
    elif documented[name] != declared_modules(target):
        shown = ", ".join(sorted(documented[name])) or "nothing"
        actual = ", ".join(sorted(declared_modules(target))) or "nothing"
        problems.append(f"{name}: {ARCHITECTURE} shows imports {shown}; Package.swift declares {actual}")
for name in sorted(set(documented) - {target["name"] for target in package["targets"]}):
    problems.append(f"{name}: {ARCHITECTURE} has a row for it but Package.swift has no such target")
for target in package["targets"]:
    if target["type"] in ("system", "binary", "plugin", "macro"):
        continue
    name = target["name"]
    declared = declared_modules(target)
    imports = imported_modules(target_folder(target))
    for module in sorted(set(imports) - declared - SYSTEM_MODULES):
        problems.append(f"{name}: imports {module} ({imports[module]}) but does not declare it")
    for module in sorted(declared - set(imports)):
        problems.append(f"{name}: declares {module} but never imports it")

if problems:
    print("Package.swift, the imports and docs/ARCHITECTURE.md disagree:", file=sys.stderr)
    for problem in problems:
        print("  " + problem, file=sys.stderr)
    sys.exit(1)
print(f"dependencies: {len(package['targets'])} targets import exactly what they declare, as {ARCHITECTURE} shows")
PYTHON
