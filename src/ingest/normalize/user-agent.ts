/**
 * User-Agent → ECS `user_agent.{name,version,os.*,device.name}`, shaped like
 * the output of Elasticsearch's `user_agent` ingest processor (which runs the
 * ua-parser "uap-core" families), so Sift's documents agree with Elastic's
 * integrations: name "Chrome", "Mobile Safari", "aws-cli", "Other"…; version
 * as major.minor[.patch[.build]] with only the parts the family reports; os
 * only when recognized (os.full = "name version"); device.name always, "Other"
 * when unknown.
 *
 * The rules are Sift's own, written from the documented formats of common
 * User-Agent strings (RFC 9110 product tokens, browser and SDK conventions);
 * they cover the browsers and API clients seen in SaaS audit logs, not the
 * long tail of uap-core.
 *
 * Bounded work, whatever the input: the string is cut at
 * MAX_USER_AGENT_LENGTH; every regex starts with a literal or is anchored
 * and has no nested quantifiers (no catastrophic backtracking); tokens are
 * found by one linear scan. Results are memoized in a bounded FIFO map, since
 * the same few strings repeat constantly in audit logs. Pure and never throws.
 */

export interface ParsedUserAgent {
  name?: string;
  version?: string;
  os?: { name?: string; version?: string; full?: string };
  device?: { name?: string };
}

export const MAX_USER_AGENT_LENGTH = 1024;
export const MAX_MEMO_ENTRIES = 5_000;

const OTHER = 'Other';

// ---------------------------------------------------------------- helpers

type Groups = readonly (string | undefined)[];

/** Dotted version from up to `max` captured parts, stopping at the first missing one. */
function dotted(parts: Groups, max = 4): string | undefined {
  const out: string[] = [];
  for (const p of parts) {
    if (p === undefined || p === '' || out.length >= max) break;
    out.push(p);
  }
  return out.length > 0 ? out.join('.') : undefined;
}

interface Hit {
  readonly name: string;
  readonly version?: string | undefined;
}

const hit = (name: string, version?: string): Hit => ({ name, version });

/** A family rule: a regex whose groups are [family?, ...version parts]. */
function rx(re: RegExp, family: string | undefined, max = 4): (ua: string) => Hit | undefined {
  return (ua) => {
    const m = re.exec(ua);
    if (!m) return undefined;
    if (family === undefined) return hit(m[1] ?? OTHER, dotted(m.slice(2), max));
    return hit(family, dotted(m.slice(1), max));
  };
}

interface Token {
  readonly name: string;
  readonly version: string;
}

/**
 * RFC 9110 product tokens ("name/version") of the string, by one linear scan
 * over whitespace-separated words. Used for bot names, which have no fixed
 * spelling.
 */
function productTokens(ua: string): Token[] {
  const out: Token[] = [];
  let start = 0;
  for (let i = 0; i <= ua.length; i++) {
    const ch = i < ua.length ? ua.charCodeAt(i) : 0x20;
    if (ch !== 0x20 && ch !== 0x3b /* ; */ && ch !== 0x28 /* ( */ && ch !== 0x29 /* ) */ && ch !== 0x2c /* , */) continue;
    if (i > start) {
      const word = ua.slice(start, i);
      const slash = word.indexOf('/');
      if (slash > 0) out.push({ name: word.slice(0, slash), version: word.slice(slash + 1) });
      else out.push({ name: word, version: '' });
    }
    start = i + 1;
  }
  return out;
}

const VERSION_PARTS = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/;
const BOT_NAME = /(?:bot|spider|crawler)$/i;

/** "Googlebot/2.1", "AhrefsBot/7.0", "Slackbot 1.0": a product named like a robot. */
function namedBot(ua: string): Hit | undefined {
  const tokens = productTokens(ua);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || !BOT_NAME.test(t.name) || !/^[A-Za-z]/.test(t.name)) continue;
    const versionText = t.version !== '' ? t.version : (tokens[i + 1]?.version === '' ? (tokens[i + 1]?.name ?? '') : '');
    const m = VERSION_PARTS.exec(versionText);
    if (m) return hit(t.name, dotted(m.slice(1), 3));
  }
  return undefined;
}

// ---------------------------------------------------------------- families

const CHROME_4 = /Chrome\/(\d+)\.(\d+)\.(\d+)\.(\d+)/;

/** Opera (Chromium based) reports itself as "OPR/"; on Android, "Opera Mobile". */
function opera(ua: string): Hit | undefined {
  const m = /OPR\/(\d+)\.(\d+)\.(\d+)/.exec(ua);
  if (m) {
    const mobile = ua.indexOf('Mobile Safari');
    if (mobile >= 0 && mobile < m.index) return hit('Opera Mobile', dotted(m.slice(1), 3));
    const chrome = ua.indexOf('Chrome');
    if (chrome >= 0 && chrome < m.index) return hit('Opera', dotted(m.slice(1), 3));
  }
  const old = /Opera\/9\.80.{0,300}Version\/(\d+)\.(\d+)(?:\.(\d+))?/.exec(ua);
  return old ? hit('Opera', dotted(old.slice(1), 3)) : undefined;
}

/** Chrome on Android: WebView ("; wv)" or a Version/ token before Chrome/), else Chrome Mobile. */
function chromeAndroid(ua: string): Hit | undefined {
  const m = CHROME_4.exec(ua);
  if (!m) return undefined;
  const version = dotted(m.slice(1));
  const wv = ua.indexOf('; wv)');
  const v = ua.indexOf('Version/');
  if ((wv >= 0 && wv < m.index) || (v >= 0 && v < m.index)) return hit('Chrome Mobile WebView', version);
  const after = ua.slice(m.index + m[0].length);
  if (/^ Mobile(?:[ /]|$)/.test(after)) return hit('Chrome Mobile', version);
  const mobile = ua.indexOf(' Mobile ');
  if (mobile >= 0 && mobile < m.index) return hit('Chrome Mobile', version);
  return undefined;
}

function firefoxMobile(ua: string): Hit | undefined {
  const m = /Firefox\/(\d+)\.(\d+)/.exec(ua);
  if (!m) return undefined;
  const mobile = /(?:Mobile|Tablet);/.exec(ua);
  return mobile && mobile.index < m.index ? hit('Firefox Mobile', dotted(m.slice(1), 2)) : undefined;
}

/** Safari and embedded WebKit on iPhone, iPad and iPod. */
function appleMobile(ua: string): Hit | undefined {
  const dev = /iPhone|iPad|iPod/.exec(ua);
  if (!dev) return undefined;
  const rest = ua.slice(dev.index);
  const v = /Version\/(\d+)\.(\d+)(?:\.(\d+))?/.exec(rest);
  if (v) {
    const version = dotted(v.slice(1), 3);
    const tail = rest.slice(v.index + v[0].length);
    return /[ +]Safari/.test(tail) ? hit('Mobile Safari', version) : hit('Mobile Safari UI/WKWebView', version);
  }
  return / Safari/.test(rest) ? hit('Mobile Safari') : hit('Mobile Safari UI/WKWebView');
}

/** The stock Android browser: Version/ and Safari, no Chrome; versioned like the OS. */
function androidBrowser(ua: string): Hit | undefined {
  if (ua.includes('Chrome/') || !ua.includes('Version/') || !ua.includes('Safari')) return undefined;
  const m = /Android[ -](\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(ua);
  return m ? hit('Android', dotted(m.slice(1), 3)) : undefined;
}

/** iOS apps built on CFNetwork: "MyApp/1.2 CFNetwork/1220.1 Darwin/20.3.0". */
function cfNetwork(ua: string): Hit | undefined {
  if (!ua.includes('CFNetwork')) return undefined;
  const app = /^([^/]{1,200})\/(\d+)(?:\.(\d+))? CFNetwork/.exec(ua);
  if (app?.[1] !== undefined) return hit(app[1].replace(/-(?:iPhone|iPad)$/, ''), dotted(app.slice(2), 2));
  const m = /CFNetwork(?:\/(\d+)(?:\.(\d+))?(?:\.(\d+))?)?/.exec(ua);
  return hit('CFNetwork', m ? dotted(m.slice(1), 3) : undefined);
}

/** Java's HttpURLConnection: "Java/1.8.0_25" → 8.0.25 (the leading "1." is dropped, as uap-core does). */
function java(ua: string): Hit | undefined {
  const m = /Java[/ ]?\d+\.(\d+)\.(\d+)[_-]*([a-zA-Z0-9]*)/.exec(ua);
  if (!m || (m.index > 0 && /[A-Za-z]/.test(ua.charAt(m.index - 1)))) return undefined;
  return hit('Java', dotted(m.slice(1), 3));
}

/** In order: the first rule that matches names the client. */
const FAMILY_RULES: readonly ((ua: string) => Hit | undefined)[] = [
  cfNetwork,
  // HTTP client libraries and API tools.
  rx(/\b(Google-HTTP-Java-Client|Apache-HttpClient|PostmanRuntime|Go-http-client|scalaj-http|Python-urllib|WinHTTP|okhttp|reqwest|axios|unirest-(?:java|python|ruby|nodejs|php|net))(?:[ /](\d+)(?:\.(\d+))?(?:\.(\d+))?)?/, undefined, 3),
  // AWS SDKs and S3 tools (before robots: "Boto3" and "botocore" are not robots).
  rx(/\b(Boto3?|JetS3t|aws-cli|aws-sdk-(?:cpp|go-v2|go|java|nodejs|ruby2?|dotnet-(?:\d{1,2}|core))|s3fs)\/(\d+)\.(\d+)(?:\.(\d+))?/, undefined, 3),
  // Robots, which often dress up as a browser.
  rx(/facebookexternalhit\/(\d+)\.(\d+)/, 'FacebookBot', 2),
  rx(/\b(Slackbot-LinkExpanding|Slack-ImgProxy|WhatsApp)(?:[ /](\d+)(?:\.(\d+))?(?:\.(\d+))?)?/, undefined, 3),
  namedBot,
  // Mobile browsers, before the desktop families whose tokens they repeat.
  rx(/(?:EdgiOS|EdgA)\/(\d+)\.(\d+)\.(\d+)\.(\d+)/, 'Edge Mobile'),
  opera,
  rx(/SamsungBrowser\/(\d+)\.(\d+)/, 'Samsung Internet', 2),
  rx(/YaBrowser\/(\d+)\.(\d+)\.(\d+)/, 'Yandex Browser', 3),
  rx(/UCBrowser\/(\d+)\.(\d+)\.(\d+)/, 'UC Browser', 3),
  rx(/Silk\/(\d+)\.(\d+)(?:\.([0-9-]+))?/, 'Amazon Silk', 3),
  chromeAndroid,
  rx(/CriOS\/(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?/, 'Chrome Mobile iOS'),
  rx(/FxiOS\/(\d+)\.(\d+)(?:\.(\d+))?/, 'Firefox iOS', 3),
  firefoxMobile,
  rx(/HeadlessChrome(?:\/(\d+)\.(\d+)\.(\d+))?/, 'HeadlessChrome', 3),
  // Desktop apps and browsers.
  rx(/Slack_SSB\/(\d+)\.(\d+)\.(\d+)/, 'Slack Desktop Client', 3),
  rx(/\b(Electron|OktaMobile|SeaMonkey|Epiphany|Konqueror|Midori)\/(\d+)\.(\d+)\.(\d+)/, undefined, 3),
  rx(/Thunderbird\/(\d+)\.(\d+)(?:\.(\d+))?/, 'Thunderbird', 3),
  rx(/Vivaldi\/(\d+)\.(\d+)\.(\d+)/, 'Vivaldi', 3),
  rx(/\bEdge?\/(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?/, 'Edge'),
  rx(/\b(Chromium|Chrome)\/(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?/, undefined, 4),
  rx(/Firefox\/(\d+)\.(\d+)(?:\.(\d+))?/, 'Firefox', 3),
  rx(/IEMobile[ /](\d+)\.(\d+)/, 'IE Mobile', 2),
  (ua) => (/Trident\/[78]\.0/.test(ua) ? hit('IE', '11.0') : undefined),
  rx(/MSIE (\d+)\.(\d+)/, 'IE', 2),
  androidBrowser,
  appleMobile,
  rx(/Version\/(\d+)\.(\d+)(?:\.(\d+))?.{0,300}Safari\//, 'Safari', 3),
  rx(/AppleWebKit\/(\d+)(?:\.(\d+))?(?:\.(\d+))? \(KHTML, like Gecko\)$/, 'Apple Mail', 3),
  // Command-line and library clients.
  rx(/python-requests\/(\d+)\.(\d+)/, 'Python Requests', 2),
  rx(/\b(curl|Wget|wget2|libwww-perl|PycURL|aria2|HTTPie|insomnia|Jersey|akka-http|ReactorNetty|AHC|go-resty|lftp|urlgrabber|WindowsPowerShell|Microsoft-CryptoAPI|Windows-Update-Agent|Debian APT-HTTP|Ubuntu APT-HTTP)(?:[ /](\d+)(?:\.(\d+))?(?:\.(\d+))?)?/, undefined, 3),
  java,
];

// ---------------------------------------------------------------- operating systems

interface Os {
  readonly name: string;
  readonly version?: string | undefined;
}

const WINDOWS_NT: Readonly<Record<string, string>> = {
  '10.0': '10',
  '6.3': '8.1',
  '6.2': '8',
  '6.1': '7',
  '6.0': 'Vista',
  '5.2': 'XP',
  '5.1': 'XP',
  '5.0': '2000',
};

function osRx(re: RegExp, name: string | undefined, max = 4): (ua: string) => Os | undefined {
  const rule = rx(re, name, max);
  return (ua) => rule(ua);
}

function windows(ua: string): Os | undefined {
  const nt = /Windows NT (\d+\.\d+)/.exec(ua);
  if (nt?.[1] !== undefined) return { name: 'Windows', version: Object.hasOwn(WINDOWS_NT, nt[1]) ? WINDOWS_NT[nt[1]] : undefined };
  const old = /Win(?:dows ?)?(95|98|ME|2000|XP|Vista)\b/.exec(ua);
  if (old) return { name: 'Windows', version: old[1] };
  return ua.includes('Windows') ? { name: 'Windows' } : undefined;
}

const OS_RULES: readonly ((ua: string) => Os | undefined)[] = [
  osRx(/Windows Phone (?:OS )?(\d+)\.(\d+)/, 'Windows Phone', 2),
  osRx(/(?:CPU OS|iPhone OS|CPU iPad OS)[ +]+(\d+)[_.](\d+)(?:[_.](\d+))?/, 'iOS', 3),
  osRx(/\biOS[ /](\d+)\.(\d+)(?:\.(\d+))?/, 'iOS', 3),
  (ua) => (/iPhone|iPad|iPod/.test(ua) ? { name: 'iOS' } : undefined),
  osRx(/Mac[ +]?OS[ +]X[ +/](\d+)[_.](\d+)(?:[_.](\d+))?/, 'Mac OS X', 3),
  (ua) => (ua.includes('Macintosh') || ua.includes('Mac OS X') ? { name: 'Mac OS X' } : undefined),
  osRx(/Android[ /-]?(\d+)(?:\.(\d+))?(?:\.(\d+))?/, 'Android', 3),
  (ua) => (ua.includes('Android') ? { name: 'Android' } : undefined),
  osRx(/CrOS \w+ (\d+)\.(\d+)(?:\.(\d+))?/, 'Chrome OS', 3),
  (ua) => (ua.includes('CrOS ') ? { name: 'Chrome OS' } : undefined),
  windows,
  osRx(/\b(Ubuntu|Kubuntu|Arch Linux|CentOS|Slackware|Gentoo|openSUSE|SUSE|Red Hat|Fedora|Debian|Mageia|FreeBSD|OpenBSD|NetBSD)(?:[ /](\d+)\.(\d+)(?:\.(\d+))?)?/, undefined, 3),
  osRx(/Linux(?:[ /](\d+)\.(\d+)(?:\.(\d+))?)?/, 'Linux', 3),
  (ua) => (ua.includes('SunOS') ? { name: 'Solaris' } : undefined),
  // Library clients write the platform in lower case: "(go1.21; linux; amd64)", "os/linux#6.8".
  (ua) => (ua.includes('linux') ? { name: 'Linux' } : undefined),
];

// ---------------------------------------------------------------- devices

/** Crawlers, scanners and SDKs whose names say "bot" (uap-core files all of them as "Spider"). */
const SPIDER = /bot|crawl|spider|slurp|scrape|archiver|indexer|^Java\/|python-urllib|winhttp|google-http-java-client|facebookexternalhit|whatsapp|pingdom|statuscake|masscan|scrapy|heritrix|nutch|qwantify|favicon|htdig|larbin|ichiro|genieo|netvibes|gomezagent|tlsprober|screaming frog|appengine-google/i;

const LOCALE = /^[a-z]{2}(?:[-_][a-zA-Z]{2,4})?$/;

/** The model in "(Linux; Android 13; SM-S918B Build/TP1A) …", as uap-core names it. */
function androidDevice(ua: string): string {
  const open = ua.lastIndexOf('(', ua.indexOf('Android'));
  const close = ua.indexOf(')', open + 1);
  const section = ua.slice(open + 1, close < 0 ? undefined : close);
  const parts = section.split(';').map((p) => p.trim());
  const at = parts.findIndex((p) => p.startsWith('Android'));
  let tablet = false;
  for (const part of parts.slice(at + 1)) {
    if (part === '' || part === 'U' || part === 'wv' || part === 'Mobile' || part.startsWith('rv:') || LOCALE.test(part)) continue;
    if (part === 'Tablet') {
      tablet = true;
      continue;
    }
    const model = part.replace(/ Build\/.*$/, '').replace(/^Build\/.*$/, '').trim();
    if (model === '') continue;
    const samsung = /^(?:SAMSUNG[ -])?((?:SM|GT|SCH|SGH|SHV|SPH)-\w+)/i.exec(model);
    return samsung?.[1] !== undefined ? `Samsung ${samsung[1]}` : model;
  }
  return tablet ? 'Generic Tablet' : 'Generic Smartphone';
}

function deviceOf(ua: string): string {
  if (SPIDER.test(ua)) return 'Spider';
  const apple = /iPhone|iPad|iPod/.exec(ua);
  if (apple) return apple[0];
  if (ua.includes('Macintosh')) return 'Mac';
  if (ua.includes('Android')) return androidDevice(ua);
  return OTHER;
}

// ---------------------------------------------------------------- entry point

function parse(ua: string): ParsedUserAgent {
  let family: Hit | undefined;
  for (const rule of FAMILY_RULES) {
    family = rule(ua);
    if (family) break;
  }
  let os: Os | undefined;
  for (const rule of OS_RULES) {
    os = rule(ua);
    if (os) break;
  }
  const out: ParsedUserAgent = { name: family?.name ?? OTHER, device: Object.freeze({ name: deviceOf(ua) }) };
  if (family?.version !== undefined) out.version = family.version;
  if (os) {
    out.os = Object.freeze(
      os.version !== undefined ? { name: os.name, version: os.version, full: `${os.name} ${os.version}` } : { name: os.name },
    );
  }
  return Object.freeze(out);
}

const MEMO = new Map<string, ParsedUserAgent>();

/**
 * Parses a User-Agent. The result is frozen and shared between calls with the
 * same (truncated) string: copy it before changing it.
 */
export function parseUserAgent(ua: string): ParsedUserAgent {
  const text = typeof ua === 'string' ? ua.slice(0, MAX_USER_AGENT_LENGTH) : '';
  const known = MEMO.get(text);
  if (known) return known;
  let parsed: ParsedUserAgent;
  try {
    parsed = parse(text);
  } catch {
    // Unreachable by construction; a parser must never take the pipeline down.
    parsed = Object.freeze({ name: OTHER, device: Object.freeze({ name: OTHER }) });
  }
  if (MEMO.size >= MAX_MEMO_ENTRIES) {
    const oldest = MEMO.keys().next();
    if (oldest.done !== true) MEMO.delete(oldest.value);
  }
  MEMO.set(text, parsed);
  return parsed;
}

/** How many parsed strings are memoized (for tests and metrics). */
export function userAgentMemoSize(): number {
  return MEMO.size;
}
