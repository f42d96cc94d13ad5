// The service's contract as the deployment files must state it (port, probe paths, a grace period above its ~60 s
// drain) and the image names that several files must spell alike, plus the assertion the consistency checks share.
export const HTTP_PORT = 8080;
export const LIVE_PATH = "/health/live";
export const READY_PATH = "/health/ready";
export const METRICS_PATH = "/metrics";
export const MIN_GRACE_SECONDS = 90;
export const IMAGE = { cpu: "streamlate:cpu", cuda: "streamlate:cuda" };

export function expect(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

export function envValue(container, name) {
  return container.env?.find((variable) => variable.name === name)?.value;
}
