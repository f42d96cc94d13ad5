// Kubernetes facts no schema catches: the worker pod against the service's contract, KEDA's replica ceiling against
// the partitions the topic Job creates, the trigger's names against the ConfigMap, and the GPU overlay's image and
// GPU request. Each check returns what it verified or throws.
import { envValue, expect, HTTP_PORT, IMAGE, LIVE_PATH, METRICS_PATH, MIN_GRACE_SECONDS, READY_PATH } from "./contract.mjs";

function single(resources, kind, where) {
  const found = resources.filter((resource) => resource.kind === kind);
  expect(found.length === 1, `${where}: expected one ${kind}, found ${found.length}`);
  return found[0];
}

function workerContainer(statefulSet) {
  return statefulSet.spec.template.spec.containers.find((container) => container.name === "streamlate");
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

// The secured overlay: every ${directory:<dir>:<file>} reference of the ConfigMap, and every store location under
// <dir>, points into a read-only mount of the Secret in both the workers and the topic Job, the directory provider
// is declared and may read only <dir>, and the Secret's example names every referenced file.
export function checkSecretFiles(resources, secretExample, where) {
  const config = resources.find((resource) => resource.kind === "ConfigMap" && resource.metadata.name === "streamlate-config");
  const data = config.data;
  expect(data.STREAMLATE_KAFKA_CONFIG_PROVIDERS?.split(",").map((name) => name.trim()).includes("directory")
      && data.STREAMLATE_KAFKA_CONFIG_PROVIDERS_DIRECTORY_CLASS === "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
    `${where}: the ConfigMap does not declare Kafka's DirectoryConfigProvider as "directory"`);
  const references = Object.values(data).flatMap((value) => [...value.matchAll(/\$\{directory:([^:}]+):([^}]+)\}/g)])
    .map(([, directory, file]) => ({ directory, file }));
  expect(references.length > 0, `${where}: the ConfigMap refers to no file through \${directory:...}`);
  const directories = new Set(references.map((reference) => reference.directory));
  expect(directories.size === 1, `${where}: references into several directories: ${[...directories].join(", ")}`);
  const [directory] = directories;
  expect(data.STREAMLATE_KAFKA_CONFIG_PROVIDERS_DIRECTORY_PARAM_ALLOWED_PATHS === directory,
    `${where}: the directory provider's allowed.paths must be ${directory}`);
  for (const [key, value] of Object.entries(data)) {
    expect(!/PASSWORD|USER_INFO/.test(key) || value.startsWith("${directory:"),
      `${where}: ${key} must refer to a file of ${directory}, not hold the secret`);
  }
  const statefulSet = single(resources, "StatefulSet", where);
  const job = single(resources, "Job", where);
  for (const [owner, podSpec] of [["worker", statefulSet.spec.template.spec], ["topic Job", job.spec.template.spec]]) {
    const mount = podSpec.containers[0].volumeMounts?.find((candidate) => candidate.mountPath === directory);
    const volume = podSpec.volumes?.find((candidate) => candidate.name === mount?.name);
    expect(mount?.readOnly === true && volume?.secret?.secretName === secretExample.metadata.name,
      `${where}: the ${owner} must mount Secret ${secretExample.metadata.name} read-only at ${directory}`);
  }
  const locations = Object.entries(data).filter(([key]) => key.endsWith("_LOCATION")).map(([, value]) => value);
  expect(locations.length > 0 && locations.every((location) => location.startsWith(`${directory}/`)),
    `${where}: store locations ${locations.join(", ")} must lie in ${directory}`);
  const named = new Set(Object.keys(secretExample.stringData ?? {}));
  const missing = references.map((reference) => reference.file).filter((file) => !named.has(file));
  expect(missing.length === 0, `${where}: the Secret's example lacks ${[...new Set(missing)].join(", ")}`);
  return [`${where}: ${references.length} \${directory:...} references and ${locations.length} store locations in `
    + `${directory}, mounted read-only from Secret ${secretExample.metadata.name} in the workers and the topic Job`];
}
