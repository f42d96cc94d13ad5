// The Node.js half of deploy/validate.sh: YAML syntax, Kubernetes schemas (sources and rendered overlays),
// the kustomize rendering itself, and the cross-file consistency checks. Prints one line per check and exits 1
// if any failed. Usage: node validate.mjs <repository root>
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { checkCompose } from "./consistency-compose.mjs";
import { checkDockerfiles } from "./consistency-docker.mjs";
import { checkKubernetes, checkSecretFiles, checkServiceMonitor } from "./consistency-kubernetes.mjs";
import { validateKubernetesObject } from "./kubernetes-schema.mjs";
import { renderingsAgree, renderKustomization } from "./kustomize.mjs";
import { readYaml, readYamlDocuments } from "./yaml-files.mjs";

const repositoryRoot = process.argv[2];
const deployDir = join(repositoryRoot, "deploy");
const OVERLAYS = {
  base: "k8s/base", autoscaled: "k8s/overlays/autoscaled", gpu: "k8s/overlays/gpu", secured: "k8s/overlays/secured",
};
let failures = 0;

async function check(description, run) {
  try {
    const details = await run();
    console.log(`ok   ${description}${details ? `: ${details}` : ""}`);
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${description}: ${error.message}`);
  }
}

function yamlFiles(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) {
      return name === "node_modules" ? [] : yamlFiles(path);
    }
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

function kubectlRendering(directory) {
  const output = execFileSync("kubectl", ["kustomize", directory], { encoding: "utf8" });
  return parseAllDocuments(output).map((document) => document.toJS()).filter((value) => value !== null);
}

function hasKubectl() {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const files = yamlFiles(deployDir);
for (const path of files) {
  await check(`YAML parses: ${relative(repositoryRoot, path)}`, () => `${readYamlDocuments(path).length} document(s)`);
}

const manifests = files.filter((path) => path.includes(`${join(deployDir, "k8s")}/`) && !path.endsWith("kustomization.yaml"));
for (const path of manifests) {
  await check(`Kubernetes schema: ${relative(repositoryRoot, path)}`, async () => {
    const documents = readYamlDocuments(path);
    for (const document of documents) {
      await validateKubernetesObject(document, relative(repositoryRoot, path));
    }
    return documents.map((document) => document.kind).join(", ");
  });
}

const renderings = {};
const kubectl = hasKubectl();
for (const [overlay, directory] of Object.entries(OVERLAYS)) {
  await check(`kustomize render + schema: deploy/${directory}`, async () => {
    renderings[overlay] = renderKustomization(join(deployDir, directory));
    for (const resource of renderings[overlay]) {
      await validateKubernetesObject(resource, `deploy/${directory} (rendered)`);
    }
    return `${renderings[overlay].length} objects`;
  });
  if (kubectl) {
    await check(`kustomize.mjs renders deploy/${directory} as kubectl kustomize does`, () => {
      const differing = renderingsAgree(renderings[overlay] ?? [], kubectlRendering(join(deployDir, directory)));
      if (differing.length > 0) {
        throw new Error(`objects differ: ${differing.join("; ")}`);
      }
      return null;
    });
  }
}
if (!kubectl) {
  console.log("note kubectl not installed: renderings come from kustomize.mjs alone (not compared with kubectl kustomize)");
}

if (Object.keys(renderings).length === Object.keys(OVERLAYS).length) {
  await check("consistency: Kubernetes", () => checkKubernetes(renderings).join("\n       "));
  await check("consistency: secrets as files", () => checkSecretFiles(renderings.secured,
    readYaml(join(deployDir, "k8s/overlays/secured/secret.example.yaml")), "k8s secured").join("; "));
  await check("consistency: ServiceMonitor", () =>
    checkServiceMonitor(readYaml(join(deployDir, "k8s/prometheus-operator/servicemonitor.yaml")), renderings.base).join("; "));
  await check("consistency: compose and Prometheus", () => checkCompose(deployDir, renderings.base).join("\n       "));
} else {
  failures += 1;
  console.log("FAIL consistency checks: not run, a kustomization failed to render");
}
await check("consistency: Dockerfiles, .dockerignore, README build commands", () => checkDockerfiles(repositoryRoot).join("\n       "));

process.exit(failures === 0 ? 0 : 1);
