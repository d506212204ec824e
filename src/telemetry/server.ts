import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Health {
  /** Process is up and its loop is turning. */
  live(): boolean;
  /** Connected to Kafka and Elasticsearch, template installed, consuming. */
  ready(): { ready: boolean; reason: string };
  /** Facts added to the /readyz body either way (e.g. rejected_rules), so an orchestrator or operator sees them. */
  details?(): Readonly<Record<string, number | string | boolean>>;
}

export interface TelemetryServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves /metrics (Prometheus text), /healthz and /readyz. */
export async function startTelemetryServer(host: string, port: number, registry: Registry, health: Health): Promise<TelemetryServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics unavailable: ${String(err)}\n`);
        },
      );
      return;
    }
    if (path === '/healthz') {
      const ok = health.live();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ok' : 'down' }));
      return;
    }
    if (path === '/readyz') {
      const r = health.ready();
      res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: r.ready ? 'ready' : 'not_ready', reason: r.reason, ...health.details?.() }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found: try /metrics, /healthz or /readyz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
