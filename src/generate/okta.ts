/**
 * Realistic Okta System Log traffic for the demo and tests: a population of
 * users signing in, using SSO and MFA, and admins changing groups, with a few
 * suspicious patterns mixed in (password spraying / brute force followed by a
 * success, privilege grants, MFA factor resets, a threat detection). Events
 * follow the LogEvent schema of the System Log API.
 */
import { fakeUuid, pick, seededRandom } from './random.js';

interface Person {
  id: string;
  login: string;
  name: string;
  ip: string;
  city: string;
  state: string;
  country: string;
  lat: number;
  lon: number;
  ua: string;
  browser: string;
  os: string;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Radia', 'Edsger', 'Frances', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Perlman', 'Dijkstra', 'Allen', 'Berners-Lee'];
const PLACES = [
  { city: 'San Francisco', state: 'California', country: 'United States', lat: 37.7642, lon: -122.3993 },
  { city: 'New York', state: 'New York', country: 'United States', lat: 40.7128, lon: -74.006 },
  { city: 'Dublin', state: 'Leinster', country: 'Ireland', lat: 53.3498, lon: -6.2603 },
  { city: 'Berlin', state: 'Berlin', country: 'Germany', lat: 52.52, lon: 13.405 },
];
const AGENTS = [
  { ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', browser: 'CHROME', os: 'Mac OS X' },
  { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0', browser: 'FIREFOX', os: 'Windows 10' },
  { ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', browser: 'SAFARI', os: 'iOS' },
];
const APPS = ['Salesforce', 'Slack', 'GitHub Enterprise', 'AWS IAM Identity Center', 'Zoom', 'Google Workspace'];
/** Adding someone to it is a privilege grant: one of the planted patterns. */
const ADMIN_GROUP = 'Okta Administrators';
const GROUPS = ['Engineering', 'Finance', 'Sales', ADMIN_GROUP, 'Contractors'];
const ATTACKER = { ip: '185.220.101.45', city: 'Frankfurt am Main', state: 'Hesse', country: 'Germany', lat: 50.1109, lon: 8.6821, ua: 'python-requests/2.31.0' };

export interface GenerateOptions {
  count: number;
  seed: number;
  /** Time of the first event; events then advance by a few seconds each. */
  start: Date;
  /** Fraction of records that are deliberately malformed, to exercise the DLQ. */
  badRatio?: number;
  /**
   * Plant the suspicious patterns (default true). Without them the traffic is
   * only ordinary work (sign-ins, SSO, MFA, logouts, a mistyped password now
   * and then, group changes outside the admin group), on which no shipped
   * rule should fire: a baseline for noise (test/unit/demo-noise.test.ts).
   */
  attacks?: boolean;
}

type LogEvent = Record<string, unknown>;

function people(random: () => number): Person[] {
  return Array.from({ length: 40 }, (_, i) => {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[Math.floor(i / FIRST.length + i) % LAST.length] as string;
    const place = pick(random, PLACES);
    const agent = pick(random, AGENTS);
    return {
      id: `00u${fakeUuid(random).replace(/-/g, '').slice(0, 17)}`,
      login: `${first}.${last}${i}@example.com`.toLowerCase(),
      name: `${first} ${last}`,
      ip: `203.0.113.${10 + i}`,
      ...place,
      ...agent,
    };
  });
}

function event(random: () => number, at: Date, p: { id: string; login: string; name: string; type?: string }, where: { ip: string; city: string; state: string; country: string; lat: number; lon: number; ua: string; browser?: string; os?: string }, eventType: string, display: string, result: string, extra: Partial<LogEvent> = {}): LogEvent {
  const requestId = fakeUuid(random).replace(/-/g, '').slice(0, 27);
  const geo = { city: where.city, state: where.state, country: where.country, postalCode: null, geolocation: { lat: where.lat, lon: where.lon } };
  return {
    actor: { id: p.id, type: p.type ?? 'User', alternateId: p.login, displayName: p.name, detailEntry: null },
    client: {
      userAgent: { rawUserAgent: where.ua, os: where.os ?? 'Unknown', browser: where.browser ?? 'UNKNOWN' },
      zone: 'null',
      device: where.browser ? 'Computer' : 'Unknown',
      id: null,
      ipAddress: where.ip,
      geographicalContext: geo,
    },
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: fakeUuid(random).replace(/-/g, '').slice(0, 25) },
    displayMessage: display,
    eventType,
    outcome: { result, reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : null },
    published: at.toISOString(),
    securityContext: { asNumber: 64496, asOrg: 'example transit', isp: 'example isp', domain: 'example.net', isProxy: false },
    severity: result === 'FAILURE' ? 'WARN' : 'INFO',
    debugContext: { debugData: { requestId, requestUri: '/api/v1/authn', threatSuspected: 'false', url: '/api/v1/authn?' } },
    legacyEventType: null,
    transaction: { type: 'WEB', id: requestId, detail: {} },
    uuid: fakeUuid(random),
    version: '0',
    request: { ipChain: [{ ip: where.ip, geographicalContext: geo, version: 'V4', source: null }] },
    target: null,
    ...extra,
  };
}

const BAD_RECORDS = [
  'this is not json',
  '{"eventType":"user.session.start","uuid":"truncated-',
  '{"eventType":"user.session.start","uuid":"no-timestamp-0001"}',
  '{"eventType":"user.session.start","uuid":"bad-timestamp-0001","published":"yesterday"}',
  '',
];

/**
 * Yields `count` raw records (JSON text). Deterministic for a given seed and
 * start time.
 */
export function* generateOkta(opts: GenerateOptions): Generator<string> {
  const random = seededRandom(opts.seed);
  const staff = people(random);
  const admin = { id: '00uadmin0000000001', login: 'it.admin@example.com', name: 'IT Admin' };
  let t = opts.start.getTime();
  const tick = (): Date => {
    t += 500 + Math.floor(random() * 4000);
    return new Date(t);
  };
  const queue: string[] = [];
  let produced = 0;
  while (produced < opts.count) {
    if (queue.length === 0) {
      // Without attacks, the rolls that plant one give ordinary sign-ins
      // instead; the random sequence is drawn the same either way.
      const rolled = random();
      const roll = opts.attacks === false && rolled < 0.012 ? 1 : rolled;
      const u = pick(random, staff);
      if (opts.badRatio && random() < opts.badRatio) {
        queue.push(pick(random, BAD_RECORDS));
      } else if (roll < 0.006) {
        // Brute force: a burst of failures for one user from one address, then a success.
        const victim = pick(random, staff);
        const n = 8 + Math.floor(random() * 8);
        for (let i = 0; i < n; i++) queue.push(JSON.stringify(event(random, tick(), victim, ATTACKER, 'user.session.start', 'User login to Okta', 'FAILURE')));
        queue.push(JSON.stringify(event(random, tick(), victim, ATTACKER, 'user.session.start', 'User login to Okta', 'SUCCESS')));
      } else if (roll < 0.009) {
        const target = pick(random, staff);
        queue.push(JSON.stringify(event(random, tick(), admin, u, 'user.account.privilege.grant', 'Grant user privilege', 'SUCCESS', {
          target: [{ id: target.id, type: 'User', alternateId: target.login, displayName: target.name, detailEntry: null }],
        })));
      } else if (roll < 0.011) {
        queue.push(JSON.stringify(event(random, tick(), admin, u, 'user.mfa.factor.reset_all', 'Reset all factors for user', 'SUCCESS', {
          target: [{ id: u.id, type: 'User', alternateId: u.login, displayName: u.name, detailEntry: null }],
        })));
      } else if (roll < 0.012) {
        queue.push(JSON.stringify(event(random, tick(), u, ATTACKER, 'security.threat.detected', 'Request from suspicious actor', 'DENY')));
      } else if (roll < 0.05) {
        const picked = pick(random, GROUPS);
        const group = opts.attacks === false && picked === ADMIN_GROUP ? 'Engineering' : picked;
        queue.push(JSON.stringify(event(random, tick(), admin, u, 'group.user_membership.add', 'Add user to group membership', 'SUCCESS', {
          target: [
            { id: u.id, type: 'User', alternateId: u.login, displayName: u.name, detailEntry: null },
            { id: `00g${group.length}${group.replace(/\W/g, '').toLowerCase()}`, type: 'UserGroup', alternateId: 'unknown', displayName: group, detailEntry: null },
          ],
        })));
      } else if (roll < 0.12) {
        queue.push(JSON.stringify(event(random, tick(), u, u, 'user.session.start', 'User login to Okta', 'FAILURE')));
      } else {
        // An ordinary sign-in flow.
        queue.push(JSON.stringify(event(random, tick(), u, u, 'policy.evaluate_sign_on', 'Evaluation of sign-on policy', 'ALLOW')));
        queue.push(JSON.stringify(event(random, tick(), u, u, 'user.session.start', 'User login to Okta', 'SUCCESS')));
        if (random() < 0.5) queue.push(JSON.stringify(event(random, tick(), u, u, 'user.authentication.auth_via_mfa', 'Authentication of user via MFA', 'SUCCESS')));
        queue.push(JSON.stringify(event(random, tick(), u, u, 'user.authentication.sso', `User single sign on to app ${pick(random, APPS)}`, 'SUCCESS')));
        if (random() < 0.3) queue.push(JSON.stringify(event(random, tick(), u, u, 'user.session.end', 'User logout from Okta', 'SUCCESS')));
      }
    }
    const next = queue.shift();
    if (next === undefined) continue;
    produced++;
    yield next;
  }
}
