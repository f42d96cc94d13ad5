// Cross-file facts that no schema catches: the service's contract (port 8080, /health/live, /health/ready,
// /metrics, a grace period above its ~60 s drain), partition counts against worker counts, and names that
// several files must spell alike (topics, consumer group, images). Each check returns what it verified or throws.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { readYaml } from "./yaml-files.mjs";

const HTTP_PORT = 8080;
const LIVE_PATH = "/health/live";
const READY_PATH = "/health/ready";
const METRICS_PATH = "/metrics";
const MIN_GRACE_SECONDS = 90;
const IMAGE = { cpu: "streamlate:cpu", cuda: "streamlate:cuda" };

function expect(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function single(resources, kind, where) {
  const found = resources.filter((resource) => resource.kind === kind);
  expect(found.length === 1, `${where}: expected one ${kind}, found ${found.length}`);
  return found[0];
}

function envValue(container, name) {
  return container.env?.find((variable) => variable.name === name)?.value;
}

function workerContainer(statefulSet) {
  return statefulSet.spec.template.spec.containers.find((container) => container.name === "streamlate");
}

function readEnvFile(path) {
  return Object.fromEntries(readFileSync(path, "utf8").split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

function checkWorkerPod(resources, where) {
  const statefulSet = single(resources, "StatefulSet", where);
  const container = workerContainer(statefulSet);
  expect(container, `${where}: StatefulSet has no container named streamlate`);
  const port = container.ports?.find((candidate) => candidate.name === "http");
  expect(port?.containerPort === HTTP_PORT, `${where}: container port "http" must be ${HTTP_PORT}`);
  const probes = { startupProbe: LIVE_PATH, livenessProbe: LIVE_PATH, readinessProbe: READY_PATH };
  for (const [probe, path] of Object.entries(probes)) {
    const httpGet = container[probe]?.httpGet;
    expect(httpGet?.path === path && (httpGet.port === "http" || httpGet.port === HTTP_PORT),
      `${where}: ${probe} must GET ${path} on port http (${HTTP_PORT}), found ${JSON.stringify(httpGet)}`);
  }
  const grace = statefulSet.spec.template.spec.terminationGracePeriodSeconds;
  expect(grace >= MIN_GRACE_SECONDS, `${where}: terminationGracePeriodSeconds ${grace} < ${MIN_GRACE_SECONDS}`);
  const instanceId = container.env?.find((variable) => variable.name === "STREAMLATE_KAFKA_GROUP_INSTANCE_ID");
  expect(instanceId?.valueFrom?.fieldRef?.fieldPath === "metadata.name",
    `${where}: STREAMLATE_KAFKA_GROUP_INSTANCE_ID must come from metadata.name (static membership per pod)`);

  const config = resources.find((resource) => resource.kind === "ConfigMap" && resource.metadata.name === "streamlate-config");
  expect(config, `${where}: ConfigMap streamlate-config missing`);
  expect(container.envFrom?.some((source) => source.configMapRef?.name === "streamlate-config"),
    `${where}: the worker does not read ConfigMap streamlate-config`);
  expect(config.data.STREAMLATE_HTTP_PORT === String(HTTP_PORT), `${where}: STREAMLATE_HTTP_PORT must be ${HTTP_PORT}`);
  const stateDir = config.data.STREAMLATE_KAFKA_STATE_DIR;
  const claimNames = (statefulSet.spec.volumeClaimTemplates ?? []).map((claim) => claim.metadata.name);
  const stateMount = container.volumeMounts?.find((mount) => claimNames.includes(mount.name));
  expect(stateMount && stateDir?.startsWith(`${stateMount.mountPath}/`),
    `${where}: STREAMLATE_KAFKA_STATE_DIR ${stateDir} is not on a volumeClaimTemplate mount`);

  for (const service of resources.filter((resource) => resource.kind === "Service")) {
    for (const servicePort of service.spec.ports) {
      expect(servicePort.targetPort === "http" && servicePort.port === HTTP_PORT,
        `${where}: Service ${service.metadata.name} must forward port ${HTTP_PORT} to the container port "http"`);
    }
  }
  expect(resources.some((resource) => resource.kind === "Service" && resource.spec.clusterIP === "None"
      && resource.metadata.name === statefulSet.spec.serviceName),
    `${where}: serviceName ${statefulSet.spec.serviceName} is not a headless Service`);
  const metrics = resources.find((resource) => resource.metadata.annotations?.["prometheus.io/scrape"] === "true");
  expect(metrics?.metadata.annotations["prometheus.io/path"] === METRICS_PATH
      && metrics.metadata.annotations["prometheus.io/port"] === String(HTTP_PORT),
    `${where}: the metrics Service must announce ${METRICS_PATH} on ${HTTP_PORT}`);
  return { statefulSet, container, config };
}

function topicJobPartitions(resources, where) {
  const job = single(resources, "Job", where);
  const container = job.spec.template.spec.containers[0];
  const partitions = Number(envValue(container, "TOPIC_PARTITIONS"));
  expect(Number.isInteger(partitions) && partitions > 0, `${where}: the topic Job sets no TOPIC_PARTITIONS`);
  return { job, container, partitions };
}

export function checkKubernetes(renderings) {
  const verified = [];
  for (const [overlay, resources] of Object.entries(renderings)) {
    const where = `k8s ${overlay}`;
    const { statefulSet, container, config } = checkWorkerPod(resources, where);
    const { container: jobContainer, partitions } = topicJobPartitions(resources, where);
    expect(jobContainer.envFrom?.some((source) => source.configMapRef?.name === "streamlate-config"),
      `${where}: the topic Job must read its topic names from streamlate-config`);
    const scaledObjects = resources.filter((resource) => resource.kind === "ScaledObject");
    if (scaledObjects.length === 0) {
      expect(statefulSet.spec.replicas <= partitions,
        `${where}: ${statefulSet.spec.replicas} replicas exceed the input topic's ${partitions} partitions`);
    } else {
      const scaled = single(resources, "ScaledObject", where);
      const trigger = scaled.spec.triggers.find((candidate) => candidate.type === "kafka");
      expect(trigger, `${where}: ScaledObject has no kafka trigger`);
      expect(scaled.spec.maxReplicaCount <= partitions,
        `${where}: KEDA maxReplicaCount ${scaled.spec.maxReplicaCount} exceeds the input topic's ${partitions} partitions`);
      expect(scaled.spec.scaleTargetRef.kind === "StatefulSet" && scaled.spec.scaleTargetRef.name === statefulSet.metadata.name,
        `${where}: ScaledObject does not target StatefulSet ${statefulSet.metadata.name}`);
      expect(statefulSet.spec.replicas === undefined,
        `${where}: StatefulSet sets replicas while KEDA scales it (each apply would reset the count)`);
      const expected = {
        consumerGroup: config.data.STREAMLATE_KAFKA_APPLICATION_ID,
        topic: config.data.STREAMLATE_TOPIC_INPUT,
        bootstrapServers: config.data.STREAMLATE_KAFKA_BOOTSTRAP_SERVERS,
        allowIdleConsumers: "false",
      };
      for (const [key, value] of Object.entries(expected)) {
        expect(trigger.metadata[key] === value, `${where}: kafka trigger ${key} is ${trigger.metadata[key]}, expected ${value}`);
      }
      verified.push(`${where}: KEDA maxReplicaCount ${scaled.spec.maxReplicaCount} <= ${partitions} partitions; trigger group/topic/bootstrap match the ConfigMap`);
    }
    const gpu = overlay.includes("gpu");
    expect(container.image === (gpu ? IMAGE.cuda : IMAGE.cpu), `${where}: worker image ${container.image}, expected ${gpu ? IMAGE.cuda : IMAGE.cpu}`);
    if (gpu) {
      expect(String(container.resources?.limits?.["nvidia.com/gpu"]) === "1", `${where}: worker must limit nvidia.com/gpu to 1`);
      expect(envValue(container, "STREAMLATE_DEVICE") === "cuda", `${where}: worker must set STREAMLATE_DEVICE=cuda`);
      expect(statefulSet.spec.template.spec.tolerations?.some((toleration) => toleration.key === "nvidia.com/gpu"),
        `${where}: worker must tolerate the nvidia.com/gpu taint`);
    }
    verified.push(`${where}: port ${HTTP_PORT}, live ${LIVE_PATH}, ready ${READY_PATH}, grace >= ${MIN_GRACE_SECONDS}s, per-pod state volume, static member id, image ${container.image}`);
  }
  return verified;
}

export function checkServiceMonitor(serviceMonitor, baseResources) {
  const service = baseResources.find((resource) => resource.kind === "Service"
    && Object.entries(serviceMonitor.spec.selector.matchLabels).every(([key, value]) => resource.metadata.labels?.[key] === value));
  expect(service, "ServiceMonitor selects no Service of the base");
  for (const endpoint of serviceMonitor.spec.endpoints) {
    expect(service.spec.ports.some((port) => port.name === endpoint.port), `ServiceMonitor port ${endpoint.port} is not a port of Service ${service.metadata.name}`);
    expect(endpoint.path === METRICS_PATH, `ServiceMonitor path ${endpoint.path}, expected ${METRICS_PATH}`);
  }
  return [`ServiceMonitor selects Service ${service.metadata.name} and scrapes ${METRICS_PATH}`];
}

export function checkCompose(deployDir, baseResources) {
  const composeDir = join(deployDir, "compose");
  const compose = readYaml(join(composeDir, "compose.yaml"));
  const gpu = readYaml(join(composeDir, "compose.gpu.yaml"));
  const prometheus = readYaml(join(composeDir, "prometheus.yml"));
  const shared = readEnvFile(join(composeDir, "streamlate.env"));
  const worker = compose.services.streamlate;
  const topics = compose.services["create-topics"];
  const partitions = Number(topics.environment.TOPIC_PARTITIONS);

  expect(worker.image === IMAGE.cpu, `compose: worker image ${worker.image}, expected ${IMAGE.cpu}`);
  expect(gpu.services.streamlate.image === IMAGE.cuda, `compose.gpu: worker image ${gpu.services.streamlate.image}, expected ${IMAGE.cuda}`);
  expect(worker.deploy.replicas <= partitions, `compose: ${worker.deploy.replicas} workers exceed ${partitions} input partitions`);
  expect(worker.depends_on["create-topics"]?.condition === "service_completed_successfully",
    "compose: workers must wait for create-topics to complete");
  expect(worker.env_file === "streamlate.env" && topics.env_file === "streamlate.env",
    "compose: workers and create-topics must share streamlate.env");
  expect(worker.healthcheck.test.join(" ").includes(`localhost:${HTTP_PORT}${READY_PATH}`),
    `compose: worker healthcheck must GET ${READY_PATH} on ${HTTP_PORT}`);
  expect(parseInt(worker.stop_grace_period, 10) >= MIN_GRACE_SECONDS, `compose: stop_grace_period below ${MIN_GRACE_SECONDS}s`);
  expect(topics.image === compose.services.kafka.image, "compose: create-topics must use the broker's image (same kafka-topics)");
  for (const [service, dependency] of [["schema-registry", "kafka"], ["create-topics", "kafka"], ["streamlate", "schema-registry"]]) {
    expect(compose.services[service].depends_on?.[dependency]?.condition === "service_healthy",
      `compose: ${service} must wait for ${dependency} to be healthy`);
    expect(compose.services[dependency].healthcheck, `compose: ${dependency} has no healthcheck to wait for`);
  }

  const scrape = prometheus.scrape_configs.find((job) => job.job_name === "streamlate");
  expect(scrape?.metrics_path === METRICS_PATH, `prometheus.yml: job streamlate must scrape ${METRICS_PATH}`);
  const discovery = scrape.dns_sd_configs?.[0];
  expect(discovery?.names?.includes("streamlate") && discovery.port === HTTP_PORT,
    `prometheus.yml: must discover the compose service "streamlate" on port ${HTTP_PORT}`);

  const kubernetesConfig = baseResources.find((resource) => resource.metadata.name === "streamlate-config").data;
  const kubernetesJob = baseResources.find((resource) => resource.kind === "Job");
  for (const key of Object.keys(shared).filter((name) => name.startsWith("STREAMLATE_TOPIC_") || name === "STREAMLATE_KAFKA_APPLICATION_ID")) {
    expect(kubernetesConfig[key] === shared[key], `compose ${key}=${shared[key]} but k8s ConfigMap has ${kubernetesConfig[key]}`);
  }
  expect(kubernetesJob.spec.template.spec.containers[0].image === topics.image,
    `compose create-topics image ${topics.image} differs from the k8s Job's`);
  const kubernetesPartitions = Number(envValue(kubernetesJob.spec.template.spec.containers[0], "TOPIC_PARTITIONS"));
  expect(kubernetesPartitions === partitions, `compose creates ${partitions} input partitions, k8s ${kubernetesPartitions}`);
  return [
    `compose: ${worker.deploy.replicas} workers <= ${partitions} partitions, start order by healthchecks, readiness probe ${READY_PATH}`,
    `compose: topic names, application id, partitions and Kafka image agree with k8s`,
    `prometheus.yml: scrapes ${METRICS_PATH} of every "streamlate" replica on ${HTTP_PORT}`,
  ];
}

function instructions(path) {
  return DockerfileParser.parse(readFileSync(path, "utf8")).getInstructions();
}

// Simplified .dockerignore matching for the one layout used here: "**" excludes everything, then literal "!path"
// lines bring single files back. Anything else in the file is refused rather than interpreted.
function contextFiles(repositoryRoot) {
  const lines = readFileSync(join(repositoryRoot, ".dockerignore"), "utf8").split("\n")
    .map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  expect(lines[0] === "**", ".dockerignore must start with ** (send nothing but the files named after it)");
  const included = lines.slice(1);
  expect(included.every((line) => line.startsWith("!") && !/[*?[]/.test(line)),
    ".dockerignore: after ** only literal !path lines are supported by this check");
  return new Set(included.map((line) => line.slice(1)));
}

export function checkDockerfiles(repositoryRoot) {
  const context = contextFiles(repositoryRoot);
  const verified = [];
  for (const [file, image] of [["Dockerfile", IMAGE.cpu], ["Dockerfile.cuda", IMAGE.cuda]]) {
    const path = join(repositoryRoot, "deploy/docker", file);
    const all = instructions(path);
    const keyword = (name) => all.filter((instruction) => instruction.getKeyword() === name);
    const copied = keyword("COPY").filter((copy) => !copy.getFromFlag())
      .flatMap((copy) => copy.getArguments().slice(0, -1).map((argument) => argument.getValue()));
    for (const source of copied) {
      expect(context.has(source), `${file}: COPY ${source} is excluded from the build context by .dockerignore`);
    }
    expect(copied.includes("topology/target/streamlate-all.jar"), `${file}: must copy topology/target/streamlate-all.jar`);
    expect(keyword("EXPOSE").some((expose) => expose.getArguments().some((argument) => argument.getValue() === String(HTTP_PORT))),
      `${file}: must EXPOSE ${HTTP_PORT}`);
    expect(keyword("HEALTHCHECK").some((check) => check.getTextContent().includes(LIVE_PATH)), `${file}: HEALTHCHECK must GET ${LIVE_PATH}`);
    expect(keyword("USER").length > 0, `${file}: must switch to a non-root USER`);
    const header = readFileSync(path, "utf8");
    expect(header.includes(`docker build -f deploy/docker/${file} -t ${image} .`),
      `${file}: its documented build command must tag ${image}`);
    verified.push(`${file}: copies only context files (${copied.length}), EXPOSE ${HTTP_PORT}, HEALTHCHECK ${LIVE_PATH}, non-root, tagged ${image}`);
  }
  const readme = readFileSync(join(repositoryRoot, "deploy/README.md"), "utf8");
  for (const [file, image] of [["Dockerfile", IMAGE.cpu], ["Dockerfile.cuda", IMAGE.cuda]]) {
    expect(readme.includes(`docker build -f deploy/docker/${file} -t ${image} .`), `deploy/README.md: must document building ${image} from ${file}`);
  }
  return verified;
}
