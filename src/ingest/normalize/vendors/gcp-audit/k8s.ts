/**
 * GKE audit entries (serviceName `k8s.io`, monitored resource `k8s_cluster`)
 * → ECS orchestrator.*, as Elastic's GCP pipeline fills it.
 *
 * GKE audit logging: https://cloud.google.com/kubernetes-engine/docs/how-to/audit-logging
 * Their `resourceName` is the Kubernetes API path without the leading
 * `api(s)/` prefix: `core/v1/namespaces/default/pods/web-0`,
 * `apps/v1/namespaces/prod/deployments`, `core/v1/nodes`, `api/v1`, `readyz`.
 */
import type { JsonObject } from '../../../../ecs/index.js';
import { str, type Obj } from '../../accessors.js';
import { compact } from './prune.js';

const API_VERSION = String.raw`(v\d+(?:[a-z]+)?(?:\d+)?)`;
const RESOURCE_TYPE = String.raw`([a-z]+(?:(?:\.[a-z0-9]+)+)?)`;
// A DNS label or name: what Kubernetes object names are.
const NAME = String.raw`(\b[0-9A-Za-z][0-9A-Za-z-]{0,62}(?:\.[0-9A-Za-z][0-9A-Za-z-]{0,62})*)`;

interface PathParts {
  apiVersion?: string;
  namespace?: string;
  resourceType?: string;
  resourceName?: string;
}

const NAMESPACED = new RegExp(String.raw`.*?/${API_VERSION}/namespaces/(.*?)/${RESOURCE_TYPE}(?:/${NAME})?`);
const CLUSTER_SCOPED = new RegExp(String.raw`.*?/${API_VERSION}/${RESOURCE_TYPE}`);
const API_GROUP = new RegExp(String.raw`apis/${RESOURCE_TYPE}/${API_VERSION}`);
const CORE_API = new RegExp(String.raw`api/${API_VERSION}`);
const BARE = new RegExp(RESOURCE_TYPE);

/** Kubernetes API paths are short; longer text is not parsed (the lazy patterns are quadratic). */
const MAX_PATH = 1024;

/**
 * Tried in order, first match wins, each searched anywhere in the path (not
 * anchored), like the grok patterns of Elastic's pipeline.
 */
const PATTERNS: readonly ((path: string) => PathParts | undefined)[] = [
  (p) => {
    const m = NAMESPACED.exec(p);
    return m ? { apiVersion: m[1], namespace: m[2], resourceType: m[3], resourceName: m[4] } : undefined;
  },
  (p) => {
    const m = CLUSTER_SCOPED.exec(p);
    return m ? { apiVersion: m[1], resourceType: m[2] } : undefined;
  },
  (p) => {
    const m = API_GROUP.exec(p);
    return m ? { resourceType: m[1], apiVersion: m[2] } : undefined;
  },
  (p) => {
    const m = CORE_API.exec(p);
    return m ? { apiVersion: m[1] } : undefined;
  },
  (p) => {
    const m = BARE.exec(p);
    return m ? { resourceType: m[1] } : undefined;
  },
];

/** The parts of a GKE audit `resourceName`; empty when none of the patterns matches. */
export function parseK8sResource(path: string): PathParts {
  if (path.length > MAX_PATH) return {};
  for (const pattern of PATTERNS) {
    const parts = pattern(path);
    if (parts) return parts;
  }
  return {};
}

/**
 * orchestrator.* for entries about a GKE cluster: the type and cluster name
 * for `k8s_cluster` and `gke_cluster` resources, and the API path parts for
 * `k8s_cluster` (Kubernetes API calls).
 */
export function orchestratorOf(resource: Obj | undefined, labels: Obj | undefined, resourceName: string | undefined): JsonObject | undefined {
  const type = str(resource, 'type');
  if (type !== 'k8s_cluster' && type !== 'gke_cluster') return undefined;
  const parts = type === 'k8s_cluster' && resourceName !== undefined ? parseK8sResource(resourceName) : {};
  return {
    type: 'kubernetes',
    cluster: compact({ name: str(labels, 'cluster_name') }),
    api_version: parts.apiVersion,
    namespace: parts.namespace === '' ? undefined : parts.namespace,
    resource: compact({ type: parts.resourceType, name: parts.resourceName }),
  };
}
