// The compose stack against the service's contract and against the Kubernetes base: worker count against
// partitions, start order, topic names, application id and images. Returns what it verified or throws.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { envValue, expect, HTTP_PORT, IMAGE, METRICS_PATH, MIN_GRACE_SECONDS, READY_PATH } from "./contract.mjs";
import { readYaml } from "./yaml-files.mjs";

function readEnvFile(path) {
  return Object.fromEntries(readFileSync(path, "utf8").split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
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
