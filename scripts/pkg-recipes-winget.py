"""Offline check of the winget manifests scripts/pkg-recipes writes.

Run by scripts/pkg-recipes-check with Debian's /usr/bin/python3 and its
python3-jsonschema and python3-yaml packages:
    python3 pkg-recipes-winget.py DIST SCHEMA_DIR

Every manifest is validated against winget-cli's official JSON schema for its
ManifestType and ManifestVersion (vendored in scripts/winget-schemas/), then
checked for what winget's own `winget validate` adds beyond the schema (one
identifier, version and manifest version across a package's files, the file
names and the winget-pkgs folder layout, the default locale file, an
installer type, an archive's nested installer) and against the release: each
InstallerUrl names a file of DIST that SHA256SUMS lists, under this version's
release download URL, with InstallerSha256 equal to the SHA256SUMS line and
to the file's real hash, and the zip holds the nested executable at its root.
`winget validate` itself is a Windows program and does not run here.
"""

import hashlib
import json
import os
import re
import sys
import zipfile

import jsonschema
import yaml

RELEASES = "https://github.com/connectors-app/connectors/releases/download/"
KINDS = {"version": "version", "installer": "installer", "defaultLocale": "defaultLocale"}

problems = []
covered = set()  # the files some InstallerUrl names


def problem(where, what):
    problems.append(f"{where}: {what}")


class UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (winget's parser does)."""


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_sums(dist):
    sums = {}
    with open(os.path.join(dist, "SHA256SUMS"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split(None, 1)
            if len(parts) == 2 and re.fullmatch(r"[0-9a-fA-F]{64}", parts[0]):
                sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_schema(schema_dir, kind, version, cache={}):
    key = (kind, version)
    if key not in cache:
        path = os.path.join(schema_dir, f"manifest.{kind}.{version}.json")
        if not os.path.exists(path):
            cache[key] = None
        else:
            with open(path, encoding="utf-8-sig") as f:
                schema = json.load(f)
            jsonschema.Draft7Validator.check_schema(schema)
            cache[key] = jsonschema.Draft7Validator(
                schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return cache[key]


def load_manifest(path, rel):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problem(rel, f"not UTF-8 ({e})")
        return None, ""
    try:
        doc = yaml.load(text, Loader=UniqueKeyLoader)
    except yaml.YAMLError as e:
        problem(rel, f"not valid YAML: {e}")
        return None, text
    if not isinstance(doc, dict):
        problem(rel, "not a YAML mapping")
        return None, text
    return doc, text


def unknown_fields(rel, schema, sub, value, at):
    """Report the keys the schema does not define. winget itself only warns
    about them; here they are errors (a misspelt field is a generator bug)."""
    while "$ref" in sub:
        sub = schema["definitions"][sub["$ref"].rsplit("/", 1)[-1]]
    if isinstance(value, dict) and "properties" in sub:
        for key, item in value.items():
            if key not in sub["properties"]:
                problem(rel, f"{at}{key}: unknown field (not in the schema)")
            else:
                unknown_fields(rel, schema, sub["properties"][key], item, f"{at}{key}/")
    elif isinstance(value, list) and isinstance(sub.get("items"), dict):
        for i, item in enumerate(value):
            unknown_fields(rel, schema, sub["items"], item, f"{at}{i}/")


def validate_schema(rel, doc, text, schema_dir):
    kind = doc.get("ManifestType")
    mver = doc.get("ManifestVersion")
    if kind not in KINDS:
        problem(rel, f"ManifestType {kind!r} is not one of {sorted(KINDS)}")
        return
    validator = load_schema(schema_dir, KINDS[kind], mver)
    if validator is None:
        problem(rel, f"no vendored schema manifest.{kind}.{mver}.json in {schema_dir}")
        return
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        at = "/".join(str(p) for p in err.absolute_path) or "(top)"
        problem(rel, f"schema {kind} {mver}: {at}: {err.message}")
    unknown_fields(rel, validator.schema, validator.schema, doc, "")
    header = f"# yaml-language-server: $schema=https://aka.ms/winget-manifest.{kind}.{mver}.schema.json"
    if header not in text.splitlines():
        problem(rel, f"the schema header line is not {header!r}")


def check_installers(rel, doc, dist, sums, version):
    top_type = doc.get("InstallerType")
    arches = set()
    for i, inst in enumerate(doc.get("Installers") or []):
        where = f"{rel}: Installers[{i}]"
        arch = inst.get("Architecture")
        if arch in arches:
            problem(where, f"architecture {arch} listed twice")
        arches.add(arch)
        itype = inst.get("InstallerType", top_type)
        if not itype:
            problem(where, "no InstallerType (at the top or in the installer)")
        nested_type = inst.get("NestedInstallerType", doc.get("NestedInstallerType"))
        nested = inst.get("NestedInstallerFiles", doc.get("NestedInstallerFiles")) or []
        if itype == "zip" and (not nested_type or not nested):
            problem(where, "a zip installer needs NestedInstallerType and NestedInstallerFiles")
        if nested_type == "portable" and len(nested) != 1:
            problem(where, "a portable nested installer has exactly one NestedInstallerFiles entry")
        url = inst.get("InstallerUrl") or ""
        name = url.rsplit("/", 1)[-1]
        covered.add(name)
        expect_url = f"{RELEASES}v{version}/{name}"
        if url != expect_url:
            problem(where, f"InstallerUrl {url} is not {expect_url}")
        got = str(inst.get("InstallerSha256") or "")
        if got != got.upper():
            problem(where, "InstallerSha256 is not upper-case hex (winget-pkgs' convention)")
        if name not in sums:
            problem(where, f"{name} is not in SHA256SUMS")
        elif got.lower() != sums[name]:
            problem(where, f"InstallerSha256 {got} is not SHA256SUMS' {sums[name].upper()} for {name}")
        path = os.path.join(dist, name)
        if not os.path.isfile(path):
            problem(where, f"{name} is not in {dist}")
            continue
        real = file_sha256(path)
        if got.lower() != real:
            problem(where, f"InstallerSha256 {got} is not the hash of {name} ({real.upper()})")
        if itype == "zip":
            try:
                with zipfile.ZipFile(path) as z:
                    members = set(z.namelist())
            except zipfile.BadZipFile as e:
                problem(where, f"{name} is not a zip ({e})")
                continue
            for n in nested:
                rp = n.get("RelativeFilePath")
                if rp not in members:
                    problem(where, f"{name} has no {rp} (it holds {', '.join(sorted(members))})")


def check_package(dirpath, files, dist, schema_dir, sums, winget_root):
    reldir = os.path.relpath(dirpath, winget_root)
    docs = {}
    for fname in sorted(files):
        rel = os.path.join(reldir, fname)
        if not fname.endswith(".yaml"):
            problem(rel, "not a .yaml manifest")
            continue
        doc, text = load_manifest(os.path.join(dirpath, fname), rel)
        if doc is None:
            continue
        validate_schema(rel, doc, text, schema_dir)
        docs[fname] = doc
    if not docs:
        return []
    ids = {d.get("PackageIdentifier") for d in docs.values()}
    versions = {d.get("PackageVersion") for d in docs.values()}
    mvers = {d.get("ManifestVersion") for d in docs.values()}
    for label, values in (("PackageIdentifier", ids), ("PackageVersion", versions), ("ManifestVersion", mvers)):
        if len(values) != 1:
            problem(reldir, f"the files disagree on {label}: {sorted(map(str, values))}")
    pid, pver = sorted(map(str, ids))[0], sorted(map(str, versions))[0]
    parts = pid.split(".")
    want_dir = os.path.join("manifests", pid[0].lower(), *parts, pver)
    if reldir != want_dir:
        problem(reldir, f"folder should be {want_dir} for {pid} {pver}")
    by_type = {}
    for fname, d in docs.items():
        by_type.setdefault(d.get("ManifestType"), []).append(fname)
    expect = {"version": f"{pid}.yaml", "installer": f"{pid}.installer.yaml"}
    version_doc = docs.get(expect["version"])
    if version_doc is not None:
        expect["defaultLocale"] = f"{pid}.locale.{version_doc.get('DefaultLocale')}.yaml"
    for kind, fname in expect.items():
        if by_type.get(kind) != [fname]:
            problem(reldir, f"expected one {kind} manifest named {fname}, found {by_type.get(kind, [])}")
    if version_doc is not None and expect["defaultLocale"] in docs:
        loc = docs[expect["defaultLocale"]]
        if loc.get("PackageLocale") != version_doc.get("DefaultLocale"):
            problem(reldir, "DefaultLocale and the default locale file's PackageLocale differ")
    if expect["installer"] in docs:
        check_installers(os.path.join(reldir, expect["installer"]), docs[expect["installer"]], dist, sums, pver)
    return [f"{pid} {pver} ({', '.join(sorted(docs))})"]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: pkg-recipes-winget.py DIST SCHEMA_DIR")
    dist, schema_dir = sys.argv[1], sys.argv[2]
    winget_root = os.path.join(dist, "recipes", "winget")
    sums = read_sums(dist)
    checked = []
    for dirpath, dirnames, files in os.walk(winget_root):
        dirnames.sort()
        if files:
            checked += check_package(dirpath, files, dist, schema_dir, sums, winget_root)
    if not checked and not problems:
        problem(winget_root, "no winget manifest found: run scripts/pkg-recipes first")
    for name in sorted(sums):
        if re.fullmatch(r"connector(s|ctl)-.+-windows-(amd64|arm64)\.zip", name) and name not in covered:
            problem(winget_root, f"{name} is in SHA256SUMS but no manifest installs it")
    for p in problems:
        print(f"winget: {p}", file=sys.stderr)
    if problems:
        sys.exit(1)
    for c in checked:
        print(f"winget: {c}: schema and release checks ok")


if __name__ == "__main__":
    main()
