/**
 * The ECS field catalog: every field Sift may emit, with its Elasticsearch
 * type. It drives the serializer (`serialize.ts`), the index templates
 * (`template.ts`) and the conformance of normalizers (a test checks every
 * field a normalizer emits is declared here with a compatible type).
 *
 * Core field types only: this is also what runs on the stripped ES test build
 * (see docs/stack.md). Where ECS says `wildcard`/`constant_keyword` we use
 * `keyword`, and where it says `match_only_text` we use `text`.
 */
export const FieldType = {
  keyword: 'keyword',
  text: 'text',
  date: 'date',
  ip: 'ip',
  long: 'long',
  float: 'float',
  boolean: 'boolean',
  geo_point: 'geo_point',
  flattened: 'flattened',
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  /** The value is a list (ES has no array type; this matters to the serializer). */
  readonly array?: boolean;
  readonly description: string;
}

const f = (name: string, type: FieldType, description: string, array = false): FieldDef =>
  array ? { name, type, description, array } : { name, type, description };

/**
 * `<prefix>.geo.*` and `<prefix>.as.*` as Elastic's geoip processor fills
 * them: the vendor's own where it geolocates (Okta, GitHub), else Sift's
 * GeoIP/ASN enrichment of `<prefix>.ip` (docs/enrichment.md; the shipped data
 * is IP Geolocation by DB-IP and RouteViews/NRO, CC BY 4.0).
 */
function geoAs(prefix: 'source' | 'client'): FieldDef[] {
  const from = `of ${prefix}.ip, from the vendor or GeoIP enrichment (docs/enrichment.md)`;
  return [
    f(`${prefix}.geo.city_name`, 'keyword', `City ${from}.`),
    f(`${prefix}.geo.continent_name`, 'keyword', `Continent ${from}.`),
    f(`${prefix}.geo.country_iso_code`, 'keyword', `Country ISO 3166-1 code ${from}.`),
    f(`${prefix}.geo.country_name`, 'keyword', `Country ${from}.`),
    f(`${prefix}.geo.region_iso_code`, 'keyword', `Region ISO 3166-2 code ${from}.`),
    f(`${prefix}.geo.region_name`, 'keyword', `Region or state ${from}.`),
    f(`${prefix}.geo.location`, 'geo_point', `Latitude/longitude ${from}.`),
    f(`${prefix}.as.number`, 'long', `Autonomous system number ${from}.`),
    f(`${prefix}.as.organization.name`, 'keyword', `Autonomous system organization ${from}.`),
  ];
}

/** ECS core fields shared by every dataset. */
export const ECS_BASE: readonly FieldDef[] = [
  f('@timestamp', 'date', 'When the event happened, as reported by the vendor.'),
  f('message', 'text', 'Human-readable summary of the event.'),
  f('tags', 'keyword', 'Keywords Sift attaches, e.g. timestamp_from_receipt when @timestamp is the delivery time.', true),
  f('ecs.version', 'keyword', 'ECS version the document conforms to.'),
  f('event.id', 'keyword', "The vendor's unique id of the event."),
  f('event.kind', 'keyword', 'ECS event kind (event, alert, …).'),
  f('event.category', 'keyword', 'ECS event categories.', true),
  f('event.type', 'keyword', 'ECS event types.', true),
  f('event.action', 'keyword', 'The action, in the vendor vocabulary (e.g. user.session.start).'),
  f('event.outcome', 'keyword', 'success, failure or unknown.'),
  f('event.dataset', 'keyword', 'Dataset id, e.g. okta.system.'),
  f('event.module', 'keyword', 'Source module, e.g. okta.'),
  f('event.provider', 'keyword', 'The vendor service that produced the event.'),
  f('event.reason', 'keyword', 'Why the event happened, in the vendor words.'),
  f('event.severity', 'long', 'Numeric severity reported by the vendor.'),
  f('event.original', 'keyword', 'The raw record, when pipeline.keep_original is set (not indexed).'),
  f('event.ingested', 'date', 'When Sift indexed the event.'),
  f('user.id', 'keyword', 'Id of the acting user.'),
  f('user.name', 'keyword', 'Name of the acting user.'),
  f('user.email', 'keyword', 'Email of the acting user.'),
  f('user.full_name', 'keyword', 'Full name of the acting user.'),
  f('user.domain', 'keyword', 'Domain of the acting user.'),
  f('user.target.id', 'keyword', 'Id of the user acted upon.'),
  f('user.target.name', 'keyword', 'Name of the user acted upon.'),
  f('user.target.email', 'keyword', 'Email of the user acted upon.'),
  f('user.target.full_name', 'keyword', 'Full name of the user acted upon.'),
  f('user.target.group.id', 'keyword', 'Id of the group acted upon.'),
  f('user.target.group.name', 'keyword', 'Name of the group acted upon.'),
  f('source.ip', 'ip', 'Address the request came from.'),
  f('source.domain', 'keyword', 'Domain of the source.'),
  f('source.port', 'long', 'Port the request came from.'),
  f('source.user.id', 'keyword', 'Id of the user at the source.'),
  f('source.user.name', 'keyword', 'Name of the user at the source.'),
  f('source.user.email', 'keyword', 'Email of the user at the source.'),
  f('source.user.full_name', 'keyword', 'Full name of the user at the source.'),
  ...geoAs('source'),
  f('client.ip', 'ip', 'Address of the client.'),
  f('client.domain', 'keyword', 'Domain of the client.'),
  f('client.user.id', 'keyword', 'Id of the client user.'),
  f('client.user.name', 'keyword', 'Name of the client user.'),
  f('client.user.email', 'keyword', 'Email of the client user.'),
  f('client.user.full_name', 'keyword', 'Full name of the client user.'),
  ...geoAs('client'),
  f('client.geo.postal_code', 'keyword', 'Postal code, as the vendor geolocated it.'),
  f('user_agent.original', 'keyword', 'The raw User-Agent header.'),
  f('user_agent.name', 'keyword', 'Browser or client name, parsed from the User-Agent.'),
  f('user_agent.version', 'keyword', 'Browser or client version.'),
  f('user_agent.os.name', 'keyword', 'Operating system name.'),
  f('user_agent.os.version', 'keyword', 'Operating system version.'),
  f('user_agent.os.full', 'keyword', 'Operating system name and version.'),
  f('user_agent.device.name', 'keyword', 'Device name.'),
  f('related.user', 'keyword', 'Every user name, id or email in the event.', true),
  f('related.ip', 'ip', 'Every IP address in the event.', true),
  f('error.code', 'keyword', 'Vendor error code.'),
  f('error.message', 'text', 'Vendor error message.'),
];
