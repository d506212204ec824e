/**
 * Country and continent names for a country code, for databases that carry
 * only the ISO 3166-1 code (DB-IP's city database as `@ip-location-db` ships
 * it). Names are the English ones MaxMind's databases use, so a document reads
 * the same whichever database enriched it: CLDR's English region names (Node's
 * `Intl.DisplayNames`) with " & " spelled "and", and MaxMind's spelling where
 * the two differ. Continents follow GeoNames (which MaxMind uses): Russia in
 * Europe, Turkey and the Caucasus in Asia.
 */

const CONTINENTS: Readonly<Record<string, { readonly name: string; readonly countries: string }>> = {
  AF: {
    name: 'Africa',
    countries:
      'AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW',
  },
  AN: { name: 'Antarctica', countries: 'AQ BV GS HM TF' },
  AS: {
    name: 'Asia',
    countries:
      'AE AF AM AZ BD BH BN BT CC CN CX GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE',
  },
  EU: {
    name: 'Europe',
    countries:
      'AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK',
  },
  NA: {
    name: 'North America',
    countries: 'AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA PM PR SV SX TC TT US VC VG VI',
  },
  OC: { name: 'Oceania', countries: 'AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS' },
  SA: { name: 'South America', countries: 'AR BO BR CL CO EC FK GF GY PE PY SR UY VE' },
};

/** Where MaxMind's English name is not CLDR's. */
const MAXMIND_NAMES: Readonly<Record<string, string>> = {
  CD: 'DR Congo',
  CG: 'Congo Republic',
  CI: 'Ivory Coast',
  HK: 'Hong Kong',
  MM: 'Myanmar',
  MO: 'Macao',
  PS: 'Palestine',
};

export interface CountryInfo {
  readonly name: string;
  readonly continentCode?: string;
  readonly continentName?: string;
}

const CONTINENT_OF = new Map<string, { code: string; name: string }>();
for (const [code, c] of Object.entries(CONTINENTS)) for (const cc of c.countries.split(' ')) CONTINENT_OF.set(cc, { code, name: c.name });

const CACHE = new Map<string, CountryInfo | undefined>();
let displayNames: Intl.DisplayNames | undefined;

/** Names of an ISO 3166-1 alpha-2 code, or undefined for a code CLDR does not know. */
export function countryInfo(code: string): CountryInfo | undefined {
  if (CACHE.has(code)) return CACHE.get(code);
  let info: CountryInfo | undefined;
  // ZZ is CLDR's (and DB-IP's) "unknown region", not a country.
  if (/^[A-Z]{2}$/.test(code) && code !== 'ZZ') {
    displayNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const name = MAXMIND_NAMES[code] ?? displayNames.of(code)?.replaceAll(' & ', ' and ');
    const continent = CONTINENT_OF.get(code);
    if (name !== undefined) info = continent ? { name, continentCode: continent.code, continentName: continent.name } : { name };
  }
  // Bounded by the number of two-letter codes (676).
  CACHE.set(code, info);
  return info;
}
