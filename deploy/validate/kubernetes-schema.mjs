// Validates Kubernetes objects against the OpenAPI schemas compiled into kubernetes-models (Kubernetes' own API
// types) and its KEDA and Prometheus Operator packages: types, required fields, enums and formats. Like any
// OpenAPI check without a server it accepts unknown fields; the consistency-*.mjs checks assert the fields that
// matter by name.
const MODEL_PACKAGES = {
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

function modelModule(apiVersion, kind) {
  if (MODEL_PACKAGES[apiVersion]) {
    return `${MODEL_PACKAGES[apiVersion]}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

export async function validateKubernetesObject(resource, where) {
  if (!resource?.apiVersion || !resource?.kind) {
    throw new Error(`${where}: not a Kubernetes object (apiVersion and kind are required)`);
  }
  let model;
  try {
    model = await import(modelModule(resource.apiVersion, resource.kind));
  } catch (error) {
    throw new Error(`${where}: no schema for ${resource.apiVersion} ${resource.kind} (${error.code ?? error.message})`);
  }
  const Model = model[resource.kind];
  try {
    new Model(resource).validate();
  } catch (error) {
    throw new Error(`${where}: ${resource.kind} ${resource.metadata?.name}: ${error.message}`);
  }
}
