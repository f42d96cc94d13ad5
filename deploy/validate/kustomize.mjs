// Renders this repository's kustomizations without the kustomize binary, which neither Debian nor npm ships and
// which a fresh CI machine may lack. It supports exactly the features deploy/k8s uses (resources, inline
// RFC 6902 patches, configMapGenerator without hash suffixes) and rejects anything else, so a kustomization that
// outgrows it fails here rather than rendering wrongly. Where kubectl is installed, validate.sh compares this
// rendering with `kubectl kustomize` (see renderingsAgree).
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import fastJsonPatch from "fast-json-patch";
import { parse } from "yaml";
import { readYaml, readYamlDocuments } from "./yaml-files.mjs";

const SUPPORTED_FIELDS = new Set([
  "apiVersion", "kind", "resources", "patches", "configMapGenerator", "generatorOptions",
]);

export function renderKustomization(directory) {
  const kustomization = readYaml(join(directory, "kustomization.yaml"));
  const unsupported = Object.keys(kustomization).filter((field) => !SUPPORTED_FIELDS.has(field));
  if (unsupported.length > 0) {
    throw new Error(`${directory}/kustomization.yaml: field(s) ${unsupported.join(", ")} not supported by kustomize.mjs`);
  }
  const resources = (kustomization.resources ?? []).flatMap((entry) => loadResource(directory, entry));
  resources.push(...generateConfigMaps(directory, kustomization));
  for (const patch of kustomization.patches ?? []) {
    applyPatch(directory, resources, patch);
  }
  return resources;
}

function loadResource(directory, entry) {
  const path = join(directory, entry);
  if (!existsSync(path)) {
    throw new Error(`${directory}/kustomization.yaml: resource ${entry} does not exist`);
  }
  return statSync(path).isDirectory() ? renderKustomization(path) : readYamlDocuments(path);
}

function generateConfigMaps(directory, kustomization) {
  const generators = kustomization.configMapGenerator ?? [];
  if (generators.length > 0 && kustomization.generatorOptions?.disableNameSuffixHash !== true) {
    throw new Error(`${directory}/kustomization.yaml: configMapGenerator needs generatorOptions.disableNameSuffixHash: true here`);
  }
  return generators.map((generator) => {
    const unsupported = Object.keys(generator).filter((field) => !["name", "namespace", "files"].includes(field));
    if (unsupported.length > 0) {
      throw new Error(`${directory}/kustomization.yaml: configMapGenerator field(s) ${unsupported.join(", ")} not supported`);
    }
    const data = Object.fromEntries(
      generator.files.map((file) => [basename(file), readFileSync(join(directory, file), "utf8")]));
    const metadata = generator.namespace ? { name: generator.name, namespace: generator.namespace } : { name: generator.name };
    return { apiVersion: "v1", kind: "ConfigMap", metadata, data };
  });
}

function applyPatch(directory, resources, patch) {
  if (typeof patch.patch !== "string" || patch.path !== undefined || !patch.target?.kind || !patch.target?.name) {
    throw new Error(`${directory}/kustomization.yaml: only inline RFC 6902 patches with target.kind and target.name are supported`);
  }
  const targets = resources.filter(
    (resource) => resource.kind === patch.target.kind && resource.metadata?.name === patch.target.name);
  if (targets.length !== 1) {
    throw new Error(`${directory}/kustomization.yaml: patch target ${patch.target.kind}/${patch.target.name} matches ${targets.length} resources`);
  }
  const operations = parse(patch.patch);
  fastJsonPatch.applyPatch(targets[0], operations, true, true);
}

export function resourceKey(resource) {
  return `${resource.apiVersion} ${resource.kind} ${resource.metadata?.namespace ?? ""}/${resource.metadata?.name}`;
}

// Order-insensitive comparison with another renderer's output; returns the keys that differ.
export function renderingsAgree(ours, theirs) {
  const byKey = (resources) => new Map(resources.map((resource) => [resourceKey(resource), JSON.stringify(sorted(resource))]));
  const left = byKey(ours);
  const right = byKey(theirs);
  const keys = new Set([...left.keys(), ...right.keys()]);
  return [...keys].filter((key) => left.get(key) !== right.get(key));
}

function sorted(value) {
  if (Array.isArray(value)) {
    return value.map(sorted);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted(value[key])]));
  }
  return value;
}
