/**
 * Closing the DNS-rebinding gap: checking a host's addresses and then letting
 * fetch resolve it again lets a hostile DNS server answer "public" to the
 * check and "169.254.169.254" to the connect. Instead the connection's own
 * lookup runs the check, so the address connected to is the address checked.
 *
 * Node's fetch is undici, and undici's Agent accepts `connect.lookup`, but
 * Node does not export the Agent class. It does publish its global
 * dispatcher (an Agent) under the cross-version key undici itself uses
 * (`Symbol.for('undici.globalDispatcher.1')`), so the class is reached
 * through that instance, with no extra dependency. When that fails (another
 * runtime, or someone installed a proxy dispatcher), `pinnedDispatcher`
 * returns undefined and the client falls back to checking right before each
 * request: the residual risk is a rebinding between check and connect,
 * documented in docs/alerts.md.
 */
import type { LookupAddress } from 'node:dns';

type Dispatcher = NonNullable<RequestInit['dispatcher']>;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

interface LookupOptions {
  readonly all?: boolean;
  readonly family?: number | string;
}

interface AgentOptions {
  readonly connect: { readonly lookup: (hostname: string, options: LookupOptions, callback: LookupCallback) => void };
}

type AgentClass = new (options: AgentOptions) => Dispatcher;

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

function agentClass(): AgentClass | undefined {
  // Node loads its bundled undici (which installs the global Agent) on the
  // first fetch call, synchronously; a data: URL never touches the network.
  if (!(GLOBAL_DISPATCHER in globalThis)) fetch('data:,').catch(() => undefined);
  const instance: unknown = Reflect.get(globalThis, GLOBAL_DISPATCHER);
  if (typeof instance !== 'object' || instance === null) return undefined;
  const ctor: unknown = instance.constructor;
  if (typeof ctor !== 'function' || ctor.name !== 'Agent') return undefined;
  return ctor as AgentClass;
}

function familyNumber(family: number | string | undefined): number | undefined {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return undefined;
}

/**
 * An undici dispatcher whose every new connection resolves through `resolve`
 * (which must throw for refused addresses), or undefined when this runtime's
 * fetch cannot take one. Close it when the sink is shut down.
 */
export function pinnedDispatcher(resolve: (hostname: string) => Promise<readonly LookupAddress[]>): Dispatcher | undefined {
  const Agent = agentClass();
  if (Agent === undefined) return undefined;
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (found) => {
        const family = familyNumber(options.family);
        const usable = family === undefined ? [...found] : found.filter((a) => a.family === family);
        if (options.all === true) {
          callback(null, usable);
          return;
        }
        const first = usable[0];
        if (first === undefined) callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        else callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), '', 0),
    );
  };
  try {
    return new Agent({ connect: { lookup } });
  } catch {
    return undefined;
  }
}
